"""The survey page's content is kept per data version once the data has settled: a second
request computes nothing, and any change to what it shows is on the next request."""

from datetime import UTC, datetime

import sqlalchemy as sa

from council.analysis.funding import queries
from council.analysis.funding.models import FundingRecord
from council.extensions import db
from council.portal.models.registers import Theme
from tests.analysis.conftest import table_cells


def _settle(year: int) -> None:
    """Backdate every change, as if the last edit were long ago."""
    for model in (FundingRecord, Theme):
        db.session.execute(sa.update(model).values(updated_at=datetime(year, 1, 1, tzinfo=UTC)))
    db.session.commit()


def _grant_total(html: str, block: str) -> str:
    rows = {row[0]: row[-1] for row in table_cells(html, "matrix-grant")}
    return rows[block]


def test_a_settled_survey_is_computed_once_and_an_edit_shows_next_time(
    seeded, hq_client, kinki_secretariat, client, login_as, make_funding, make_theme, monkeypatch
):
    make_funding(block="kanto", amount="10.0")
    theme = make_theme(budget=2_000, block="kinki", field="life")
    _settle(2020)
    calls = []
    original = queries.year_figures
    monkeypatch.setattr(
        queries, "year_figures", lambda *a, **k: calls.append(a) or original(*a, **k)
    )

    first = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    second = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert len(calls) == 1 and second == first
    assert _grant_total(first, "近畿") == "2.0"

    # Another viewer's scope is its own entry: a secretariat never gets headquarters' page.
    login_as(kinki_secretariat)
    own = client.get("/analysis/funding/2007").get_data(as_text=True)
    assert len(calls) == 2 and "関東" not in "".join(r[0] for r in table_cells(own, "matrix-grant"))

    # A theme's budget edited (and settled again): the next request recomputes.
    db.session.get(Theme, theme.id).budget = 3_000
    db.session.commit()
    _settle(2021)
    changed = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert len(calls) == 3 and _grant_total(changed, "近畿") == "3.0"

    # A record deleted: the count moves even though no timestamp does.
    db.session.execute(sa.delete(FundingRecord.__table__))
    db.session.commit()
    after = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert len(calls) == 4 and "関東" not in "".join(
        r[0] for r in table_cells(after, "matrix-grant") if r[-1] != "0.0"
    )


def test_no_content_is_kept_while_a_change_settles(seeded, hq_client, make_funding, monkeypatch):
    make_funding(block="kanto", amount="10.0")  # just now: still settling
    calls = []
    original = queries.year_figures
    monkeypatch.setattr(
        queries, "year_figures", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    hq_client.get("/analysis/funding/2007")
    hq_client.get("/analysis/funding/2007")
    assert len(calls) == 2
