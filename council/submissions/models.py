"""A block's yearly submissions to headquarters and their frozen snapshots."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import UTCDateTime, db, utc_now
from council.fiscal import fiscal_year_label

SUBMISSION_KINDS = {"record": "実績", "plan": "計画"}
SUBMISSION_STATES = {"none": "未提出", "submitted": "提出済", "returned": "差戻し"}


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (sa.UniqueConstraint("block_id", "fiscal_year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    fiscal_year: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(10))  # record / plan
    state: Mapped[str] = mapped_column(sa.String(20), default="submitted")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")

    block = relationship("Block")
    returned_by = relationship("User")
    snapshots: Mapped[list["Snapshot"]] = relationship(
        back_populates="submission", order_by="Snapshot.number"
    )

    audit_fields = ("state", "submitted_at", "returned_at", "return_reason")

    def audit_label(self) -> str:
        block = self.block or sa.inspect(self).session.get(_block_model(), self.block_id)
        kind = SUBMISSION_KINDS.get(self.kind, self.kind)
        return f"{block.name if block else ''} {fiscal_year_label(self.fiscal_year)} {kind}"

    @property
    def kind_label(self) -> str:
        return SUBMISSION_KINDS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return SUBMISSION_STATES.get(self.state, self.state)

    @property
    def latest_snapshot(self) -> "Snapshot | None":
        return self.snapshots[-1] if self.snapshots else None


class Snapshot(db.Model):
    """Figures as submitted. Insert-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "snapshots"
    __table_args__ = (sa.UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {category: n}
    details: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{activity fields}]
    # The one-time token of the submit form that made this snapshot: a repeat of that form
    # (a double-click) finds it and answers with this snapshot instead of freezing another.
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    submission: Mapped[Submission] = relationship(back_populates="snapshots")
    submitted_by = relationship("User")


def _block_model():
    from council.directory.models import Block

    return Block
