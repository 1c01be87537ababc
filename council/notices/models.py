"""The notices' events, the outbox, its delivery attempts, users' choices and the on-screen
notices."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from council.accounts.models import User
from council.extensions import UTCDateTime, db, utc_now

# pending: waiting for the sender; held: waiting for the recipient's daily digest;
# sending: claimed by a sender (lease in claimed_at); sent; digested: went out in a digest;
# failed: given up after the last attempt or refused for good.
OUTBOX_STATUSES = ("pending", "held", "sending", "sent", "digested", "failed")


class NoticeEvent(db.Model):
    """A change that causes notices: one row, written in the change's own transaction whatever
    the number of people to tell. The sender expands it into outbox rows and on-screen notices
    (council/notices/fanout.py) and stamps expanded_at."""

    __tablename__ = "notice_events"
    __table_args__ = (
        # A change recorded twice (a retried request) is one event.
        sa.UniqueConstraint(
            "kind", "object_type", "object_id", "object_version", name="uq_notice_events_key"
        ),
        # The sender's claim: the oldest events not yet expanded.
        sa.Index("ix_notice_events_due", "expanded_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[int]
    object_version: Mapped[str] = mapped_column(sa.String(40))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expanded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(db.Model):
    """One mail to one recipient, written by the sender when it expands the change's event."""

    __tablename__ = "notice_outbox"
    __table_args__ = (
        # A change notified twice (a retried request, two daily runs) is one mail.
        sa.UniqueConstraint(
            "kind",
            "object_type",
            "object_id",
            "recipient",
            "object_version",
            name="uq_notice_outbox_key",
        ),
        # The sender's claim: the oldest due rows of a status.
        sa.Index("ix_notice_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[int]
    object_version: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(120), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    content_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_contents.id"))
    # Fixed when the row is written, so that every attempt (and a repeat after a crash)
    # carries the same Message-ID and a receiving system can tell it is the same mail.
    # (A random UUID: no unique index is needed, and each index costs the request a write.)
    message_id: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notice_outbox.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    content: Mapped["NoticeContent"] = relationship()


class NoticeContent(db.Model):
    """What a notice says, rendered once when it is enqueued and shared by its recipients:
    the bodies hold a slot for the recipient's name and unsubscribe link, the invitation has
    no ATTENDEE yet; the sender fills both in (council/notices/mails.py)."""

    __tablename__ = "notice_contents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    ics: Mapped[str | None] = mapped_column(sa.Text)
    link_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class DeliveryAttempt(db.Model):
    """Each attempt to hand a mail to the SMTP server (or the mail folder), and its outcome."""

    __tablename__ = "notice_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_outbox.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    worker: Mapped[str] = mapped_column(sa.String(80), default="")
    outcome: Mapped[str] = mapped_column(sa.String(20))  # sent / retry / failed
    error: Mapped[str] = mapped_column(sa.String(500), default="")


class NoticePreference(db.Model):
    """How a user (or a directory contact, by address) takes one kind of notice."""

    __tablename__ = "notice_preferences"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", name="uq_notice_preferences_user_kind"),
        sa.UniqueConstraint("email", "kind", name="uq_notice_preferences_email_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))
    mode: Mapped[str] = mapped_column(sa.String(20))  # immediate / digest / off
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    audit_fields = ("kind", "mode")


class Notice(db.Model):
    """An on-screen notice; the header's unread count reads this table."""

    __tablename__ = "notices"
    __table_args__ = (
        sa.UniqueConstraint(
            "user_id", "kind", "object_type", "object_id", "object_version", name="uq_notices_key"
        ),
        sa.Index("ix_notices_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[int]
    object_version: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(255))
    url: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DailyRun(db.Model):
    """The time-driven notices of one Japan day, enqueued once: the unique day is the lock."""

    __tablename__ = "notice_daily_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_on: Mapped[date] = mapped_column(unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    enqueued: Mapped[int] = mapped_column(default=0)


# The header's unread count comes in the same SELECT that loads the signed-in user (a
# correlated subquery on the index above), so no page pays an extra query for it. Declared
# here rather than in accounts so that the notices domain stays in one package.
User.unread_notice_count = column_property(
    sa.select(sa.func.count(Notice.id))
    .where(Notice.user_id == User.id, Notice.read_at.is_(None))
    .correlate_except(Notice)
    .scalar_subquery()
)
