"""Importing the Activity CSV: encodings, all-or-nothing, idempotence, block rules."""

import re

import sqlalchemy as sa

from council import fiscal
from council.activities.models import Activity
from council.audit.models import AuditEntry
from council.extensions import db
from tests.csv_io.conftest import csv_bytes, csv_row, csv_text, numbered_rows


def _count(model=Activity) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _activity(title: str) -> Activity:
    db.session.expire_all()
    return db.session.scalar(sa.select(Activity).where(Activity.title == title))


def _problem_rows(html: str) -> list[tuple[str, str]]:
    """(line, column) of each row of the problems table."""
    body = html.split('class="table import-problems"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td class=\"num\">([^<]*)</td><td>([^<]*)</td>", body)


def test_a_shift_jis_file_as_excel_saves_it_imports(login_as, upload, secretariat):
    rows = [
        csv_row(
            block="関東",
            category="補助金等公募説明会の開催",
            title="平成19年度 地域新生コンソーシアム研究開発事業 公募説明会",
            start="2007/11/28 14:00",
            end="2007/11/28 16:30",
            venue="さいたま新都心合同庁舎1号館 2階会議室",
            status="実施",
            visibility="public",
            participants="123",
            organizers="関東経済産業局;中小企業基盤整備機構 関東支部",
        ),
        csv_row(
            category="地域ブロック協議会・幹事会の開催",
            kind="協議会",
            title="平成19年度 第2回関東地域ブロック協議会",
            start="2007/12/5 14:00",
            end="",
            status="予定",
            visibility="members",
            participants="",
            organizers="関東経済産業局",
        ),
        csv_row(
            category="パンフレット、事例集等の作成",
            title="関東地域 産学官連携事例集(平成19年度版)①",
            start="2008/3/31",
            end="",
            venue="",
            status="予定",
            participants="",
        ),
    ]
    data = csv_bytes(rows, encoding="cp932", newline="\r\n")
    assert data.count(b"\r\n") == 4 and "関東".encode("cp932") in data
    login_as(secretariat)

    response = upload(data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "取り込みました" in html and "新規登録 3件" in html
    briefing = _activity("平成19年度 地域新生コンソーシアム研究開発事業 公募説明会")
    assert briefing.block.code == "kanto" and briefing.category.code == "briefing"
    assert fiscal.format_datetime(briefing.starts_at) == "2007年11月28日(水) 14:00"
    assert fiscal.format_datetime(briefing.ends_at) == "2007年11月28日(水) 16:30"
    assert briefing.venue == "さいたま新都心合同庁舎1号館 2階会議室"
    assert (briefing.status, briefing.visibility, briefing.participants) == ("held", "public", 123)
    assert [a.name for a in briefing.organizers] == [
        "関東経済産業局",
        "中小企業基盤整備機構 関東支部",
    ]
    council = _activity("平成19年度 第2回関東地域ブロック協議会")
    assert (council.kind, council.status, council.participants) == ("council", "planned", None)
    booklet = _activity("関東地域 産学官連携事例集(平成19年度版)①")
    assert booklet.is_all_day and booklet.fiscal_year == 2007 and booklet.ends_at is None


def test_a_utf8_file_with_bom_imports_from_the_command_line(app, seeded, tmp_path):
    path = tmp_path / "kanto.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(numbered_rows(3)))

    result = app.test_cli_runner().invoke(args=["import-activities", str(path)])

    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    assert _count() == 3
    assert _activity("合同公募説明会 第1回").block.code == "kanto"


def test_a_100_row_file_with_3_bad_rows_imports_nothing_and_lists_the_3(
    login_as, upload, secretariat
):
    rows = numbered_rows(100)
    rows[9]["start"] = "2007-02-30 14:00"  # line 11: no such day
    rows[49]["organizers"] = "関東経済産業局;関東宇宙開発局"  # line 51: not in the directory
    rows[76]["participants"] = "-5"  # line 78
    login_as(secretariat)

    response = upload(csv_bytes(rows))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1件も取り込んでいません" in html
    assert _problem_rows(html) == [("11", "start"), ("51", "organizers"), ("78", "participants")]
    assert "関東宇宙開発局" in html
    assert _count() == 0


def test_lines_are_counted_as_an_editor_counts_them(seeded):
    from council.activities.csv.importer import read_rows
    from council.tables.results import ImportRejected

    rows = numbered_rows(6)
    rows[0]["venue"] = "さいたま新都心合同庁舎1号館\r\n2階 大会議室"  # lines 2-3
    rows[1]["title"] = "第2回\n説明会"  # lines 4-5: a title is one line
    rows[2]["venue"] = "会場\n未定"  # lines 6-7 …
    rows[2]["participants"] = "many"  # … so participants, after the break, is on line 7
    rows[5]["end"] = "2007-05-06 13:00"  # line 10: before the start

    try:
        read_rows(csv_bytes(rows), actor=None, check_permissions=False)
    except ImportRejected as rejected:
        found = [(p.line, p.column) for p in rejected.problems]
    assert found == [
        (2, "venue"),
        (4, "title"),
        (6, "venue"),
        (7, "participants"),
        (10, "end"),
    ]


def test_importing_the_same_file_twice_changes_nothing(login_as, upload, secretariat):
    data = csv_bytes(numbered_rows(20))
    login_as(secretariat)
    first = upload(data)
    assert first.status_code == 200 and "新規登録 20件" in first.get_data(as_text=True)
    activities, audit = _count(), _count(AuditEntry)

    second = upload(data)

    html = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "新規登録 0件、更新 0件、変更なし 20件" in html
    assert (_count(), _count(AuditEntry)) == (activities, audit)


def test_a_changed_row_updates_its_activity_and_empty_cells_keep_what_is_stored(
    login_as, upload, secretariat
):
    rows = numbered_rows(3)
    login_as(secretariat)
    upload(csv_bytes(rows))
    rows[0]["participants"] = "77"
    rows[0]["organizers"] = "関東経済産業局"
    rows[1]["venue"] = ""
    rows[1]["participants"] = ""

    response = upload(csv_bytes(rows))

    assert "新規登録 0件、更新 1件、変更なし 2件" in response.get_data(as_text=True)
    first = _activity("合同公募説明会 第1回")
    assert first.participants == 77 and [a.name for a in first.organizers] == ["関東経済産業局"]
    second = _activity("合同公募説明会 第2回")
    assert second.venue == "さいたま新都心合同庁舎1号館" and second.participants == 50
    assert _count() == 3


def test_a_status_never_goes_backwards(login_as, upload, secretariat):
    rows = numbered_rows(2, status="planned", participants="")
    login_as(secretariat)
    upload(csv_bytes(rows))
    rows[0]["status"] = "実施"
    upload(csv_bytes(rows))
    assert _activity("合同公募説明会 第1回").status == "held"
    rows[0]["status"] = "予定"

    response = upload(csv_bytes(rows))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2行目 status列" in html and "戻せない" in html
    assert _activity("合同公募説明会 第1回").status == "held"


def test_a_secretariat_cannot_import_another_blocks_rows(login_as, upload, secretariat):
    rows = numbered_rows(3)
    rows[1]["block"] = "kinki"
    rows[1]["organizers"] = "近畿経済産業局"
    login_as(secretariat)

    response = upload(csv_bytes(rows))

    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert _problem_rows(html) == [("3", "block")]
    assert "関東ブロックの事務局は、近畿ブロックの行を取り込めません" in html
    assert _count() == 0


HQ_ROW = csv_row(
    block="",
    category="",
    kind="PT",
    title="プロジェクトチーム会合(第1回)",
    organizers="",
    venue="中央合同庁舎第4号館",
    visibility="members",
)


def test_hq_imports_headquarters_meetings(login_as, upload, hq):
    login_as(hq)

    response = upload(csv_bytes([HQ_ROW]))

    assert response.status_code == 200, response.get_data(as_text=True)
    meeting = _activity("プロジェクトチーム会合(第1回)")
    assert meeting.block_id is None and meeting.kind == "pt"
    assert meeting.category.code == "council"


def test_a_secretariat_cannot_import_headquarters_meetings(login_as, upload, secretariat):
    login_as(secretariat)

    response = upload(csv_bytes([HQ_ROW]))

    assert response.status_code == 403
    assert "本府省の会議(ブロック空欄)を取り込めるのは本府省" in response.get_data(as_text=True)
    assert _count() == 0


def test_a_dry_run_reports_and_writes_nothing(login_as, upload, secretariat):
    login_as(secretariat)
    response = upload(csv_bytes(numbered_rows(4)), dry_run=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "まだ取り込んでいません" in html and "新規登録される活動 4件" in html
    assert _count() == 0


def test_the_upload_page_is_for_secretariats_hq_and_admin(make_user, login_as, client):
    assert client.get("/activities/import").status_code == 302
    login_as(make_user(role="member"))
    assert client.get("/activities/import").status_code == 403
    page = client.get("/activities/import")
    assert page.status_code == 403


def test_the_upload_page_shows_the_form_and_asks_for_a_file(login_as, client, secretariat):
    login_as(secretariat)
    page = client.get("/activities/import")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "block,category,kind,title,start,end,venue,status,visibility,participants" in html
    response = client.post("/activities/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "CSVファイルを選んでください。" in response.get_data(as_text=True)


def test_the_command_refuses_a_bad_file_with_every_problem_on_stderr(app, seeded, tmp_path):
    rows = numbered_rows(5)
    rows[1]["category"] = "宴会"
    rows[3]["visibility"] = "everyone"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))

    result = app.test_cli_runner().invoke(args=["import-activities", str(path)])

    assert result.exit_code != 0
    assert f"{path}:3: category:" in result.stderr
    assert f"{path}:5: visibility:" in result.stderr
    assert "nothing was imported" in result.stderr
    assert _count() == 0


def test_the_command_applies_the_rules_of_the_user_it_runs_as(app, make_user, tmp_path):
    make_user(role="secretariat", block="kinki", email="kinki@example.test")
    path = tmp_path / "kanto.csv"
    path.write_bytes(csv_bytes(numbered_rows(2)))
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["import-activities", str(path), "--as", "kinki@example.test"])
    unknown = runner.invoke(args=["import-activities", str(path), "--as", "nobody@example.test"])

    assert refused.exit_code != 0 and "近畿ブロックの事務局は" in refused.stderr
    assert unknown.exit_code != 0 and "nobody@example.test" in unknown.stderr
    assert _count() == 0


def test_the_command_attributes_the_import_to_the_user(app, make_user, tmp_path):
    make_user(role="secretariat", block="kanto", email="kanto@example.test")
    path = tmp_path / "kanto.csv"
    path.write_bytes(csv_bytes(numbered_rows(1)))
    result = app.test_cli_runner().invoke(
        args=["import-activities", str(path), "--as", "kanto@example.test"]
    )
    assert result.exit_code == 0, result.output
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Activity", AuditEntry.action == "create"
        )
    )
    assert entry.actor_label == "kanto@example.test"
    assert entry.reason == "CSV取り込み kanto.csv"


def test_a_header_only_file_and_an_empty_file_are_refused(seeded):
    from council.activities.csv.importer import read_rows
    from council.tables.results import ImportRejected

    for data in (b"", csv_text([]).encode()):
        try:
            read_rows(data, actor=None, check_permissions=False)
        except ImportRejected as rejected:
            assert rejected.problems[0].line is None
        else:
            raise AssertionError("accepted an empty file")
