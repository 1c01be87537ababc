"""News (地域科学技術関連ニュース): written by hand, or following a public council activity."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.extensions import db
from council.portal.models.common import NEWS_KINDS, RecordMixin


class News(RecordMixin, db.Model):
    __tablename__ = "portal_news"
    __table_args__ = (
        sa.Index("ix_portal_news_news_on", "news_on"),
        sa.Index("ix_portal_news_updated_at", "updated_at"),
    )

    # Set when the news follows a council activity: one news record per activity.
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), default="other")
    title: Mapped[str] = mapped_column(sa.String(200))
    news_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("research_fields.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")

    activity = relationship("Activity")
    block = relationship("Block")
    field = relationship("ResearchField")

    audit_fields = (
        "status",
        "activity_id",
        "kind",
        "title",
        "news_on",
        "place",
        "field_id",
        "url",
        "body",
        "block_id",
    )

    @property
    def kind_label(self) -> str:
        return NEWS_KINDS.get(self.kind, self.kind)

    @property
    def fiscal_year(self) -> int:
        return self.news_on.year if self.news_on.month >= 4 else self.news_on.year - 1
