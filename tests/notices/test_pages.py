"""Notices pages: the list and header count, settings, unsubscribe (RFC 8058)."""

from datetime import timedelta

import sqlalchemy as sa

from council import fiscal
from council.extensions import db, utc_now
from council.notices import daily, services
from council.notices.models import (
    DailyRun,
    Notice,
    NoticeContent,
    NoticePreference,
    OutboxMessage,
)
from tests.notices.conftest import expand, send_once


def _unsubscribe_url(user, kind="minutes_confirmed"):
    token = services.unsubscribe_token(services.Recipient(user.email, user.name, user.id), kind)
    return f"/notices/unsubscribe/{token}"


def _mode(user, kind):
    return db.session.scalar(
        sa.select(NoticePreference.mode).where(
            NoticePreference.user_id == user.id, NoticePreference.kind == kind
        )
    )


def test_header_count_comes_with_the_user_in_one_statement(member, circulated, client, login_as):
    login_as(member)
    statements = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", _record)
    try:
        page = client.get("/activities/").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _record)
    assert 'aria-label="未読1件"' in page.split("</header>")[0]
    reading_notices = [s for s in statements if "FROM notices" in s]
    assert len(reading_notices) == 1  # one statement reads the count ...
    # ... and it is the one that loads the user (with the session row, in one statement)
    assert "FROM users" in reading_notices[0] or "JOIN users" in reading_notices[0]


def test_notices_page_lists_and_marks_read(member, circulated, client, login_as):
    login_as(member)
    page = client.get("/notices").get_data(as_text=True)
    assert "【照会】関東地域ブロック協議会" in page and "未読 1件" in page
    notice = db.session.scalar(sa.select(Notice).where(Notice.user_id == member.id))
    response = client.post("/notices/read", data={"notice_id": notice.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).read_at is not None
    assert "未読 0件" in client.get("/notices").get_data(as_text=True)


def test_one_cannot_mark_another_users_notice_read(member, circulated, make_user, client, login_as):
    other = make_user(role="member", agency="関東総合通信局", email="other@example.jp")
    notice = db.session.scalar(sa.select(Notice).where(Notice.user_id == member.id))
    login_as(other)
    client.post("/notices/read", data={"notice_id": notice.id})
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).read_at is None


def test_anonymous_is_sent_to_login(client):
    for url in ("/notices", "/notices/settings"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_settings_page_saves_and_refuses_switching_off_a_circulation(member, client, login_as):
    login_as(member)
    page = client.get("/notices/settings").get_data(as_text=True)
    assert "議事録の照会" in page and "メールを止めることはできません" in page
    response = client.post(
        "/notices/settings",
        data={"minutes_circulated": "off", "minutes_confirmed": "digest"},
    )
    assert response.status_code == 400
    assert "このお知らせは停止できません" in response.get_data(as_text=True)
    assert (
        _mode(member, "minutes_circulated") is None and _mode(member, "minutes_confirmed") is None
    )
    response = client.post(
        "/notices/settings",
        data={
            "minutes_circulated": "digest",
            "minutes_reminder": "immediate",
            "minutes_confirmed": "off",
            "activity_changed": "immediate",
        },
    )
    assert response.status_code == 302
    assert _mode(member, "minutes_circulated") == "digest"
    assert _mode(member, "minutes_confirmed") == "off"


def test_unsubscribe_works_without_login_and_only_on_post(member, client):
    url = _unsubscribe_url(member)
    page = client.get(url)
    assert page.status_code == 200 and "議事録の確定・訂正" in page.get_data(as_text=True)
    assert _mode(member, "minutes_confirmed") is None  # a GET (a mail scanner) changes nothing
    response = client.post(url, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert response.status_code == 200
    assert "配信を停止しました" in response.get_data(as_text=True)
    assert _mode(member, "minutes_confirmed") == "off"
    assert client.post(url, data={}, csrf=False).status_code == 400


def test_unsubscribe_cannot_be_forged(member, make_user, client, app):
    other = make_user(role="member", agency="関東総合通信局", email="other@example.jp")
    url = _unsubscribe_url(member)
    token = url.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.post(
            f"/notices/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"}, csrf=False
        ).status_code
        == 404
    )
    # A token signed with another key (or another salt) is refused too.
    from itsdangerous import URLSafeSerializer

    for key, salt in (("another-key", services.UNSUBSCRIBE_SALT), (app.config["SECRET_KEY"], "x")):
        fake = URLSafeSerializer(key, salt=salt).dumps({"u": other.id, "k": "minutes_confirmed"})
        response = client.post(
            f"/notices/unsubscribe/{fake}", data={"List-Unsubscribe": "One-Click"}, csrf=False
        )
        assert response.status_code == 404
    # A mandatory kind cannot be switched off even with a validly signed token.
    valid = URLSafeSerializer(app.config["SECRET_KEY"], salt=services.UNSUBSCRIBE_SALT).dumps(
        {"u": other.id, "k": "minutes_circulated"}
    )
    response = client.post(
        f"/notices/unsubscribe/{valid}", data={"List-Unsubscribe": "One-Click"}, csrf=False
    )
    assert response.status_code == 400
    assert _mode(other, "minutes_confirmed") is None and _mode(other, "minutes_circulated") is None


def test_a_contact_can_unsubscribe_from_meeting_notices(smtp, make_activity, secretariat):
    start = (fiscal.to_jst(utc_now()) + timedelta(days=20)).strftime("%Y-%m-%d 10:00")
    make_activity(
        title="幹事会", start=start, participants_of=("関東総合通信局",), actor=secretariat
    )
    expand()
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id.is_(None)))
    url = services.unsubscribe_url_for(row)
    assert row is not None and url
    from flask import current_app

    client = current_app.test_client()
    path = url.removeprefix("http://localhost")
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 200
    make_activity(
        title="次の幹事会", start=start, participants_of=("関東総合通信局",), actor=secretariat
    )
    assert expand() > 0  # the other people of the agency still hear of it
    assert not db.session.scalars(
        sa.select(OutboxMessage)
        .join(NoticeContent, NoticeContent.id == OutboxMessage.content_id)
        .where(
            OutboxMessage.recipient == row.recipient, NoticeContent.subject.contains("次の幹事会")
        )
    ).all()


def test_the_daily_run_happens_once_a_day_after_the_hour(app, smtp, draft_minutes, secretariat):
    from datetime import datetime

    from council.minutes import services as minutes_services

    # The run's day is yesterday (Japan time), so that its 08:00 has passed whatever the
    # hour the suite runs at: the reminders it enqueues are due at once.
    today = fiscal.to_jst(utc_now()).date() - timedelta(days=1)
    minutes_services.circulate_minutes(
        draft_minutes,
        actor=secretariat,
        expected_version=draft_minutes.version,
        deadline=today + timedelta(days=1),
    )
    db.session.commit()
    app.config["NOTICES_DAILY_HOUR"] = 8
    early = datetime.combine(today, datetime.min.time().replace(hour=7, minute=59), fiscal.JST)
    assert daily.run_if_due(early) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyRun)) == 0
    on_time = early + timedelta(minutes=1)
    first = daily.run_if_due(on_time)
    assert first > 0  # the reminders
    assert daily.run_if_due(on_time + timedelta(hours=3)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyRun)) == 1
    reminders = db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.kind == "minutes_reminder")
    )
    assert reminders == first
    send_once()
    assert any(m["Subject"].startswith("【照会・回答期限間近】") for _, m in smtp.messages)
