"""Atom feeds of news and of newly opened calls, built with feedgen (never by string joining)."""

import hashlib
from datetime import UTC, datetime, time

from feedgen.feed import FeedGenerator

from council import fiscal
from council.extensions import utc_now

FEED_AUTHOR = "地域ブロック協議会 地域科学技術ポータル"


def etag(kind: str, validator: tuple, *scope) -> str:
    raw = "|".join(str(x) for x in (kind, *validator, *scope))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _feed(
    feed_id: str, title: str, self_url: str, home_url: str, updated: datetime
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.author({"name": FEED_AUTHOR})
    fg.link(href=home_url, rel="alternate")
    fg.link(href=self_url, rel="self")
    fg.language("ja")
    fg.updated(updated)
    return fg


def news_feed(items, *, title: str, self_url: str, home_url: str, url_of) -> bytes:
    """items: News records; url_of(news) gives its absolute page URL."""
    updated = max((n.updated_at for n in items), default=datetime(2005, 4, 1, tzinfo=UTC))
    fg = _feed(self_url, title, self_url, home_url, updated)
    for news in reversed(items):  # feedgen puts the last added first
        entry = fg.add_entry()
        url = url_of(news)
        entry.id(url)
        entry.title(news.title)
        entry.link(href=url)
        entry.updated(news.updated_at)
        entry.published(news.created_at)
        summary = f"{fiscal.format_date(news.news_on)} {news.kind_label}"
        if news.place:
            summary += f" 会場: {news.place}"
        entry.summary(summary)
    return fg.atom_str(pretty=False)


def calls_feed(rows, *, title: str, self_url: str, home_url: str, url_of) -> bytes:
    """rows: (record_id, title, summary, opens_on, closes_on) of calls open today."""

    def opened(row) -> datetime:
        return fiscal.jst_datetime(row.opens_on, time(0, 0)).astimezone(UTC)

    updated = max((opened(r) for r in rows), default=utc_now().replace(microsecond=0))
    fg = _feed(self_url, title, self_url, home_url, updated)
    for row in reversed(rows):
        entry = fg.add_entry()
        url = url_of(row.record_id)
        entry.id(url)
        entry.title(row.title)
        entry.link(href=url)
        entry.updated(opened(row))
        entry.published(opened(row))
        entry.summary(
            f"{row.summary} 公募期間: {fiscal.format_date(row.opens_on)}〜{fiscal.format_date(row.closes_on)}"
        )
    return fg.atom_str(pretty=False)
