"""Codes shared by the portal's registers, and the columns every register record carries."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from council.extensions import UTCDateTime, utc_now

# Only `published` records are public; a draft is being written, a withdrawn one is gone
# from every public page, search, facet count, feed, the sitemap and the API.
RECORD_STATUSES = {"draft": "下書き", "published": "公開", "withdrawn": "取下げ"}

TYPES = {
    "measure": "研究支援策",
    "facility": "研究支援施設",
    "theme": "採択研究テーマ",
    "news": "ニュース",
}

MEASURE_TARGETS = {
    "company": "企業",
    "university": "大学・高専",
    "public_lab": "公設試",
    "municipality": "自治体",
    "consortium": "産学官共同体",
    "any": "どなたでも",
}

FACILITY_KINDS = {
    "testing": "試験設備",
    "equipment": "共用機器",
    "incubation": "インキュベーション施設",
    "lab": "貸し研究室",
    "prototype": "試作・加工設備",
    "other": "その他",
}

NEWS_KINDS = {
    "seminar": "セミナー・研修会",
    "symposium": "シンポジウム・成果発表会",
    "briefing": "公募説明会",
    "event": "展示会・イベント",
    "call": "公募情報",
    "other": "お知らせ",
}

# Independent administrative agencies run national programmes: headquarters edits them.
NATIONAL_KINDS = frozenset({"iaa"})


def managing_block_id(agency, prefecture_block: dict[int, int]) -> int | None:
    """The block whose secretariat edits what this organisation offers; None = headquarters."""
    if agency is None or agency.kind in NATIONAL_KINDS or agency.prefecture_id is None:
        return None
    return prefecture_block.get(agency.prefecture_id)


class RecordMixin:
    """Status, the managing block (None: headquarters) and timestamps."""

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", server_default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    @declared_attr
    def block_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("blocks.id"), index=True)

    @property
    def is_public(self) -> bool:
        return self.status == "published"

    @property
    def status_label(self) -> str:
        return RECORD_STATUSES.get(self.status, self.status)
