"""Fixtures for notices: a real SMTP server in-process (aiosmtpd), a kanto meeting with its
agencies, and helpers that run the sender's steps and read what the server received."""

import email
import socket
from datetime import date, timedelta
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from council import fiscal
from council.extensions import db, utc_now
from council.minutes import services as minutes_services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    """Records every accepted message; can refuse (451) or drop the connection for the
    first N deliveries, as a flaky relay would."""

    def __init__(self):
        self.messages = []
        self.refuse = 0
        self.drop = 0

    async def handle_DATA(self, server, session, envelope):
        if self.drop > 0:
            self.drop -= 1
            session_transport = getattr(server, "transport", None)
            if session_transport is not None:
                session_transport.close()
            return "421 4.4.2 connection dropped"
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        message.raw = envelope.content  # the bytes as they came over the wire
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


@pytest.fixture
def smtp(app):
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_STARTTLS=False,
        MAIL_FROM="council@example.jp",
        BASE_URL="http://localhost",
        NOTICES_BACKOFF_SECONDS=0,
        NOTICES_DAILY_HOUR=24,  # the daily run is tested on its own (test_daily.py)
    )
    yield handler
    controller.stop()


def expand():
    """The sender's first step, on its own: the events the changes recorded become outbox
    rows and on-screen notices (council/notices/fanout.py). Returns the mails written."""
    from council.notices import fanout

    return fanout.expand_due(failed=set(), log=lambda line: None)


def send_once():
    from council.notices import sender

    return sender.run(once=True, log=lambda line: None)


def by_recipient(handler) -> dict:
    out = {}
    for rcpts, message in handler.messages:
        for r in rcpts:
            out.setdefault(r, []).append(message)
    return out


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def ics_of(message):
    import icalendar

    for part in message.iter_attachments():
        if part.get_filename() == "invite.ics":
            return icalendar.Calendar.from_ical(part.get_content())
    return None


PARTICIPANTS = ("関東総合通信局", "関東農政局")
ORGANIZERS = ("関東経済産業局",)


@pytest.fixture
def meeting(make_activity):
    return make_activity(
        title="関東地域ブロック協議会",
        start="2007-11-28 14:00",
        end="2007-11-28 16:00",
        venue="さいたま新都心合同庁舎1号館",
        status="held",
        organizers=ORGANIZERS,
        participants_of=PARTICIPANTS,
    )


@pytest.fixture
def draft_minutes(meeting, secretariat):
    minutes = minutes_services.create_minutes(
        meeting, actor=secretariat, discussion="## 報告\n各機関から説明があった。"
    )
    db.session.commit()
    return minutes


def circulate(client, minutes, days: int = 10):
    """The secretariat's circulation form, posted with a deadline `days` ahead (JST)."""
    deadline = fiscal.to_jst(utc_now()).date() + timedelta(days=days)
    return client.post(
        f"/activities/{minutes.activity_id}/minutes/circulate",
        data={"comment_deadline_on": deadline.isoformat(), "version": minutes.version},
    )


@pytest.fixture
def circulated(draft_minutes, secretariat):
    minutes_services.circulate_minutes(
        draft_minutes,
        actor=secretariat,
        expected_version=draft_minutes.version,
        deadline=date(2099, 12, 1),
    )
    db.session.commit()
    expand()  # as the sender does within NOTICES_POLL_SECONDS
    return draft_minutes
