"""End to end through a real SMTP server: circulation, invitations, postponement, cancel; each
change reaches the server through the sender's expansion of its event."""

from datetime import timedelta

import sqlalchemy as sa

from council import fiscal
from council.activities import services as activity_services
from council.directory.models import Agency, Contact
from council.extensions import db, utc_now
from tests.notices.conftest import (
    by_recipient,
    circulate,
    html_of,
    ics_of,
    send_once,
    text_of,
)


def _contacts(*agency_names):
    return set(
        db.session.scalars(
            sa.select(Contact.email)
            .join(Agency, Agency.id == Contact.agency_id)
            .where(Agency.name.in_(agency_names), Contact.email != "")
        )
    )


def test_circulation_mails_every_agency_taking_part_with_a_working_link(
    smtp, draft_minutes, secretariat, member, client, login_as
):
    login_as(secretariat)
    deadline = fiscal.to_jst(utc_now()).date() + timedelta(days=10)
    response = circulate(client, draft_minutes, days=10)
    assert response.status_code == 302
    stats = send_once()
    received = by_recipient(smtp)
    expected = {"taro@example.jp"} | _contacts("関東経済産業局", "関東総合通信局", "関東農政局")
    assert set(received) == expected
    assert stats.sent == len(expected)
    assert secretariat.email not in received  # the one who circulated

    message = received["taro@example.jp"][0]
    assert message["Subject"] == (
        f"【照会】関東地域ブロック協議会 議事録の確認({fiscal.format_date(deadline)}まで)"
    )
    raw_subject = message.raw.split(b"Subject: ", 1)[1].split(b"\n", 1)[0]
    assert raw_subject.startswith(b"=?utf-8?")  # RFC 2047 on the wire
    assert max(message.raw) < 128 or b"Content-Transfer-Encoding: 8bit" in message.raw
    assert message["To"].addresses[0].display_name == "総通 太郎"
    body = text_of(message)
    assert "総通 太郎 様" in body
    assert fiscal.format_date(deadline) in body
    assert fiscal.era_year_label(deadline) in body  # 和暦 beside the Western date
    assert "確認しました" in body
    assert "配信を停止できません" in body  # a 照会 has no unsubscribe link
    assert message["List-Unsubscribe"] is None
    assert "<img" not in html_of(message)
    link = next(w for w in body.split() if w.startswith("http://localhost/"))
    assert link == f"http://localhost/activities/{draft_minutes.activity_id}/minutes"

    client.post("/logout")
    login_as(member)
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "関東地域ブロック協議会" in page.get_data(as_text=True)
    # The same notice is on screen, counted in the header.
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="未読1件"' in home


def _future_meeting(make_activity, secretariat, **fields):
    start = fiscal.to_jst(utc_now() + timedelta(days=30)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    return make_activity(
        title="関東地域ブロック幹事会",
        start=start.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes"),
        end=(start + timedelta(hours=2))
        .replace(tzinfo=None)
        .isoformat(sep=" ", timespec="minutes"),
        venue="さいたま新都心合同庁舎1号館",
        organizers=("関東経済産業局",),
        participants_of=("関東総合通信局",),
        actor=secretariat,
        **fields,
    )


def test_invitation_request_then_postponement_then_cancellation(
    smtp, make_activity, secretariat, member, client, login_as
):
    activity = _future_meeting(make_activity, secretariat)
    send_once()
    login_as(member)
    feed = client.get(f"/activities/{activity.id}.ics").get_data(as_text=True)
    first = by_recipient(smtp)["taro@example.jp"][-1]
    assert first["Subject"].startswith("【開催のお知らせ】関東地域ブロック幹事会")
    calendar = ics_of(first)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert f"UID:{event['UID']}" in feed and event["UID"] == activity.uid
    assert int(event["SEQUENCE"]) == activity.sequence
    # The text/calendar alternative carries the method too (Outlook reads that one).
    calendar_parts = [p for p in first.walk() if p.get_content_type() == "text/calendar"]
    assert calendar_parts and calendar_parts[0].get_param("method") == "REQUEST"

    sequence = activity.sequence
    activity_services.postpone_activity(
        activity,
        actor=secretariat,
        starts_at=activity.starts_at + timedelta(days=7),
        reason="会場の都合",
    )
    db.session.commit()
    send_once()
    postponed = by_recipient(smtp)["taro@example.jp"][-1]
    assert postponed["Subject"].startswith("【延期】")
    assert "会場の都合" in text_of(postponed)
    event = ics_of(postponed).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == sequence + 1
    assert event["UID"] == activity.uid
    assert ics_of(postponed)["METHOD"] == "REQUEST"

    activity_services.cancel_activity(activity, actor=secretariat, reason="議題がないため")
    db.session.commit()
    send_once()
    cancelled = by_recipient(smtp)["taro@example.jp"][-1]
    assert cancelled["Subject"].startswith("【中止】")
    calendar = ics_of(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert event["UID"] == activity.uid and event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) == sequence + 2
    # Meeting notices may be switched off: they carry a one-click unsubscribe link.
    assert cancelled["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        cancelled["List-Unsubscribe"].strip().startswith("<http://localhost/notices/unsubscribe/")
    )
    # Three changes, three mails to the member: nothing repeated.
    assert len(by_recipient(smtp)["taro@example.jp"]) == 3
