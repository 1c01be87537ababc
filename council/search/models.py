"""The search document of an activity or minutes: what the full-text index covers."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from council.extensions import UTCDateTime, db, utc_now


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(20))  # activity / minutes
    object_id: Mapped[int]
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
