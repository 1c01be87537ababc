"""The measures register: published totals beside the line sums, a page per measure with the
briefings that explained it, and editing by admin and hq, audited."""

import re

import pytest
import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure


def _measure(name: str) -> Measure:
    return db.session.scalar(sa.select(Measure).where(Measure.name == name))


def _footer_cell(html: str, row_id: str, year: int) -> str:
    row = re.search(rf'id="{row_id}"(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-year="{year}">(.*?)</td>', row, re.S).group(1)


def test_register_shows_fy2007_lines_summing_to_the_published_total(seeded, client):
    html = client.get("/measures/").get_data(as_text=True)
    assert _footer_cell(html, "line-sums", 2007) == "74,222"
    assert _footer_cell(html, "published-totals", 2007).startswith("74,222")
    assert "17施策" in _footer_cell(html, "published-totals", 2007)
    # FY2005 and FY2006: only the published totals exist.
    assert _footer_cell(html, "published-totals", 2005).startswith("70,332")
    assert _footer_cell(html, "published-totals", 2006).startswith("81,535")
    assert _footer_cell(html, "line-sums", 2005) == "—"
    assert "一致" in html
    # The slot figures with their adopted and continued counts.
    slots = html[html.index('id="slots"') :]
    assert "2,540" in slots and "1,180" in slots and "860" in slots


def test_measure_page_lists_the_briefings_that_explained_it(
    seeded, make_activity, login_as, client, hq
):
    measure = _measure("地域新生コンソーシアム研究開発事業")
    make_activity(
        block="kanto",
        category="briefing",
        title="地域新生コンソーシアム公募説明会(さいたま)",
        visibility="public",
        status="held",
        measures=[measure],
    )
    make_activity(
        block="kinki",
        category="briefing",
        title="近畿 構成機関向け説明会",
        visibility="members",
        measures=[measure],
    )
    make_activity(block="kanto", category="briefing", title="別の施策の説明会")

    html = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "経済産業省" in html and "9,918" in html
    assert "地域新生コンソーシアム公募説明会(さいたま)" in html
    assert "近畿 構成機関向け説明会" not in html  # members only
    assert "別の施策の説明会" not in html
    login_as(hq)
    html = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "近畿 構成機関向け説明会" in html
    assert client.get("/measures/99999").status_code == 404
    index = client.get("/measures/").get_data(as_text=True)
    assert f'href="/measures/{measure.id}"' in index


def _edit_data(measure: Measure, **overrides) -> dict:
    data = {
        "ministry_id": str(measure.ministry_id),
        "name": measure.name,
        "note": measure.note,
        "reason": "",
        # The form shows the measure's life as it is: an edit sends it back unchanged.
        "first_fy": "" if measure.first_fy is None else str(measure.first_fy),
        "last_fy": "" if measure.last_fy is None else str(measure.last_fy),
    }
    for line in measure.budgets:
        data[f"budget_{line.fiscal_year}"] = str(line.amount_million)
    data.update(overrides)
    return data


def test_hq_corrects_a_budget_and_the_change_is_audited(seeded, login_as, client, hq):
    login_as(hq)
    measure = _measure("沖縄イノベーション創出事業")
    response = client.post(
        f"/measures/{measure.id}/edit",
        data=_edit_data(
            measure,
            budget_2007="280",
            new_year_1="2008",
            new_amount_1="1,200",
            reason="補正後の額に訂正",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    budgets = {
        b.fiscal_year: b.amount_million for b in _measure("沖縄イノベーション創出事業").budgets
    }
    assert budgets == {2007: 280, 2008: 1200}
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.actor_id == hq.id).order_by(AuditEntry.id)
    ).all()
    line = next(e for e in entries if e.object_type == "MeasureBudget" and e.action == "update")
    assert line.changes["amount_million"] == [270, 280]
    assert line.reason == "補正後の額に訂正"
    summary = next(e for e in entries if e.object_type == "Measure")
    assert summary.object_label == "沖縄イノベーション創出事業"
    assert summary.changes["予算 平成19年度"] == [270, 280]
    assert summary.changes["予算 平成20年度"] == [None, 1200]
    # The register's FY2007 sum now differs from the published total, and says by how much.
    html = client.get("/measures/").get_data(as_text=True)
    assert "+10" in html


def test_a_blank_amount_removes_that_years_line(seeded, login_as, client, admin):
    login_as(admin)
    measure = _measure("環境技術開発等推進費")
    response = client.post(f"/measures/{measure.id}/edit", data=_edit_data(measure, budget_2007=""))
    assert response.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MeasureBudget)
            .where(MeasureBudget.measure_id == measure.id)
        )
        == 0
    )
    deleted = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "MeasureBudget", AuditEntry.action == "delete"
        )
    )
    assert deleted.changes["amount_million"] == [881, None]


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"budget_2007": "たくさん"}, "budget_2007", "数字(整数)で入力"),
        ({"budget_2007": "-5"}, "budget_2007", "0から"),
        ({"new_year_1": "2007", "new_amount_1": "5"}, "new_year_1", "既にあります"),
        ({"new_year_1": "2009"}, "new_amount_1", "予算額を入力"),
        ({"new_amount_1": "100"}, "new_year_1", "年度を入力"),
        ({"name": ""}, "name", "施策名を入力"),
        ({"name": "地域結集型共同研究事業"}, "name", "既に登録されています"),
        ({"ministry_id": "9999"}, "ministry_id", "一覧から選択"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(
    overrides, field, message, seeded, login_as, client, hq
):
    login_as(hq)
    measure = _measure("建設技術研究開発助成制度")
    response = client.post(f"/measures/{measure.id}/edit", data=_edit_data(measure, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html and message in html
    for value in overrides.values():
        if value:
            assert (
                f'value="{value}"' in html
                or f'value="{value}" selected' in html
                or (field == "ministry_id")
            )
    db.session.expire_all()
    assert [b.amount_million for b in _measure("建設技術研究開発助成制度").budgets] == [400]


def test_hq_adds_a_measure(seeded, login_as, client, hq):
    login_as(hq)
    meti = db.session.scalar(sa.text("SELECT id FROM ministries WHERE name = '経済産業省'"))
    response = client.post(
        "/measures/new",
        data={
            "ministry_id": str(meti),
            "name": "地域イノベーション創出研究開発事業",
            "note": "",
            "new_year_1": "2008",
            "new_amount_1": "8,550",
        },
    )
    assert response.status_code == 302
    measure = _measure("地域イノベーション創出研究開発事業")
    assert [(b.fiscal_year, b.amount_million) for b in measure.budgets] == [(2008, 8550)]


def test_published_totals_are_corrected_and_added(seeded, login_as, client, hq):
    login_as(hq)
    response = client.post(
        "/measures/published/2006",
        data={"ministries_count": "8", "measures_count": "16", "amount_million": "81,536"},
    )
    assert response.status_code == 302
    total = db.session.scalar(sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == 2006))
    assert total.amount_million == 81536
    response = client.post(
        "/measures/published/new",
        data={
            "fiscal_year": "2008",
            "ministries_count": "8",
            "measures_count": "18",
            "amount_million": "80000",
        },
    )
    assert response.status_code == 302
    again = client.post(
        "/measures/published/new",
        data={
            "fiscal_year": "2008",
            "ministries_count": "8",
            "measures_count": "18",
            "amount_million": "1",
        },
    )
    assert again.status_code == 400 and "既にあります" in again.get_data(as_text=True)
    bad = client.post("/measures/published/2006", data={"ministries_count": "0"})
    assert bad.status_code == 400
    assert "1から100までの整数" in bad.get_data(as_text=True)


def test_slot_figures_are_edited_and_added(seeded, login_as, client, admin):
    login_as(admin)
    slot = db.session.scalar(
        sa.select(SlotFigure).where(SlotFigure.fiscal_year == 2007).order_by(SlotFigure.id)
    )
    response = client.post(
        f"/measures/slots/{slot.id}/edit",
        data={"amount_million": "1180", "adopted": "14", "continued": "20", "regions": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SlotFigure, slot.id).adopted == 14
    data = {
        "programme": slot.programme,
        "fiscal_year": "2008",
        "amount_million": "1000",
        "adopted": "10",
        "continued": "",
        "regions": "",
    }
    assert client.post("/measures/slots/new", data=data).status_code == 302
    duplicate = client.post("/measures/slots/new", data=data)
    assert duplicate.status_code == 400
    assert "既に登録されています" in duplicate.get_data(as_text=True)
    empty = client.post("/measures/slots/new", data={**data, "fiscal_year": "2009", "adopted": ""})
    assert empty.status_code == 400
    assert "いずれかを入力" in empty.get_data(as_text=True)


def test_only_admin_and_hq_see_the_edit_links(seeded, login_as, client, secretariat):
    html = client.get("/measures/").get_data(as_text=True)
    assert "施策を追加" not in html and "/edit" not in html
    login_as(secretariat)
    assert "施策を追加" not in client.get("/measures/").get_data(as_text=True)
