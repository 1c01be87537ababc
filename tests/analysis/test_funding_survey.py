"""The funding survey page, its CSV/XLSX/JSON siblings and its charts, on the demo records."""

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from council.analysis.funding.demo import load_funding_demo
from council.analysis.funding.models import FundingRecord
from council.analysis.themes import ThemeSums
from council.extensions import db
from tests.analysis.conftest import table_cells

YEAR = 2006


@pytest.fixture
def demo(seeded, make_theme):
    load_funding_demo()
    db.session.commit()
    # Adopted themes with budgets beside the records: a grant, a large project, one placed
    # by its lead's prefecture (福岡), and a draft that does not count.
    make_theme(budget=12_345, year=YEAR, block="kinki", field="nano")
    make_theme(budget=20_050, year=YEAR, block="kanto", field="life",
               measure="都市エリア産学官連携促進事業")  # fmt: skip
    make_theme(budget=8_000, year=YEAR, block=None, lead_prefecture=40, field="env")
    make_theme(budget=99_000, year=YEAR, block="chubu", status="draft")


def _raw_matrix(year):
    """The matrix recomputed in Python from the raw rows: the records, and the published
    themes with a budget (thousand yen, rounded half up to ¥0.1M) that no record names."""
    from council.directory.models import Block
    from council.portal.models.registers import Theme
    from council.reference.models import ResearchField

    blocks = {b.id: b.code for b in db.session.scalars(sa.select(Block))}
    fields = {f.id: f.code for f in db.session.scalars(sa.select(ResearchField))}
    out = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    named = set()
    for r in db.session.scalars(sa.select(FundingRecord).where(FundingRecord.fiscal_year == year)):
        out[r.kind][blocks[r.block_id]][fields[r.field_id]] += r.amount_million
        named.add(r.theme_id)
    for t in db.session.scalars(sa.select(Theme).where(Theme.fiscal_year == year)):
        if t.status != "published" or not t.budget or t.id in named:
            continue
        kind = "large" if "large_project" in t.measure.flags else "grant"
        block = t.block_id or t.lead_agency.prefecture.block_id
        tenths = (t.budget * 2 + 100) // 200  # half up, in integers
        out[kind][blocks[block]][fields[t.field_id]] += Decimal(tenths) / 10
    return out


def test_api_matrix_equals_the_raw_rows_recomputed(demo, hq_client):
    body = hq_client.get(f"/api/v1/funding/{YEAR}").get_json()
    assert body["fiscal_year"] == YEAR and body["unit"] == "million_yen"
    raw = _raw_matrix(YEAR)
    assert len(body["large"]) == 10 and len(body["grant"]) == 10
    for kind in ("large", "grant"):
        for block, by_field in body[kind].items():
            assert len(by_field) == 9
            for field, amount in by_field.items():
                assert Decimal(str(amount)) == raw[kind][block][field], (kind, block, field)
    # Shaped like the report: large projects about ¥2,000M in 近畿, 関東, 九州; grants led by 関東.
    for block in ("kinki", "kanto", "kyushu"):
        assert 1800 <= sum(body["large"][block].values()) <= 2200
    grants = {b: sum(v.values()) for b, v in body["grant"].items()}
    assert sorted(grants, key=grants.get, reverse=True)[:2] == ["kanto", "kinki"]


def _page_matrix(html, kind):
    rows = table_cells(html, f"matrix-{kind}")
    header, body = rows[0], rows[1:]
    return header, body


def test_page_csv_and_xlsx_hold_the_same_numbers(demo, hq_client):
    html = hq_client.get(f"/analysis/funding/{YEAR}").get_data(as_text=True)
    raw = _raw_matrix(YEAR)
    csv_response = hq_client.get(f"/analysis/funding/{YEAR}.csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    csv_rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    wb = load_workbook(io.BytesIO(hq_client.get(f"/analysis/funding/{YEAR}.xlsx").data))
    for kind, label in (("large", "大型プロジェクト"), ("grant", "研究開発助成事業")):
        header, body = _page_matrix(html, kind)
        assert len(body) == 11  # ten blocks and the totals
        page_numbers = [[Decimal(c.replace(",", "")) for c in row[1:]] for row in body]
        # the page against the raw rows: 関東 × ライフサイエンス and the grand total
        kanto = next(row for row in body if row[0] == "関東")
        assert Decimal(kanto[1].replace(",", "")) == raw[kind]["kanto"]["life"]
        total = sum((v for b in raw[kind].values() for v in b.values()), Decimal(0))
        assert page_numbers[-1][-1] == total
        # CSV: the section after the kind's label line
        start = csv_rows.index([label]) + 1
        section = csv_rows[start : start + 12]
        assert section[0] == header
        assert [[Decimal(c) for c in row[1:]] for row in section[1:]] == page_numbers
        assert [row[0] for row in section[1:]] == [row[0] for row in body]
        # XLSX: one sheet per kind, the table from row 3
        ws = wb[label]
        values = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
        assert [str(v) for v in values[0]] == header
        assert [[Decimal(str(v)) for v in row[1:]] for row in values[1:12]] == page_numbers


def test_chart_values_read_back_equal_the_matrix(demo, hq_client):
    html = hq_client.get(f"/analysis/funding/{YEAR}").get_data(as_text=True)
    raw = _raw_matrix(YEAR)
    bar = re.compile(
        r'<rect class="chart-bar" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"[^>]*'
        r'data-column="([^"]+)" data-series="([^"]+)" data-value="([^"]+)"'
    )
    for kind in ("large", "grant"):
        start = html.index(f'id="chart-{kind}-block"')
        svg = html[start : html.index("</svg>", start)]
        drawn = {(b, f): (Decimal(v), float(h)) for h, b, f, v in bar.findall(svg)}
        expected = {
            (b, f): v for b, by_field in raw[kind].items() for f, v in by_field.items() if v
        }
        assert {k: v for k, (v, _) in drawn.items()} == expected
        # Heights are drawn to one scale (to the drawing's 0.01 precision).
        value, height = max(drawn.values())
        scale = height / float(value)
        assert all(abs(h - float(v) * scale) <= 0.02 for v, h in drawn.values())
        start = html.index(f'id="chart-{kind}-field"')
        svg = html[start : html.index("</svg>", start)]
        by_field = {f: Decimal(v) for _, f, _, v in bar.findall(svg)}
        column_totals = defaultdict(Decimal)
        for by_f in raw[kind].values():
            for f, v in by_f.items():
                column_totals[f] += v
        assert by_field == {f: v for f, v in column_totals.items() if v}


def test_ranking_share_change_and_measure_lines(seeded, hq_client, make_funding):
    make_funding(year=2006, block="kanto", amount="100.0")
    make_funding(year=2007, block="kanto", amount="150.0", field="ict")
    make_funding(
        year=2007, block="kinki", amount="50.0", measure="地域新生コンソーシアム研究開発事業"
    )
    html = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    ranking = table_cells(html, "ranking-grant")
    assert ranking[1][:4] == ["1", "関東", "150.0", "75.0%"]
    assert ranking[1][4:] == ["100.0", "+50.0", "+50.0%"]
    assert ranking[2][:4] == ["2", "近畿", "50.0", "25.0%"]
    assert ranking[3][0] == "3"  # every other block shares rank 3 with zero
    fields = {row[0]: row[1:] for row in table_cells(html, "fields-grant")[1:]}
    assert fields["情報通信"] == ["150.0", "75.0%"]
    measures = {row[1]: row[2:] for row in table_cells(html, "measures")[1:]}
    assert measures["地域新生コンソーシアム研究開発事業"] == ["9,918", "50.0", "0.5%"]


def test_the_theme_sources_sums_join_the_records(seeded, hq_client, make_funding, fake_themes, ids):
    fake_themes.funding_rows += [
        ThemeSums(2007, "grant", ids["block"]["tohoku"], ids["field"]["env"], Decimal("80.0"), 3),
        ThemeSums(2006, "large", ids["block"]["tohoku"], ids["field"]["env"], Decimal("9.5"), 1),
    ]
    make_funding(year=2007, block="tohoku", field="env", amount="60.5")
    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert body["grant"]["tohoku"]["env"] == 140.5
    html = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert 'data-count="3"' in html
    tohoku = next(row for row in table_cells(html, "ranking-large")[1:] if row[1] == "東北")
    assert tohoku[4:6] == ["9.5", "-9.5"]


def test_a_secretariat_reads_its_own_block_only(
    seeded, client, login_as, make_funding, kinki_secretariat
):
    make_funding(block="kanto", amount="10.0")
    make_funding(block="kinki", amount="20.0")
    login_as(kinki_secretariat)
    body = client.get("/api/v1/funding/2007").get_json()
    assert list(body["grant"]) == ["kinki"] and body["grant"]["kinki"]["life"] == 20.0
    html = client.get("/analysis/funding/2007").get_data(as_text=True)
    assert "関東" not in "".join(row[0] for row in table_cells(html, "matrix-grant"))
    csv_text = client.get("/analysis/funding/2007.csv").data.decode("utf-8-sig")
    assert "関東" not in csv_text and "近畿" in csv_text
    assert client.get("/analysis/funding/records/new").status_code == 403
    assert client.post("/analysis/funding/import").status_code == 403


def test_members_and_anonymous_callers_are_refused(seeded, client, make_user, login_as):
    assert client.get("/api/v1/funding/2007").status_code == 401
    assert client.get("/analysis/funding/2007").status_code == 302
    login_as(make_user(role="member"))
    assert client.get("/api/v1/funding/2007").status_code == 403
    assert client.get("/analysis/funding/2007").status_code == 403
    assert client.get("/analysis/funding/2007.xlsx").status_code == 403


def test_the_page_runs_a_constant_number_of_statements(
    seeded, hq_client, make_funding, make_theme, count_queries
):
    make_funding()
    make_theme(budget=1_000)
    hq_client.get("/analysis/funding/2007")
    db.session.commit()  # as after make_funding: the user row is loaded again
    with count_queries() as few:
        hq_client.get("/analysis/funding/2007")
    blocks = ("kanto", "kinki", "kyushu")
    for i in range(30):
        make_funding(block=blocks[i % 3], field="nano", amount=f"{i}.5")
    # Ten times the themes: of both kinds and both years, one not placeable, one replaced.
    for i in range(9):
        make_theme(budget=1_000 * (i + 1), block=blocks[i % 3], year=2006 + i % 2,
                   measure="都市エリア産学官連携促進事業" if i % 2 else "建設技術研究開発助成制度",
                   field=None if i == 5 else "life")  # fmt: skip
    make_funding(amount="3.0", theme_id=make_theme(budget=3_000).id)
    with count_queries() as many:
        html = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert 'data-count="4"' in html and len(table_cells(html, "uncounted")) == 2
    assert many["n"] == few["n"]
