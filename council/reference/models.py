"""Research fields, prefectures and cluster regions: reference data with stable codes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.directory.models import Block
from council.extensions import db

cluster_region_prefectures = sa.Table(
    "cluster_region_prefectures",
    db.metadata,
    sa.Column(
        "region_id", sa.ForeignKey("cluster_regions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("prefecture_id", sa.ForeignKey("prefectures.id"), primary_key=True),
)


class ResearchField(db.Model):
    """A research field of the 3rd S&T Basic Plan (研究分野)."""

    __tablename__ = "research_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ResearchField {self.code}>"


class Prefecture(db.Model):
    """A prefecture; its id is its JIS X 0401 number, so code "13" is id 13."""

    __tablename__ = "prefectures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[str] = mapped_column(sa.String(10), unique=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"), index=True)

    block: Mapped[Block] = relationship()

    def __repr__(self) -> str:
        return f"<Prefecture {self.code} {self.name}>"


class ClusterRegion(db.Model):
    """A cluster region of headquarters' register (the network study's 18 regions)."""

    __tablename__ = "cluster_regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    block: Mapped[Block] = relationship()
    prefectures: Mapped[list[Prefecture]] = relationship(
        secondary=cluster_region_prefectures, order_by="Prefecture.id"
    )

    def __repr__(self) -> str:
        return f"<ClusterRegion {self.code}>"
