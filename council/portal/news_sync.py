"""One news record follows each public event of a council, through the model layer.

Whichever code path creates or changes an Activity, the flush keeps its news record in step:
same title, date and place; withdrawn when the activity is cancelled, deleted or no longer
public, and published again when it comes back. A news record is started for a public
seminar, results meeting, exhibition or briefing of the current or previous fiscal year or
later (starts_news); older activities stay in the activity register only.
"""

import sqlalchemy as sa
from sqlalchemy import event

from council import fiscal
from council.activities.models import Activity, Category
from council.portal.models import News

# The news kind an activity category becomes.
KIND_OF_CATEGORY = {
    "results": "symposium",
    "exhibition": "event",
    "briefing": "briefing",
    "training": "seminar",
}
# A new news record is made for the public events of the current and previous fiscal years
# and later; older activities stay in the activity register (a record that exists keeps
# following its activity whatever its age).
NEWS_FY_BACK = 1
_installed = False


def is_news_worthy(activity: Activity) -> bool:
    """Public, not cancelled, not deleted: its news record is published."""
    return (
        activity.visibility == "public"
        and activity.deleted_at is None
        and activity.status != "cancelled"
    )


def starts_news(activity: Activity, category_code: str) -> bool:
    """Does this activity get a news record of its own (it has none yet)?"""
    return (
        is_news_worthy(activity)
        and category_code in KIND_OF_CATEGORY
        and activity.starts_at is not None
        and fiscal.fiscal_year_of(activity.starts_at) >= fiscal.current_fiscal_year() - NEWS_FY_BACK
    )


def _category_codes(session) -> dict[int, str]:
    codes = session.info.get("portal_category_codes")
    if codes is None:
        codes = dict(session.execute(sa.select(Category.id, Category.code)).all())
        session.info["portal_category_codes"] = codes
    return codes


def _values(activity: Activity, codes: dict[int, str]) -> dict:
    return {
        "title": activity.title,
        "news_on": fiscal.to_jst(activity.starts_at).date(),
        "place": activity.venue or "",
        "block_id": activity.block_id,
        "kind": KIND_OF_CATEGORY.get(codes.get(activity.category_id, ""), "other"),
        "body": activity.description or "",
    }


def _before_flush(session, flush_context, instances) -> None:
    activities = [
        a
        for a in (*session.new, *session.dirty)
        if isinstance(a, Activity) and (a in session.new or session.is_modified(a))
    ]
    if not activities:
        return
    with session.no_autoflush:
        stored_ids = [a.id for a in activities if a.id is not None]
        existing = {}
        if stored_ids:
            existing = {
                n.activity_id: n
                for n in session.scalars(sa.select(News).where(News.activity_id.in_(stored_ids)))
            }
        codes = _category_codes(session)
        for activity in activities:
            news = existing.get(activity.id) if activity.id is not None else None
            if news is None:
                if starts_news(activity, codes.get(activity.category_id, "")):
                    session.add(
                        News(activity=activity, status="published", **_values(activity, codes))
                    )
                continue
            if is_news_worthy(activity):
                values = _values(activity, codes)
                values["status"] = "published"
                for key, value in values.items():
                    if getattr(news, key) != value:
                        setattr(news, key, value)
            elif news.status != "withdrawn":
                news.status = "withdrawn"


def install(session_class) -> None:
    global _installed
    if not _installed:
        event.listen(session_class, "before_flush", _before_flush)
        _installed = True
