"""The audit log: one insert-only row per change, with field-level old → new values."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import UTCDateTime, db, utc_now

ACTIONS = {"create": "作成", "update": "更新", "status": "状態変更", "delete": "削除"}
# Changes made without a signed-in user: the command line (flask …) or the system itself.
SYSTEM_ACTORS = {"system (cli)": "システム(コマンド操作)", "system": "システム", "": "システム"}


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_object", "object_type", "object_id"),
        sa.Index("ix_audit_entries_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(20))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(sa.String(255), default="")
    # The blocks the object belongs to, as ",3,7,", so that each block's secretariat sees the
    # entries of its own block (an agency may sit on two councils).
    block_ids: Mapped[str] = mapped_column(sa.String(200), default="")
    fiscal_year: Mapped[int | None]
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")

    actor = relationship("User")

    @property
    def actor_name(self) -> str:
        """Who acted, as a person reads it: the user's name, or the system in Japanese."""
        if self.actor is not None:
            return self.actor.name
        return SYSTEM_ACTORS.get(self.actor_label, self.actor_label)

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)
