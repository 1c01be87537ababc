"""The portal's access log: one row per page view, written in batches, never an IP address.

`visitor` is a hash of the address, the user agent and a salt that changes every day and is
never stored (council/portal/stats/), so a visitor cannot be followed from one day to the next.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from council.extensions import UTCDateTime, db


class PortalHit(db.Model):
    __tablename__ = "portal_hits"
    __table_args__ = (sa.Index("ix_portal_hits_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    visitor: Mapped[str] = mapped_column(sa.String(32))
    page: Mapped[str] = mapped_column(sa.String(20))  # top, search, measure, facility, …
    record_id: Mapped[int | None]
    query: Mapped[str | None] = mapped_column(sa.String(200))
    results: Mapped[int | None]
    is_crawler: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
