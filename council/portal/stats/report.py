"""The portal's access statistics as headquarters reads them: monthly visits and page views
per fiscal year beside the previous year, the most viewed records, searches that found nothing.

A visit is a run of page views from one visitor key with gaps under 30 minutes; it counts in
the month it began. Crawlers' views are counted apart and never make visits.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from council import fiscal
from council.extensions import db
from council.figures.charts import Bar
from council.portal.models import PortalDoc, PortalHit

VISIT_GAP = timedelta(minutes=30)
MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass
class Month:
    month: int
    visits: int = 0
    views: int = 0
    crawler_views: int = 0


def monthly(year: int) -> list[Month]:
    """Twelve months, April to March, of fiscal year `year` (months in Japan time)."""
    start, end = fiscal.fiscal_year_bounds_utc(year)
    months = {m: Month(m) for m in MONTHS}
    rows = db.session.execute(
        sa.select(PortalHit.visitor, PortalHit.at, PortalHit.is_crawler)
        .where(PortalHit.at >= start, PortalHit.at < end)
        .order_by(PortalHit.is_crawler, PortalHit.visitor, PortalHit.at, PortalHit.id)
    )
    last_visitor, last_at = None, None
    for visitor, at, is_crawler in rows:
        month = months[fiscal.to_jst(at).month]
        if is_crawler:
            month.crawler_views += 1
            continue
        month.views += 1
        if visitor != last_visitor or at - last_at >= VISIT_GAP:
            month.visits += 1
        last_visitor, last_at = visitor, at
    return [months[m] for m in MONTHS]


def most_viewed(year: int, limit: int = 20) -> list:
    start, end = fiscal.fiscal_year_bounds_utc(year)
    views = sa.func.count().label("views")
    return db.session.execute(
        sa.select(PortalHit.page, PortalHit.record_id, PortalDoc.title, views)
        .outerjoin(
            PortalDoc,
            sa.and_(PortalDoc.type == PortalHit.page, PortalDoc.record_id == PortalHit.record_id),
        )
        .where(
            PortalHit.at >= start,
            PortalHit.at < end,
            PortalHit.record_id.is_not(None),
            PortalHit.is_crawler.is_(False),
        )
        .group_by(PortalHit.page, PortalHit.record_id, PortalDoc.title)
        .order_by(views.desc(), PortalHit.page, PortalHit.record_id)
        .limit(limit)
    ).all()


def zero_result_searches(year: int, limit: int = 30) -> list:
    start, end = fiscal.fiscal_year_bounds_utc(year)
    times = sa.func.count().label("times")
    return db.session.execute(
        sa.select(PortalHit.query, times)
        .where(
            PortalHit.at >= start,
            PortalHit.at < end,
            PortalHit.results == 0,
            PortalHit.query.is_not(None),
            PortalHit.is_crawler.is_(False),
        )
        .group_by(PortalHit.query)
        .order_by(times.desc(), PortalHit.query)
        .limit(limit)
    ).all()


def grouped_chart(
    this: list[int],
    previous: list[int],
    labels: tuple[str, str],
    width: int = 720,
    height: int = 260,
) -> dict:
    """Geometry of a bar chart: each month's bar of this year beside the previous year's."""
    left, top, bottom, right = 56, 16, height - 48, width - 12
    peak = max([*this, *previous, 1])
    step = 10 ** max(len(str(peak)) - 1, 0)
    ceiling = ((peak + step - 1) // step) * step
    slot = (right - left) / 12
    bars = []
    for i, (now, before) in enumerate(zip(this, previous, strict=True)):
        for j, (value, color, label) in enumerate(
            ((before, "#9aa5b1", labels[1]), (now, "#1f5fa8", labels[0]))
        ):
            h = (bottom - top) * value / ceiling
            bars.append(
                Bar(
                    left + i * slot + 4 + j * (slot - 8) / 2,
                    bottom - h,
                    (slot - 8) / 2,
                    h,
                    color,
                    f"{MONTHS[i]}月 {label}: {value:,}",
                )
            )
    ticks = [(bottom - (bottom - top) * k / 4, f"{ceiling * k // 4:,}") for k in range(5)]
    x_labels = [(left + i * slot + slot / 2, f"{m}月") for i, m in enumerate(MONTHS)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "bottom": bottom,
        "bars": bars,
        "ticks": ticks,
        "x_labels": x_labels,
        "legend": [("#1f5fa8", labels[0]), ("#9aa5b1", labels[1])],
    }
