"""Funding derived from the portal's adopted research themes that carry a budget: counted in
the survey unless a funding record names the theme, placed by the theme's measure (kind,
ministry), block (or its lead's prefecture) and field; themes it cannot place are listed."""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from council.analysis.funding.models import FundingRecord
from council.analysis.network import service
from council.analysis.themes import PortalThemes, budget_million
from council.extensions import db
from tests.analysis.conftest import table_cells

GRANT_MEASURE = "地域新生コンソーシアム研究開発事業"  # 経済産業省, budget FY2007 9,918
LARGE_MEASURE = "都市エリア産学官連携促進事業"  # 文部科学省, flagged as a large project
FUKUOKA = 40


@pytest.mark.parametrize(
    ("thousand_yen", "million"),
    [
        (1, "0.0"),
        (49, "0.0"),
        (50, "0.1"),
        (149, "0.1"),
        (150, "0.2"),  # half up, not to even
        (1249, "1.2"),
        (1250, "1.3"),
        (99_950, "100.0"),
        (123_456_789, "123456.8"),
    ],
)
def test_a_budget_in_thousand_yen_rounds_half_up_to_a_tenth_of_a_million(
    seeded, hq_client, make_theme, thousand_yen, million
):
    # The survey sums in SQL (integers); the list of uncounted themes rounds in Python.
    assert budget_million(thousand_yen) == Decimal(million)
    make_theme(budget=thousand_yen, block="kinki", field="env")
    make_theme(budget=thousand_yen, field=None)
    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert Decimal(str(body["grant"]["kinki"]["env"])) == Decimal(million)
    assert table_cells(_page(hq_client), "uncounted")[1][2] == f"{Decimal(million):,}"


def test_budgets_of_published_themes_appear_in_the_matrix_by_kind_block_and_field(
    seeded, hq_client, make_theme
):
    make_theme(budget=1250, measure=GRANT_MEASURE, block="kinki", field="env")
    make_theme(budget=2_000_000, measure=LARGE_MEASURE, block="kanto", field="life")
    # No managing block (a national lead, say): the block of its lead's prefecture.
    make_theme(budget=300_049, block=None, lead_prefecture=FUKUOKA, field="ict")
    # Not adoptions, or nothing to count: none of these appears anywhere.
    make_theme(budget=9_000, status="draft")
    make_theme(budget=9_000, status="withdrawn")
    make_theme(budget=None)
    make_theme(budget=0)

    body = hq_client.get("/api/v1/funding/2007").get_json()

    assert body["grant"]["kinki"]["env"] == 1.3
    assert body["large"]["kanto"]["life"] == 2000.0
    assert body["grant"]["kyushu"]["ict"] == 300.0
    total = sum(v for kind in ("large", "grant") for b in body[kind].values() for v in b.values())
    assert total == pytest.approx(2301.3)
    html = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    assert 'id="derived-count" data-count="3"' in html
    assert 'id="uncounted"' not in html


def test_the_survey_lands_on_the_newest_year_of_records_or_themes(
    seeded, hq_client, make_theme, make_funding
):
    make_funding(year=2007)
    assert hq_client.get("/analysis/funding/").location.endswith("/analysis/funding/2007")
    make_theme(year=2009, status="draft")
    assert hq_client.get("/analysis/funding/").location.endswith("/analysis/funding/2007")
    make_theme(year=2009)
    assert hq_client.get("/analysis/funding/").location.endswith("/analysis/funding/2009")


def test_a_theme_of_last_year_is_the_previous_figure(seeded, hq_client, make_theme):
    make_theme(budget=40_000, year=2006, block="kinki")
    html = hq_client.get("/analysis/funding/2007").get_data(as_text=True)
    kinki = next(row for row in table_cells(html, "ranking-grant")[1:] if row[1] == "近畿")
    assert kinki[4:6] == ["40.0", "-40.0"]


def test_a_record_naming_the_theme_replaces_its_budget(
    seeded, hq_client, make_theme, make_funding, ids
):
    theme = make_theme(budget=80_000, measure=GRANT_MEASURE, block="tohoku", field="env")
    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert body["grant"]["tohoku"]["env"] == 80.0
    lines = {r[1]: r[2:] for r in table_cells(_page(hq_client), "measures")[1:]}
    assert lines[GRANT_MEASURE] == ["9,918", "80.0", "0.8%"]

    make_funding(block="tohoku", field="env", amount="60.5", theme_id=theme.id,
                 measure=GRANT_MEASURE)  # fmt: skip

    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert body["grant"]["tohoku"]["env"] == 60.5
    html = _page(hq_client)
    assert 'data-count="0"' in html
    lines = {r[1]: r[2:] for r in table_cells(html, "measures")[1:]}
    assert lines[GRANT_MEASURE] == ["9,918", "60.5", "0.6%"]


def _page(client, year=2007) -> str:
    return client.get(f"/analysis/funding/{year}").get_data(as_text=True)


def test_a_theme_the_survey_cannot_place_is_listed_with_its_reason(
    seeded, hq_client, make_theme, make_funding
):
    no_field = make_theme(budget=5_000, field=None)
    no_measure = make_theme(budget=6_000, measure=None)
    no_block = make_theme(budget=7_000, block=None, lead_prefecture=None)
    html = _page(hq_client)
    rows = table_cells(html, "uncounted")[1:]
    assert [(r[2], r[3]) for r in rows] == [
        ("5.0", "研究分野が未設定"),
        ("6.0", "施策(府省)が未設定"),
        ("7.0", "ブロックが決まらない(実施機関の所在地が未登録)"),
    ]
    assert 'data-count="0"' in html
    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert not any(
        v for kind in ("large", "grant") for b in body[kind].values() for v in b.values()
    )
    # A record that names the theme takes its place: it is no longer "not counted".
    make_funding(amount="6.0", theme_id=no_measure.id)
    rows = table_cells(_page(hq_client), "uncounted")[1:]
    assert [r[0] for r in rows] == [str(no_field.id), str(no_block.id)]


def test_a_budget_edit_changes_the_data_version_and_the_next_figures(seeded, hq_client, make_theme):
    theme = make_theme(budget=10_000, block="kinki", field="env")
    hq_client.get("/api/v1/network/kinki?from=2007&to=2007")
    computed = service.stats["computed"]
    hq_client.get("/api/v1/network/kinki?from=2007&to=2007")
    assert service.stats["computed"] == computed  # served from the cache
    before = PortalThemes().version()

    theme.budget = 12_345
    db.session.commit()

    assert PortalThemes().version() != before
    hq_client.get("/api/v1/network/kinki?from=2007&to=2007")
    assert service.stats["computed"] == computed + 1
    assert hq_client.get("/api/v1/funding/2007").get_json()["grant"]["kinki"]["env"] == 12.3


def test_the_import_refuses_a_theme_id_the_register_does_not_hold(seeded, hq_client, make_theme):
    theme = make_theme()
    header = "年度,区分,府省,ブロック,研究分野,案件名,金額(百万円),研究テーマID\n"
    text = (
        header
        + f"2007,grant,経済産業省,kinki,env,テーマの実績,1.0,{theme.id}\n"
        + f"2007,grant,経済産業省,kinki,env,存在しないテーマ,1.0,{theme.id + 1000}\n"
    )
    response = hq_client.post(
        "/analysis/funding/import",
        data={"file": (__import__("io").BytesIO(text.encode()), "f.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "3行目" in html and f"研究テーマID {theme.id + 1000} の採択研究テーマ" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingRecord)) == 0


def test_the_form_refuses_a_theme_id_the_register_does_not_hold(seeded, hq_client, ids):
    response = hq_client.post(
        "/analysis/funding/records/new",
        data={
            "fiscal_year": "2007", "kind": "grant", "ministry_id": ids["ministry"]["経済産業省"],
            "block_id": ids["block"]["kinki"], "field_id": ids["field"]["env"],
            "title": "存在しないテーマの実績", "amount": "1.0", "theme_id": "999999",
        },
    )  # fmt: skip
    assert response.status_code == 422
    assert "研究テーマID 999999 の採択研究テーマは登録されていません。" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingRecord)) == 0


def test_the_measures_large_project_flag_decides_the_kind_of_its_themes(
    seeded, hq_client, make_theme, ids
):
    from tests.national.test_measures_history import _edit_data

    make_theme(budget=30_000, measure="建設技術研究開発助成制度", block="kinki", field="infra")
    assert hq_client.get("/api/v1/funding/2007").get_json()["grant"]["kinki"]["infra"] == 30.0
    measure = ids["measure"]["建設技術研究開発助成制度"]
    form = _edit_data(measure, large_project="y", no_new_adoption="y")
    assert hq_client.post(f"/measures/{measure.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert set(measure.flag_codes) == {"large_project", "no_new_adoption"}
    body = hq_client.get("/api/v1/funding/2007").get_json()
    assert (body["large"]["kinki"]["infra"], body["grant"]["kinki"]["infra"]) == (30.0, 0.0)
    # The edit page shows the flag checked; saving it unchecked keeps the other flag.
    page = hq_client.get(f"/measures/{measure.id}/edit").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="large_project"[^>]*>', page).group(0)
    hq_client.post(f"/measures/{measure.id}/edit", data=_edit_data(measure, no_new_adoption="y"))
    db.session.expire_all()
    assert measure.flag_codes == ["no_new_adoption"]
    assert hq_client.get("/api/v1/funding/2007").get_json()["grant"]["kinki"]["infra"] == 30.0
