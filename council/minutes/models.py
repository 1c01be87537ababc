"""Minutes (議事録) of a meeting, their circulation, revisions and action items."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.activities.models import Activity
from council.extensions import UTCDateTime, db, utc_now

MINUTES_STATUSES = {"draft": "案", "circulated": "照会中", "approved": "確定"}
# The fields that make up the record; a revision freezes all of them.
RECORD_FIELDS = ("attendees", "agenda", "discussion", "decisions")


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    attendees: Mapped[str] = mapped_column(sa.Text, default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    discussion: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    decisions: Mapped[str] = mapped_column(sa.Text, default="")
    comment_deadline_on: Mapped[date | None]
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}

    # The backref gives Activity its `minutes` without activities importing this module.
    activity: Mapped[Activity] = relationship(backref=sa.orm.backref("minutes", uselist=False))
    revisions: Mapped[list["MinutesRevision"]] = relationship(
        back_populates="minutes", order_by="MinutesRevision.number"
    )
    action_items: Mapped[list["ActionItem"]] = relationship(
        back_populates="minutes", order_by="ActionItem.id", cascade="all, delete-orphan"
    )
    responses: Mapped[list["MinutesResponse"]] = relationship(
        back_populates="minutes", order_by="MinutesResponse.id"
    )

    audit_fields = ("status", *RECORD_FIELDS, "comment_deadline_on")

    def _audit_activity(self):
        return self.activity or db.session.get(Activity, self.activity_id)

    def audit_block_ids(self) -> set[int]:
        activity = self._audit_activity()
        return {activity.block_id} if activity is not None else set()

    def audit_label(self) -> str:
        activity = self._audit_activity()
        return f"議事録: {activity.title}"[:255] if activity is not None else "議事録"

    @property
    def status_label(self) -> str:
        return MINUTES_STATUSES.get(self.status, self.status)

    @property
    def is_locked(self) -> bool:
        return self.status == "approved"


class MinutesRevision(db.Model):
    """An approved state of the minutes. Insert-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    number: Mapped[int]
    attendees: Mapped[str] = mapped_column(sa.Text, default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    discussion: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    created_by = relationship("User")


class ActionItem(db.Model):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    description: Mapped[str] = mapped_column(sa.String(500))
    owner_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    due_on: Mapped[date | None]
    is_done: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    minutes: Mapped[Minutes] = relationship(back_populates="action_items")
    owner_agency = relationship("Agency")

    audit_fields = ("description", "owner_agency_id", "due_on", "is_done")

    def audit_block_ids(self) -> set[int]:
        minutes = self.minutes or db.session.get(Minutes, self.minutes_id)
        return minutes.audit_block_ids() if minutes is not None else set()


class MinutesResponse(db.Model):
    """A participating agency's answer to circulated minutes: confirmed, or comments."""

    __tablename__ = "minutes_responses"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    is_confirmed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    minutes: Mapped[Minutes] = relationship(back_populates="responses")
    agency = relationship("Agency")
    responded_by = relationship("User")
