"""The spreadsheet round trip: export with labels → edit in Excel → save as Shift_JIS → import.

Only the edited row changes. Japanese headers are accepted, a template can be downloaded, and
a dry run keeps the file so that the user confirms without choosing it again."""

import csv
import io
import re

import sqlalchemy as sa

from council.activities.models import Activity
from council.audit.models import AuditEntry
from council.extensions import db


def _excel_resave(body: bytes, edit) -> bytes:
    """What Excel writes when it opens our UTF-8 export and saves it as 「CSV(コンマ区切り)」:
    Shift_JIS (cp932), CRLF, quotes only where needed (numbers unquoted), dates re-written as
    2026/5/7 14:00, and a trailing empty line."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    header, records = rows[0], rows[1:]

    def redate(cell: str) -> str:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?", cell)
        if not match:
            return cell
        y, m, d, hh, mm = match.groups()
        text = f"{int(y)}/{int(m)}/{int(d)}"
        return text + (f" {int(hh)}:{mm}" if hh else "")

    records = [[redate(c) for c in r] for r in records]
    edit(header, records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(records)
    return (out.getvalue() + "\r\n").encode("cp932")


def _audited_activity_ids() -> set[int]:
    return set(
        db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.object_type == "Activity")
        )
    )


def test_export_with_labels_edit_in_excel_import_changes_one_activity(
    make_activity, login_as, client, upload, admin
):
    make_activity(title="第2回関東地域ブロック協議会", start="2007-11-28 14:00", participants=40)
    make_activity(
        title="公募説明会〜地域新生コンソーシアム",  # 〜 comes back from cp932 as ～
        category="briefing",
        start="2007-06-20 14:00",
        end="2007-06-20 16:30",
        venue="さいたま新都心合同庁舎1号館",
        status="held",
        visibility="public",
        organizers=["関東経済産業局", "関東総合通信局"],
    )
    make_activity(title="関東地域 事例集", category="publication", start="2008-03-10")
    make_activity(block="kinki", title="近畿幹事会", kind="secretariat", start="2007-07-02 10:00")
    make_activity(block=None, title="本府省PT 第1回", kind="pt", start="2007-09-03 10:00")
    login_as(admin)

    response = client.get("/activities/export.csv?fy=2007&labels=1")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert text.startswith(
        "ブロック,区分,種別,件名,開始,終了,会場,状態,公開範囲,参加者数,共催機関\r\n"
    )
    assert "関東,地域ブロック協議会・幹事会の開催,協議会,第2回関東地域ブロック協議会" in text
    assert ",実施,一般公開,," in text and ",予定,構成機関のみ,40," in text
    assert ",近畿幹事会," in text and ",幹事会," in text
    assert "\r\n,地域ブロック協議会・幹事会の開催,プロジェクトチーム,本府省PT 第1回," in text
    assert "codes" not in response.headers["Content-Disposition"]
    assert "-labels.csv" in response.headers["Content-Disposition"]

    def change_one_cell(header, records):
        venue = header.index("会場")
        row = next(r for r in records if r[header.index("件名")] == "第2回関東地域ブロック協議会")
        row[venue] = "さいたま新都心合同庁舎2号館 5階"

    excel_file = _excel_resave(response.get_data(), change_one_cell)
    assert b"\r\n\r\n" in excel_file and b"2007/11/28 14:00" in excel_file
    before = {a.id: (a.version, a.venue) for a in db.session.scalars(sa.select(Activity))}
    audited_before = _audited_activity_ids()
    audit_count = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))

    result = upload(excel_file, filename="活動.csv")
    html = result.get_data(as_text=True)
    assert result.status_code == 200, html
    assert "新規登録 0件、更新 1件、変更なし 4件" in html

    db.session.expire_all()
    after = {a.id: (a.version, a.venue) for a in db.session.scalars(sa.select(Activity))}
    changed = [i for i in before if before[i] != after[i]]
    assert len(after) == len(before) == 5
    assert len(changed) == 1
    assert after[changed[0]][1] == "さいたま新都心合同庁舎2号館 5階"
    new_entries = db.session.scalars(
        sa.select(AuditEntry).order_by(AuditEntry.id).offset(audit_count)
    ).all()
    assert {e.object_id for e in new_entries if e.object_type == "Activity"} == {changed[0]}
    assert audited_before  # the activities were audited when created
    titles = set(db.session.scalars(sa.select(Activity.title)))
    assert "公募説明会〜地域新生コンソーシアム" in titles  # matched, not duplicated

    # The same file again changes nothing.
    again = upload(excel_file, filename="活動.csv").get_data(as_text=True)
    assert "新規登録 0件、更新 0件、変更なし 5件" in again


def test_the_default_export_keeps_codes(make_activity, login_as, client, hq):
    make_activity(title="協議会", status="planned")
    login_as(hq)
    text = client.get("/activities/export.csv").get_data().decode("utf-8-sig")
    assert text.startswith("block,category,kind,title,start,end,")
    assert "kanto,council,council,協議会,2007-11-28 14:00,,,planned,members,," in text


def test_japanese_headers_import(login_as, upload, secretariat):
    login_as(secretariat)
    data = (
        "ブロック,区分,種別,件名,開始,終了,会場,状態,公開範囲,参加者数,共催機関\r\n"
        "関東,補助金等公募説明会の開催,,公募説明会,2007/6/20 14:00,2007/6/20 16:00,"
        "さいたま,予定,一般公開,30,関東経済産業局\r\n"
    ).encode("cp932")
    response = upload(data)
    assert response.status_code == 200, response.get_data(as_text=True)
    activity = db.session.scalars(sa.select(Activity)).one()
    assert (activity.title, activity.visibility, activity.participants) == (
        "公募説明会",
        "public",
        30,
    )


def test_an_unknown_header_names_both_accepted_forms(login_as, upload, secretariat):
    login_as(secretariat)
    data = "ブロック,区分,種別,件名,開始,終了,会場,状況,公開範囲,参加者数,共催機関\r\n".encode()
    html = upload(data).get_data(as_text=True)
    assert "不明な列「状況」" in html
    assert "ブロック,区分,種別,件名,開始,終了,会場,状態,公開範囲,参加者数,共催機関" in html


def test_the_template_has_the_japanese_headers(login_as, client, secretariat):
    login_as(secretariat)
    page = client.get("/activities/import").get_data(as_text=True)
    assert 'href="/activities/import/template.csv"' in page
    response = client.get("/activities/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data() == (
        "\ufeffブロック,区分,種別,件名,開始,終了,会場,状態,公開範囲,参加者数,共催機関\r\n"
    ).encode("utf-8")


def test_the_template_is_for_those_who_import(login_as, client, member):
    login_as(member)
    assert client.get("/activities/import/template.csv").status_code == 403


def test_the_export_page_offers_the_labels_button(login_as, client, secretariat):
    login_as(secretariat)
    page = client.get("/activities/import").get_data(as_text=True)
    assert '<button type="submit" name="labels" value="1"' in page and "表示名で出力" in page


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_a_dry_run_keeps_the_file_for_the_confirmation(
    app, make_user, login_as, client, upload, secretariat
):
    from tests.csv_io.conftest import csv_bytes, numbered_rows

    login_as(secretariat)
    html = upload(csv_bytes(numbered_rows(3)), filename="三件.csv", dry_run=True).get_data(
        as_text=True
    )
    assert "この内容で取り込む" in html
    token = _token(html)
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0

    # Another user cannot use the token.
    other = login_as(
        make_user(role="secretariat", block="kanto", email="other@example.test"),
        c=app.test_client(),
    )
    response = other.post("/activities/import/confirm", data={"token": token})
    assert response.status_code == 410
    assert "何も取り込んでいません" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0

    response = client.post("/activities/import/confirm", data={"token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "「三件.csv」の3行" in html and "新規登録 3件" in html
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 3
    # Used once: a second confirmation finds nothing and imports nothing.
    assert client.post("/activities/import/confirm", data={"token": token}).status_code == 410
    assert client.post("/activities/import/confirm", data={"token": "../../etc"}).status_code == 410
