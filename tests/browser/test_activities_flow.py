"""A secretariat clerk's day in the browser: log a council meeting, attach the agenda, mark it
held with the head count; the form shows only the fields the category needs."""

import sqlalchemy as sa

from council.activities.models import Activity
from council.extensions import db

PASSWORD = "correct-horse-battery"


def _login(page, live_server, email):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_url(lambda url: "/login" not in url)


def test_log_a_meeting_attach_the_agenda_and_mark_it_held(make_user, page, live_server, tmp_path):
    make_user(role="secretariat", block="kanto", email="sec@example.test")
    _login(page, live_server, "sec@example.test")

    page.goto(live_server + "/activities/new")
    # A publication has a date only: the time inputs disappear, and so does the council kind.
    page.select_option("#category", "publication")
    assert not page.is_visible("#start_time")
    assert not page.is_visible("#kind")
    # A briefing names its measures; a council meeting does not.
    page.select_option("#category", "briefing")
    assert page.is_visible("#measures-group")
    page.select_option("#category", "council")
    assert not page.is_visible("#measures-group")
    assert page.is_visible("#start_time") and page.is_visible("#kind")

    page.select_option("#kind", "council")
    page.fill("#title", "平成19年度 第2回関東地域ブロック協議会")
    page.fill("#start_date", "2007-11-28")
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#venue", "さいたま新都心合同庁舎1号館")
    page.check("label:has-text('関東経済産業局') input[name=organizers]")
    page.check("label:has-text('関東総合通信局') input[name=participant_agencies]")
    page.check("label:has-text('関東農政局') input[name=participant_agencies]")
    page.click("button:has-text('登録する')")
    page.wait_for_url(lambda url: "/activities/new" not in url)
    assert page.locator("h1").inner_text().startswith("平成19年度 第2回関東地域ブロック協議会")
    assert "2007年11月28日(水) 14:00〜16:00" in page.content()

    agenda = tmp_path / "議事次第.pdf"
    agenda.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#file", str(agenda))
    page.click("button:has-text('添付する')")
    page.wait_for_load_state()
    assert page.locator(".attachment-list a", has_text="議事次第.pdf").count() == 1
    with page.expect_download() as download:
        page.click(".attachment-list a:has-text('議事次第.pdf')")
    assert download.value.suggested_filename == "議事次第.pdf"

    page.click("a:has-text('実施済みにする')")
    page.fill("#participants", "23")
    page.click("button:has-text('実施済みにする')")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    assert page.locator("h1 .badge").inner_text() == "実施"
    assert "23人" in page.content()

    db.session.expire_all()
    activity = db.session.scalars(sa.select(Activity)).one()
    assert activity.status == "held" and activity.participants == 23
    assert {a.name for a in activity.participant_agencies} == {"関東総合通信局", "関東農政局"}
