"""The submission pages: who sees what, submitting and returning through the forms, the
refusal that names the red items, the overview, the xlsx export and the JSON API."""

import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from council.extensions import db
from council.submissions.models import Snapshot, Submission


def _text(response) -> str:
    return response.get_data(as_text=True)


def _submission(kind="record"):
    return db.session.scalar(sa.select(Submission).where(Submission.kind == kind))


def test_the_secretariat_sees_its_completeness_list_with_links(sec_client, make_activity):
    late = make_activity(title="予定のままの協議会", status="planned", start="2007-06-20 14:00")
    html = _text(sec_client.get("/submissions/2007/kanto"))
    assert 'data-status="red"' in html
    row = re.search(r'<tr class="finding finding--red"[^>]*data-activity="(\d+)"', html)
    assert row and int(row.group(1)) == late.id
    assert f'href="/activities/{late.id}"' in html
    assert "開催日を過ぎていますが「予定」のままです" in html


def test_a_red_item_refuses_the_submission_and_keeps_the_comment(sec_client, make_activity):
    make_activity(title="議事録のない協議会", status="held", participants=30)
    response = sec_client.post(
        "/submissions/2007/kanto/record/submit", data={"record-comment": "よろしくお願いします"}
    )
    assert response.status_code == 409
    html = _text(response)
    assert "「議事録のない協議会」(2007年11月28日(水))" in html
    assert "実施済みの会議に議事録がありません" in html
    assert "よろしくお願いします</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot)) == 0


def test_submit_return_and_resubmit_through_the_pages(sec_client, hq_client, held_meeting, hq):
    held_meeting()
    response = sec_client.post(
        "/submissions/2007/kanto/record/submit", data={"record-comment": "平成19年度分です"}
    )
    assert response.status_code == 302
    html = _text(sec_client.get("/submissions/2007/kanto"))
    assert "平成19年度の実績を本府省へ提出しました(第1版)" in html
    assert 'data-kind="record">提出済<' in html

    overview = _text(hq_client.get("/submissions/2007"))
    kanto = re.search(r'<tr data-block="kanto">.*?</tr>', overview, re.S).group(0)
    assert "提出済" in kanto and 'data-col="record-submitted">1<' in kanto
    kinki = re.search(r'<tr data-block="kinki">.*?</tr>', overview, re.S).group(0)
    assert "未提出" in kinki

    # A reason is required; the typed form comes back on error.
    response = hq_client.post(
        "/submissions/2007/kanto/record/return", data={"return-record-reason": ""}
    )
    assert response.status_code == 400 and "差戻しの理由を入力してください。" in _text(response)
    response = hq_client.post(
        "/submissions/2007/kanto/record/return",
        data={"return-record-reason": "参加者数を確認してください"},
    )
    assert response.status_code == 302
    html = _text(sec_client.get("/submissions/2007/kanto"))
    assert 'data-kind="record">差戻し<' in html and "参加者数を確認してください" in html
    assert hq.name in html

    assert sec_client.post("/submissions/2007/kanto/record/submit", data={}).status_code == 302
    db.session.expire_all()
    assert _submission().state == "submitted"
    for number in (1, 2):
        page = sec_client.get(f"/submissions/2007/kanto/record/{number}")
        assert page.status_code == 200 and f"第{number}版" in _text(page)
    assert sec_client.get("/submissions/2007/kanto/record/3").status_code == 404


def test_returning_what_is_not_submitted_is_refused(hq_client, held_meeting, sec_client):
    held_meeting()
    assert (
        hq_client.post(
            "/submissions/2007/kanto/record/return", data={"return-record-reason": "x"}
        ).status_code
        == 404
    )
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    hq_client.post("/submissions/2007/kanto/record/return", data={"return-record-reason": "x"})
    again = hq_client.post(
        "/submissions/2007/kanto/record/return", data={"return-record-reason": "y"}
    )
    assert again.status_code == 409 and "差し戻せるのは「提出済」" in _text(again)


def test_who_may_see_the_pages(app, make_user, login_as, sec_client, hq_client, kinki_secretariat):
    other = login_as(kinki_secretariat, c=app.test_client())
    member = login_as(make_user(role="member"), c=app.test_client())
    assert sec_client.get("/submissions/2007/kanto").status_code == 200
    assert hq_client.get("/submissions/2007/kanto").status_code == 200
    assert other.get("/submissions/2007/kanto").status_code == 403
    assert member.get("/submissions/2007/kanto").status_code == 403
    assert member.get("/submissions/").status_code == 403
    assert member.get("/submissions/2007").status_code == 403
    assert other.get("/submissions/2007.xlsx").status_code == 403
    anonymous = app.test_client().get("/submissions/2007/kanto")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # The overview sends a secretariat to its own block; the index lists its years.
    assert other.get("/submissions/2007").headers["Location"].endswith("/submissions/2007/kinki")
    assert "近畿地域ブロック 本府省への提出" in _text(other.get("/submissions/"))
    assert hq_client.get("/submissions/").status_code == 302
    assert hq_client.get("/submissions/2007/nowhere").status_code == 404
    assert hq_client.get("/submissions/1800").status_code == 404
    # Only the block's own secretariat gets a submit form; hq does not.
    assert 'id="submit-record"' in _text(sec_client.get("/submissions/2007/kanto"))
    assert 'id="submit-record"' not in _text(hq_client.get("/submissions/2007/kanto"))


def test_the_xlsx_export_keeps_formula_like_text_inert(
    sec_client, hq_client, held_meeting, make_activity
):
    meeting = held_meeting(title='=HYPERLINK("http://evil")')
    sec_client.post("/submissions/2007/kanto/record/submit", data={"record-comment": "@SUM(1)"})
    # A change after submission, so that the changes sheet has a row.
    meeting.title = "+不正な件名"
    db.session.commit()
    response = hq_client.get("/submissions/2007.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == [
        "提出状況",
        "実績(区分別)",
        "計画(区分別)",
        "提出後の変更",
        "計画と実績",
    ]
    status = wb["提出状況"]
    rows = {r[0]: r for r in status.iter_rows(min_row=4, values_only=True)}
    assert rows["関東"][4] == "提出済" and rows["関東"][6:10] == (1, 1, 1, 0)
    assert rows["近畿"][4] == "未提出"
    changes = wb["提出後の変更"]
    for row in changes.iter_rows(min_row=4):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.quotePrefix
    values = [c.value for row in changes.iter_rows(min_row=4) for c in row]
    assert "+不正な件名" in values


def test_the_api_lists_who_submitted_what(
    app, make_user, login_as, sec_client, hq_client, held_meeting
):
    held_meeting()
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    body = hq_client.get("/api/v1/submissions/2007").get_json()
    assert body["fiscal_year"] == 2007
    assert list(body["blocks"]) == [
        "hokkaido", "tohoku", "kanto", "chubu", "hokuriku",
        "kinki", "chugoku", "shikoku", "kyushu", "okinawa",
    ]  # fmt: skip
    record = body["blocks"]["kanto"]["record"]
    assert record["state"] == "submitted"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", record["submitted_at"])
    assert record["counts"] == {
        "council": 1, "results": 0, "exhibition": 0, "briefing": 0, "info": 0,
        "publication": 0, "website": 0, "training": 0, "liaison": 0,
    }  # fmt: skip
    assert body["blocks"]["kanto"]["plan"] == {
        "state": "none",
        "submitted_at": None,
        "counts": None,
    }
    assert body["blocks"]["kinki"]["record"]["state"] == "none"

    hq_client.post("/submissions/2007/kanto/record/return", data={"return-record-reason": "x"})
    returned = hq_client.get("/api/v1/submissions/2007").get_json()["blocks"]["kanto"]["record"]
    assert returned["state"] == "returned" and returned["counts"]["council"] == 1

    own = sec_client.get("/api/v1/submissions/2007").get_json()
    assert list(own["blocks"]) == ["kanto"]
    member = login_as(make_user(role="member"), c=app.test_client())
    assert member.get("/api/v1/submissions/2007").status_code == 403
    assert app.test_client().get("/api/v1/submissions/2007").status_code == 401
    assert hq_client.get("/api/v1/submissions/1800").status_code == 400


def test_the_overview_runs_a_fixed_number_of_queries(
    sec_client, hq_client, make_activity, login_as, app, count_queries, kinki_secretariat
):
    def measure():
        hq_client.get("/submissions/2007")
        with count_queries() as counter:
            assert hq_client.get("/submissions/2007").status_code == 200
        return counter["n"]

    make_activity(title="協議会", category="info", status="held", participants=3)
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    make_activity(
        title="提出後", category="info", status="held", participants=3, start="2007-12-02"
    )
    few = measure()
    for i, code in enumerate(("kanto", "kinki", "tohoku", "kyushu") * 3):
        make_activity(
            block=code,
            category="info",
            title=f"情報提供{i}",
            status="held",
            participants=5,
            start=f"2007-07-{i + 1:02d} 10:00",
        )
    kinki = login_as(kinki_secretariat, c=app.test_client())
    kinki.post("/submissions/2007/kinki/record/submit", data={})
    make_activity(
        title="追加", category="info", status="held", participants=3, start="2007-12-01 10:00"
    )
    assert measure() == few


def test_no_route_changes_a_snapshot(app, sec_client, held_meeting):
    """Submitting and returning are the only writes; a snapshot has no edit or delete."""
    writes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("submissions.") and rule.methods & {"POST", "PUT", "DELETE"}
    }
    assert writes == {"submissions.submit", "submissions.return_submission"}
    held_meeting()
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    for method in ("POST", "PUT", "DELETE"):
        assert sec_client.open("/submissions/2007/kanto/record/1", method=method).status_code == 405
