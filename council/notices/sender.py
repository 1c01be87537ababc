"""The sender: expands the changes' events into notices, runs the day's notices, claims due
rows of the outbox, hands each to SMTP (or to the mail folder), and records every attempt.

Each pass (every NOTICES_POLL_SECONDS, or once with --once) first expands the events that
the changes recorded in their own transactions (council/notices/fanout.py): that is when a
change's outbox rows and on-screen notices are written, each event in a transaction of its
own. Then the day's notices if due (council/notices/daily.py), then the outbox.

A claim marks rows `sending` with a lease (claimed_at). On PostgreSQL the claim locks its
rows with FOR UPDATE SKIP LOCKED, so two senders never take the same row; on SQLite the
claim runs in a BEGIN IMMEDIATE transaction (council/database.py), which serialises it.
Each delivered row is marked `sent` in its own commit right after the server accepted it.
After a crash (kill -9) the rows still `sending` are taken over once their lease runs out:
the mail the server may have accepted just before the crash is sent again, with the
Message-ID written at enqueue time, and nothing is lost. Temporary failures (4xx, a dropped
connection) are retried with a doubling back-off; a permanent refusal (5xx) or the last
attempt marks the row `failed`.
"""

import os
import signal
import smtplib
import socket
import ssl
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from council.extensions import db, utc_now
from council.notices import daily, fanout
from council.notices.mails import build_message
from council.notices.models import DeliveryAttempt, NoticeContent, OutboxMessage
from council.notices.services import unsubscribe_url_for

MAX_BACKOFF = timedelta(hours=6)


class PermanentFailure(Exception):
    """The server refused this message for good (5xx for the recipient or the content)."""


class SmtpTransport:
    """One SMTP connection, opened on the first message and kept for the batch."""

    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 25)
        self.starttls = bool(config.get("MAIL_USE_STARTTLS"))
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self.timeout = float(config.get("MAIL_TIMEOUT", 30))
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            connection.ehlo()
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: bytes, sender: str, recipient: str, message_id: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            self.close()
            if codes and min(codes) >= 500:
                raise PermanentFailure(str(error.recipients)) from error
            raise
        except smtplib.SMTPDataError as error:
            self.close()
            if error.smtp_code >= 500:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


class FolderTransport:
    """Development: one .eml file a message in instance/mail/, named after its Message-ID,
    so a repeat overwrites the same file instead of making a second one."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def send(self, message: bytes, sender: str, recipient: str, message_id: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = "".join(c if c.isalnum() or c in ".-" else "_" for c in message_id)
        target = self.folder / f"{stem.strip('_')}.eml"
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(message)
        os.replace(temporary, target)

    def close(self) -> None:
        pass


def transport_for(config):
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FolderTransport(config["MAIL_FOLDER"])


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    daily: int = 0
    expanded: int = 0  # mails written by expanding events
    attempted: set = field(default_factory=set)
    broken_events: set = field(default_factory=set)  # left for the next start, logged once


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def backoff(attempts: int, base_seconds: float) -> timedelta:
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim(worker: str, *, limit: int, now: datetime, lease: timedelta, skip=()) -> list[int]:
    """Take up to `limit` due rows (and rows whose sender died) for this worker; commits."""
    table = OutboxMessage.__table__
    due = sa.or_(
        sa.and_(table.c.status == "pending", table.c.next_attempt_at <= now),
        sa.and_(table.c.status == "sending", table.c.claimed_at < now - lease),
    )
    query = sa.select(table.c.id).where(due).order_by(table.c.id).limit(limit)
    if skip:
        query = query.where(table.c.id.not_in(list(skip)))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            sa.update(table)
            .where(table.c.id.in_(ids))
            .values(status="sending", claimed_by=worker, claimed_at=now)
        )
    db.session.commit()
    return ids


def _finish(row_id: int, worker: str, outcome: str, values: dict, error: str = "") -> None:
    """Record one attempt's outcome in a short transaction of its own."""
    table = OutboxMessage.__table__
    now = utc_now()
    db.session.execute(
        sa.update(table)
        .where(table.c.id == row_id)
        .values(attempts=table.c.attempts + 1, claimed_by=None, last_error=error[:500], **values)
    )
    db.session.execute(
        sa.insert(DeliveryAttempt.__table__).values(
            outbox_id=row_id, worker=worker, outcome=outcome, error=error[:500], attempted_at=now
        )
    )
    db.session.commit()


def deliver(ids: list[int], transport, worker: str, stats: Stats, config) -> None:
    """Send the claimed rows one by one. No transaction is open while the SMTP server is
    talking (on SQLite that would hold the write lock); each outcome is committed as soon as
    it is known."""
    sender = config["MAIL_FROM"]
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_by == worker,  # not taken over by another sender meanwhile
        )
    ).all()
    contents = {
        c.id: c
        for c in db.session.scalars(
            sa.select(NoticeContent).where(NoticeContent.id.in_({r.content_id for r in rows}))
        )
    }
    work = [
        (
            row.id,
            row.recipient,
            row.attempts,
            row.message_id,
            build_message(row, contents[row.content_id], sender, unsubscribe_url_for(row)),
        )
        for row in rows
    ]
    stats.attempted.update(ids)
    db.session.commit()
    max_attempts = int(config["NOTICES_MAX_ATTEMPTS"])
    base = float(config["NOTICES_BACKOFF_SECONDS"])
    for row_id, recipient, attempts, message_id, message in work:
        try:
            transport.send(message, sender, recipient, message_id)
        except PermanentFailure as error:
            _finish(row_id, worker, "failed", {"status": "failed"}, str(error))
            stats.failed += 1
        except (smtplib.SMTPException, OSError) as error:
            text = f"{type(error).__name__}: {error}"
            if attempts + 1 >= max_attempts:
                _finish(row_id, worker, "failed", {"status": "failed"}, text)
                stats.failed += 1
            else:
                retry_at = utc_now() + backoff(attempts + 1, base)
                _finish(
                    row_id,
                    worker,
                    "retry",
                    {"status": "pending", "next_attempt_at": retry_at},
                    text,
                )
                stats.retried += 1
        else:
            _finish(row_id, worker, "sent", {"status": "sent", "sent_at": utc_now()})
            stats.sent += 1


def send_due(transport, worker: str, config, *, once: bool, stats: Stats) -> None:
    """Deliver everything due now, batch by batch. With once, a row is tried at most once."""
    lease = timedelta(seconds=float(config["NOTICES_LEASE_SECONDS"]))
    while True:
        ids = claim(
            worker,
            limit=int(config["NOTICES_BATCH"]),
            now=utc_now(),
            lease=lease,
            skip=stats.attempted if once else (),
        )
        if not ids:
            return
        deliver(ids, transport, worker, stats, config)


@contextmanager
def relaxed_durability():
    """The sender's own bookkeeping commits without waiting for the disk (SQLite
    synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit=off). A process crash loses
    nothing; a power loss may forget the last few "sent" marks, and those mails go out once
    more with their Message-ID: at least once, never lost. The events were committed with
    the change that caused them, durably; an expansion lost that way is lost with its
    event's stamp (one transaction), and the event is expanded again."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        relax, restore = (
            "PRAGMA synchronous=NORMAL",
            "PRAGMA synchronous={}".format(current_app.config.get("SQLITE_SYNCHRONOUS", "FULL")),
        )
    else:
        relax, restore = "SET synchronous_commit TO off", "RESET synchronous_commit"

    def _set(dbapi_connection, statement):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if engine.dialect.name != "sqlite":
            # psycopg opened a transaction for the SET: end it, the pool expects none.
            dbapi_connection.commit()

    def _checkout(dbapi_connection, record, proxy):
        _set(dbapi_connection, relax)

    def _checkin(dbapi_connection, record):
        if dbapi_connection is not None:
            _set(dbapi_connection, restore)

    event.listen(engine, "checkout", _checkout)
    event.listen(engine, "checkin", _checkin)
    try:
        yield
    finally:
        event.remove(engine, "checkout", _checkout)
        event.remove(engine, "checkin", _checkin)


def run(*, once: bool, transport=None, log=print) -> Stats:
    """The sender's loop (or one pass): the changes' events, the day's time-driven notices,
    then the outbox."""
    config = current_app.config
    transport = transport or transport_for(config)
    worker = worker_name()
    stats = Stats()
    stopping = {"now": False}

    def _stop(signum, frame):
        stopping["now"] = True

    if not once:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    with relaxed_durability():
        try:
            while True:
                before = (stats.sent, stats.retried, stats.failed)
                try:
                    stats.expanded += fanout.expand_due(failed=stats.broken_events, log=log)
                    stats.daily += daily.run_if_due(utc_now())
                    send_due(transport, worker, config, once=once, stats=stats)
                except sa.exc.OperationalError as error:
                    # The database is away (restart, failover): keep the loop alive and
                    # try again at the next poll; --once reports the failure.
                    db.session.rollback()
                    if once:
                        raise
                    log(f"notices: database unavailable, retrying: {error.orig!r}")
                transport.close()
                after = (stats.sent, stats.retried, stats.failed)
                if after != before and not once:
                    log(f"notices: sent {stats.sent}, retry {stats.retried}, failed {stats.failed}")
                if once or stopping["now"]:
                    return stats
                stats.attempted.clear()
                for _ in range(int(float(config["NOTICES_POLL_SECONDS"]) * 10)):
                    if stopping["now"]:
                        return stats
                    time.sleep(0.1)
        finally:
            transport.close()
