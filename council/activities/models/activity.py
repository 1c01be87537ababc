"""Activities: every meeting, briefing, exhibition or publication a council logs."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from council import fiscal
from council.extensions import UTCDateTime, db, utc_now

STATUSES = {
    "planned": "予定",
    "held": "実施",
    "cancelled": "中止",
    "postponed": "延期",
}
VISIBILITIES = {
    "public": "一般公開",
    "members": "構成機関のみ",
    "secretariat": "事務局のみ",
}
COUNCIL_KINDS = {"council": "協議会", "secretariat": "幹事会"}
HQ_KINDS = {"wg": "ワーキンググループ", "pt": "プロジェクトチーム", "tf": "タスクフォース"}
KINDS = COUNCIL_KINDS | HQ_KINDS

activity_organizers = sa.Table(
    "activity_organizers",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True, index=True),
)
activity_participants = sa.Table(
    "activity_participants",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True, index=True),
)
# 後援: organisations that back an activity. Shown and filterable, never counted.
activity_backers = sa.Table(
    "activity_backers",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True, index=True),
)
# The code that names headquarters' own events wherever a block code is accepted.
# The fields the activity form edits (services.update_activity accepts no other).
EDITABLE_FIELDS = (
    "block_id",
    "is_national",
    "host_prefecture_id",
    "host_city",
    "region_block_id",
    "category_id",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "is_all_day",
    "venue",
    "visibility",
    "participants",
    "description",
)
NATIONAL = "national"
NATIONAL_LABEL = "全国"
activity_measures = sa.Table(
    "activity_measures",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("measure_id", sa.ForeignKey("measures.id"), primary_key=True, index=True),
)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    short_name: Mapped[str] = mapped_column(sa.String(20), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    # Publications and websites carry a date, never a time slot.
    is_date_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Joint events are expected to name their co-organising agencies.
    expects_organizers: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_meeting: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class ActivityLabels:
    """What an activity shows in words, read from its columns alone: shared by the model and
    by the activity list's plain rows (council/activities/listing.py), which carry the same
    attributes (block_id, is_national, block with a name, status, visibility, kind)."""

    __slots__ = ()

    @property
    def is_hq(self) -> bool:
        """A headquarters meeting (WG/PT/TF): no block and not a national event."""
        return self.block_id is None and not self.is_national

    @property
    def scope_label(self) -> str:
        if self.is_national:
            return NATIONAL_LABEL
        return self.block.name if self.block is not None else "本府省"

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def visibility_label(self) -> str:
        return VISIBILITIES.get(self.visibility, self.visibility)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind or "", "")


class Activity(ActivityLabels, db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        # Covers the fiscal-year matrix: GROUP BY block, category over one year and status.
        sa.Index(
            "ix_activities_report", "fiscal_year", "status", "block_id", "category_id", "deleted_at"
        ),
        sa.Index("ix_activities_starts_at", "starts_at"),
        # Feeds answer conditional requests from MAX(updated_at): one index probe.
        sa.Index("ix_activities_updated_at", "updated_at"),
        sa.CheckConstraint("participants IS NULL OR participants >= 0", name="participants"),
        # A national event belongs to no block (its region block is a link, never counted).
        sa.CheckConstraint("NOT is_national OR block_id IS NULL", name="national_no_block"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable, globally unique identity for calendars: never derived from the host name.
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: str(uuid.uuid4()))
    block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    # Headquarters' own event (全国): no block, any category, counted in the 全国 line only.
    is_national: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    host_prefecture_id: Mapped[int | None] = mapped_column(sa.ForeignKey("prefectures.id"))
    host_city: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    # The block whose region a national event takes place in: shown, never counted for it.
    region_block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("blocks.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_all_day: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    fiscal_year: Mapped[int] = mapped_column(index=True)
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    visibility: Mapped[str] = mapped_column(sa.String(20), default="members")
    participants: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Set when postponed: where the activity was first scheduled, and whether a new date is known.
    original_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_is_all_day: Mapped[bool | None]
    is_new_date_pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Raised on every change of time, place or status (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Serialized VEVENT for the current version, so feeds need not rebuild every event.
    ics_cache: Mapped[str | None] = mapped_column(sa.Text)

    __mapper_args__ = {"version_id_col": version}

    block = relationship("Block", foreign_keys=[block_id])
    region_block = relationship("Block", foreign_keys=[region_block_id])
    host_prefecture = relationship("Prefecture")
    backers = relationship("Agency", secondary=activity_backers, order_by="Agency.id")
    category: Mapped[Category] = relationship()
    organizers = relationship("Agency", secondary=activity_organizers, order_by="Agency.id")
    participant_agencies = relationship(
        "Agency", secondary=activity_participants, order_by="Agency.id"
    )
    measures = relationship("Measure", secondary=activity_measures, back_populates="activities")
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    # What a user edits on the form, then what the workflow steps change: one record of both.
    audit_fields = (
        *EDITABLE_FIELDS,
        "status",
        "status_reason",
        "original_starts_at",
        "is_new_date_pending",
        "deleted_at",
    )
    # Changing any of these must reach calendar clients: SEQUENCE goes up.
    sequence_fields = ("starts_at", "ends_at", "is_all_day", "venue", "status", "title")

    @validates("starts_at")
    def _set_fiscal_year(self, key, value):
        if value is not None:
            self.fiscal_year = fiscal.fiscal_year_of(value)
        return value

    @property
    def start_on(self) -> date:
        return fiscal.to_jst(self.starts_at).date()

    def has_begun(self, today: date | None = None) -> bool:
        """Its start day has come (Japan time): only then can it be held, and attendance and
        a head count be recorded."""
        return self.start_on <= (today or fiscal.to_jst(utc_now()).date())

    @property
    def accepts_attendance(self) -> bool:
        return self.status in ("planned", "held") and self.has_begun()

    @property
    def is_meeting(self) -> bool:
        return self.is_hq or self.category.is_meeting

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.title!r}>"


class Attendance(db.Model):
    """One agency's answer (RSVP) and presence at one meeting."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("activity_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    rsvp: Mapped[str | None] = mapped_column(sa.String(10))  # yes / no / maybe
    attended: Mapped[bool | None]
    persons: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    activity = relationship("Activity", backref="attendances")
    agency = relationship("Agency")

    audit_fields = ("rsvp", "attended", "persons")

    def audit_block_ids(self) -> set[int]:
        return {_activity_block_id(self)}


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    activity = relationship("Activity", backref="attachments")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])

    audit_fields = ("original_name", "size", "deleted_at")

    def audit_block_ids(self) -> set[int]:
        return {_activity_block_id(self)}


def _activity_block_id(obj) -> int | None:
    """The block of the activity a child row belongs to, even while it is being flushed."""
    activity = obj.activity
    if activity is None:
        session = sa.inspect(obj).session
        activity = session.get(Activity, obj.activity_id) if session is not None else None
    return activity.block_id if activity is not None else None


def takes_part(agency_id: int):
    """SQL: the agency organises or participates in the Activity of the current row (the home
    page's meetings, the calendar's agency filter, the minutes a member may read)."""
    return sa.or_(
        sa.exists().where(
            activity_participants.c.activity_id == Activity.id,
            activity_participants.c.agency_id == agency_id,
        ),
        sa.exists().where(
            activity_organizers.c.activity_id == Activity.id,
            activity_organizers.c.agency_id == agency_id,
        ),
    )
