"""Directory CSV: export (UTF-8 BOM, formula-safe) and all-or-nothing, idempotent import."""

import csv
import io

import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.directory.models import Agency, Contact, Membership
from council.extensions import db

HEADER = "block,agency,ministry,kind,city,first_fy,last_fy,secretariat,contact_name,contact_title,contact_email,contact_phone\r\n"


def _upload(client, content: bytes, filename="directory.csv"):
    return client.post(
        "/directory/import", data={"file": (io.BytesIO(content), filename)}, follow_redirects=True
    )


def _agency(name):
    db.session.expire_all()
    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


def _audit_count():
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.object_type != "User")
    )


def _rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_export_is_excel_friendly_and_formula_safe(make_user, client, login_as):
    agency = _agency("関東総合通信局")
    agency.contacts[0].title = '=HYPERLINK("http://evil")'
    db.session.commit()
    login_as(make_user(role="member"))
    response = client.get("/directory.csv?block=kanto")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "directory-kanto.csv" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith(
        "\ufeffblock,agency,ministry,kind,prefecture,city,first_fy,last_fy,secretariat,"
    )
    rows = _rows(body)
    assert rows[0]["agency"] == "関東経済産業局" and rows[0]["secretariat"] == "1"
    assert rows[0]["prefecture"] == "11"  # さいたま: 埼玉県
    assert {r["block"] for r in rows} == {"kanto"}
    mine = [r for r in rows if r["agency"] == "関東総合通信局"]
    assert len(mine) == 2  # one row per contact
    assert mine[0]["contact_title"] == '\'=HYPERLINK("http://evil")'
    assert "近畿総合通信局" not in body
    whole = client.get("/directory.csv").get_data(as_text=True)
    assert "近畿総合通信局" in whole and "関東総合通信局" in whole


def test_export_needs_a_login(seeded, client):
    response = client.get("/directory.csv?block=kanto")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_round_trip_changes_nothing(client, login_as, secretariat):
    login_as(secretariat)
    exported = client.get("/directory.csv?block=kanto").get_data()
    before = _audit_count()
    response = _upload(client, exported)
    assert response.status_code == 200
    assert "変更はありませんでした" in response.get_data(as_text=True)
    assert _audit_count() == before


def test_import_creates_agency_memberships_and_contacts_from_a_shift_jis_file(
    client, login_as, new_audit_entries, secretariat
):
    login_as(secretariat)
    text = (
        "ブロック,機関名,府省,種別,所在地,参加開始年度,担当者氏名,担当者役職,担当者メール\r\n"
        "関東,JST サテライト茨城,文部科学省,独立行政法人,水戸,平成19年度,茨城 一郎,館長,ibaraki@example.jp\r\n"
        "関東,JST サテライト茨城,文部科学省,独立行政法人,水戸,平成19年度,茨城 二郎,,\r\n"
    )
    response = _upload(client, text.encode("cp932"), filename="茨城.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "機関 新規1件" in html and "担当者 新規2件" in html
    agency = _agency("JST サテライト茨城")
    assert (agency.kind, agency.ministry.name, agency.city) == ("iaa", "文部科学省", "水戸")
    assert [(m.block.code, m.first_fy, m.last_fy) for m in agency.memberships] == [
        ("kanto", 2007, None)
    ]
    assert [(c.name, c.title, c.email) for c in agency.contacts] == [
        ("茨城 一郎", "館長", "ibaraki@example.jp"),
        ("茨城 二郎", "", ""),
    ]
    reasons = {e.reason for e in new_audit_entries(AuditEntry.object_type != "User")}
    assert reasons == {"CSV取込: 茨城.csv"}


def test_a_bad_file_is_refused_whole_with_every_problem_by_line(client, login_as, secretariat):
    login_as(secretariat)
    content = (
        HEADER
        + "kanto,新しい機関A,総務省,branch,さいたま,2007,,0,,,,\r\n"  # line 2: fine
        + 'kanto,新しい機関B,総務省,branch,"さい\r\nたま",2007,,0,,,,\r\n'  # lines 3-4: fine
        + "kanto,新しい機関C,架空省,branch,,2007,,0,,,,\r\n"  # line 5: ministry
        + "kanto,新しい機関D,総務省,branch,,二千七,,0,,,,\r\n"  # line 6: first_fy
        + "kanto,新しい機関E,総務省,branch,,2007,2006,0,,,,\r\n"  # line 7: last_fy
        + "kanto,新しい機関F,総務省,branch,,2007,,0,,,bad-mail,\r\n"  # line 8: two problems
    ).encode("utf-8-sig")
    response = _upload(client, content)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    problems = html.split('id="import-problems"')[1].split("</table>")[0]
    cells = [
        tuple(part.split(">", 1)[1].split("<", 1)[0] for part in row.split("<td")[1:4])
        for row in problems.split("<tr>")[2:]
    ]
    assert [(line, column) for line, column, _ in cells] == [
        ("5", "ministry"),
        ("6", "first_fy"),
        ("7", "last_fy"),
        ("8", "contact_name"),
        ("8", "contact_email"),
    ]
    assert "府省「架空省」はありません" in html
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Agency).where(Agency.name.like("新しい機関%"))
        )
        == 0
    )


def test_secretariat_may_not_import_another_blocks_rows(client, login_as, secretariat):
    login_as(secretariat)
    content = (HEADER + "kinki,大阪の新機関,総務省,branch,大阪,2007,,0,,,,\r\n").encode()
    response = _upload(client, content)
    assert response.status_code == 403
    assert "近畿ブロックの名簿を変更する権限がありません" in response.get_data(as_text=True)
    assert _agency("大阪の新機関") is None
    # Nor designate a secretariat, nor rewrite a kinki agency through its own rows.
    content = (HEADER + "kanto,関東総合通信局,総務省,branch,さいたま,2005,,1,,,,\r\n").encode()
    response = _upload(client, content)
    assert response.status_code == 403
    assert "事務局の指定はシステム管理者のみ" in response.get_data(as_text=True)


def test_import_updates_ends_memberships_and_is_idempotent(client, login_as, secretariat):
    login_as(secretariat)
    agency = _agency("関東総合通信局")
    contact = agency.contacts[0]
    content = (
        HEADER
        + f"kanto,関東総合通信局,総務省,branch,千代田区,2005,,0,{contact.name},局長,{contact.email},03-0000-0000\r\n"
        + "kanto,関東地方環境事務所,環境省,branch,さいたま,2005,2007,0,,,,\r\n"
    ).encode()
    response = _upload(client, content)
    assert response.status_code == 200
    agency = _agency("関東総合通信局")
    assert agency.city == "千代田区"
    assert (agency.contacts[0].title, agency.contacts[0].phone) == ("局長", "03-0000-0000")
    assert len(agency.contacts) == 2  # the contact not in the file is left alone
    ended = db.session.scalar(
        sa.select(Membership).join(Agency).where(Agency.name == "関東地方環境事務所")
    )
    assert ended.last_fy == 2007
    before = _audit_count()
    response = _upload(client, content)
    assert "変更はありませんでした" in response.get_data(as_text=True)
    assert _audit_count() == before


def test_header_problems_are_reported_on_line_one(client, login_as, admin):
    login_as(admin)
    response = _upload(client, "block,agency,ministri,kind\r\nkanto,x,総務省,branch\r\n".encode())
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "不明な列「ministri」" in html and "必須の列「ministry」がありません" in html
    response = _upload(client, b"\xff\xfe\x00\x00garbage\x81")
    assert response.status_code == 400
    assert "文字コードを判別できません" in response.get_data(as_text=True)


def test_overlapping_periods_are_refused(client, login_as, admin):
    login_as(admin)
    content = (HEADER + "kanto,関東総合通信局,総務省,branch,さいたま,2006,,0,,,,\r\n").encode()
    response = _upload(client, content)
    assert response.status_code == 400
    assert "同じブロックの別の参加期間と重なります" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) > 0
