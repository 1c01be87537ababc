"""Fixtures of the analysis tests: funding records and a stand-in themes register."""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from council.analysis import themes
from council.extensions import db

TAG = re.compile(r"<[^>]+>")


@pytest.fixture
def ids(seeded):
    """Reference ids by code or name."""
    from council.directory.models import Block, Ministry
    from council.measures.models import Measure
    from council.reference.models import ResearchField

    return {
        "block": {b.code: b.id for b in db.session.scalars(sa.select(Block))},
        "field": {f.code: f.id for f in db.session.scalars(sa.select(ResearchField))},
        "ministry": {m.name: m.id for m in db.session.scalars(sa.select(Ministry))},
        "measure": {m.name: m for m in db.session.scalars(sa.select(Measure))},
    }


@pytest.fixture
def make_funding(ids):
    """make_funding(year=2007, kind="grant", block="kanto", field="life", amount="100.5")."""
    from council.analysis.funding.models import FundingRecord

    counter = {"n": 0}

    def factory(
        year=2007,
        kind="grant",
        block="kanto",
        field="life",
        amount="100.0",
        ministry="経済産業省",
        measure=None,
        theme_id=None,
    ):
        counter["n"] += 1
        record = FundingRecord(
            fiscal_year=year,
            kind=kind,
            block_id=ids["block"][block],
            field_id=ids["field"][field],
            ministry_id=ids["ministry"][ministry],
            measure_id=ids["measure"][measure].id if measure else None,
            title=f"案件{counter['n']}",
            amount_million=Decimal(amount),
            theme_id=theme_id,
        )
        db.session.add(record)
        db.session.commit()
        return record

    return factory


@pytest.fixture
def make_theme(ids):
    """make_theme(budget=1250, measure=…, field="env", block="kinki", year=2007, …): an adopted
    research theme of the portal, led by a new company in `lead_prefecture` (a prefecture of
    `block` unless given; None: a lead without a prefecture). `block=None` leaves the theme's
    own (managing) block empty."""
    from council.directory.models import Agency
    from council.portal.models.registers import Theme
    from council.reference.models import Prefecture

    counter = {"n": 0}
    unset = object()

    def factory(
        budget=1250,
        measure="地域新生コンソーシアム研究開発事業",
        field="env",
        block="kinki",
        year=2007,
        status="published",
        lead_prefecture=unset,
    ):
        counter["n"] += 1
        if lead_prefecture is unset:
            lead_prefecture = db.session.scalar(
                sa.select(Prefecture.id)
                .where(Prefecture.block_id == ids["block"][block or "kanto"])
                .order_by(Prefecture.id)
            )
        lead = Agency(
            name=f"テーマ企業{counter['n']}", kind="company", prefecture_id=lead_prefecture
        )
        theme = Theme(
            programme=measure or "独自の研究",
            measure_id=ids["measure"][measure].id if measure else None,
            fiscal_year=year,
            title=f"研究テーマ{counter['n']}",
            lead_agency=lead,
            field_id=ids["field"][field] if field else None,
            block_id=ids["block"][block] if block else None,
            budget=budget,
            status=status,
        )
        db.session.add(theme)
        db.session.commit()
        return theme

    return factory


class FakeThemes:
    """A themes register held in memory, as the portal's will answer."""

    def __init__(self):
        self.member_rows = []
        self.funding_rows = []
        self.uncounted_rows = []
        self.revision = 0

    def members(self, first_fy, last_fy):
        return [t for t in self.member_rows if first_fy <= t.fiscal_year <= last_fy]

    def funding(self, fiscal_years):
        years = set(fiscal_years)
        return [t for t in self.funding_rows if t.fiscal_year in years]

    def measure_funding(self, fiscal_year):
        return {}

    def uncounted(self, fiscal_year):
        return [t for t in self.uncounted_rows if t.fiscal_year == fiscal_year]

    def latest_year(self):
        return max((t.fiscal_year for t in self.funding_rows), default=None)

    def version(self):
        return f"fake:{self.revision}"


@pytest.fixture
def fake_themes(app):
    source = FakeThemes()
    themes.set_source(app, source)
    return source


def table_cells(html: str, table_id: str) -> list[list[str]]:
    """The rows of an HTML table as the text of their cells (th and td)."""
    start = html.index(f'id="{table_id}"')
    body = html[start : html.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([TAG.sub("", c).strip() for c in cells])
    return rows
