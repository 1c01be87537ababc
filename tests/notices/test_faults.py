"""Faults: a flaky SMTP server, a sender killed mid-batch, two senders at once."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from council.extensions import db
from council.minutes import services as minutes_services
from council.notices.models import DeliveryAttempt, OutboxMessage
from tests.notices.conftest import Handler, by_recipient, expand, free_port, send_once

ROOT = Path(__file__).resolve().parents[2]


def _many_members(make_user, n):
    return [
        make_user(role="member", agency="関東総合通信局", email=f"m{i:03d}@example.jp")
        for i in range(n)
    ]


def _circulate(minutes, secretariat):
    """Circulate, and expand the event into outbox rows as the sender's first step does."""
    minutes_services.circulate_minutes(
        minutes, actor=secretariat, expected_version=minutes.version, deadline=date(2099, 12, 1)
    )
    db.session.commit()
    expand()


def _rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.mark.parametrize("fault", ["refuse", "drop"])
def test_a_flaky_server_gets_every_notice_exactly_once(
    fault, smtp, draft_minutes, secretariat, make_user
):
    _many_members(make_user, 4)
    _circulate(draft_minutes, secretariat)
    total = len(_rows())
    setattr(smtp, fault, 3)
    for _ in range(10):
        send_once()
        if all(r.status == "sent" for r in _rows()):
            break
    rows = _rows()
    assert all(r.status == "sent" for r in rows)
    counts = Counter(m["Message-ID"] for _, m in smtp.messages)
    assert len(counts) == total and set(counts.values()) == {1}
    retries = db.session.scalar(
        sa.select(sa.func.count()).where(DeliveryAttempt.outcome == "retry")
    )
    assert retries == 3
    assert sum(r.attempts for r in rows) == total + 3


def test_a_permanent_refusal_is_not_retried(smtp, draft_minutes, secretariat, member, app):
    class Refusing(Handler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "taro@example.jp":
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    refusing = Refusing()
    port = free_port()
    controller = Controller(refusing, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["MAIL_PORT"] = port
        _circulate(draft_minutes, secretariat)
        send_once()
        send_once()
    finally:
        controller.stop()
    row = next(r for r in _rows() if r.recipient == "taro@example.jp")
    assert row.status == "failed" and row.attempts == 1 and "550" in row.last_error
    assert all(r.status == "sent" for r in _rows() if r.recipient != "taro@example.jp")


class SlowHandler(Handler):
    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def _sender_env(app, tmp_path, port, **overrides) -> dict:
    instance = tmp_path / "sender-instance"
    instance.mkdir(exist_ok=True)
    settings = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_USE_STARTTLS": False,
        "MAIL_FROM": "council@example.jp",
        "NOTICES_DAILY_HOUR": 24,
        "NOTICES_POLL_SECONDS": 0.2,
        "NOTICES_BACKOFF_SECONDS": 0,
        **overrides,
    }
    (instance / "config.py").write_text(
        "".join(f"{key} = {value!r}\n" for key, value in settings.items())
    )
    env = dict(os.environ)
    env.update(
        COUNCIL_INSTANCE=str(instance),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM", "MAIL_USE_STARTTLS"):
        env.pop(name, None)
    return env


def _sender(env, *args, stderr=subprocess.DEVNULL):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notices", "send", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_kill_9_mid_batch_loses_nothing_and_repeats_keep_their_message_id(
    app, tmp_path, draft_minutes, secretariat, make_user
):
    _many_members(make_user, 12)
    _circulate(draft_minutes, secretariat)
    total = len(_rows())
    handler = SlowHandler(delay=0.15)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    db.session.remove()
    try:
        env = _sender_env(app, tmp_path, port, NOTICES_LEASE_SECONDS=1, NOTICES_BATCH=50)
        process = _sender(env)
        assert _wait(lambda: len(handler.messages) >= 3), "the sender never started sending"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        received_before = len(handler.messages)
        assert received_before < total  # killed mid-batch
        time.sleep(1.2)  # the dead sender's lease runs out
        restarted = _sender(env, "--once")
        assert restarted.wait(timeout=120) == 0
    finally:
        controller.stop()
    rows = _rows()
    assert all(r.status == "sent" for r in rows), Counter(r.status for r in rows)
    ids = Counter(m["Message-ID"] for _, m in handler.messages)
    assert set(ids) == {r.message_id for r in rows}  # none lost
    repeated = [mid for mid, n in ids.items() if n > 1]
    assert len(repeated) <= 1  # at most the mail in flight at the kill, same Message-ID


def test_two_senders_never_send_the_same_notice_twice(
    app, tmp_path, draft_minutes, secretariat, make_user
):
    _many_members(make_user, 40)
    _circulate(draft_minutes, secretariat)
    total = len(_rows())
    handler = SlowHandler(delay=0.1)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    db.session.remove()
    try:
        env = _sender_env(app, tmp_path, port, NOTICES_BATCH=3)
        logs = [tmp_path / "sender-1.log", tmp_path / "sender-2.log"]
        with logs[0].open("wb") as first, logs[1].open("wb") as second:
            senders = [_sender(env, "--once", stderr=log) for log in (first, second)]
            codes = [p.wait(timeout=180) for p in senders]
        assert codes == [0, 0], [log.read_text(errors="replace")[-3000:] for log in logs]
    finally:
        controller.stop()
    rows = _rows()
    assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    ids = Counter(m["Message-ID"] for _, m in handler.messages)
    assert len(ids) == total and set(ids.values()) == {1}
    workers = db.session.scalars(sa.select(DeliveryAttempt.worker).distinct()).all()
    assert len(workers) == 2  # both senders did part of the work
    assert by_recipient(handler)  # sanity: mails went out
