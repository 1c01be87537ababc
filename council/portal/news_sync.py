"""One news record follows each public activity of a council, through the model layer.

Whichever code path creates or changes an Activity, the flush keeps its news record in step:
same title, date and place; withdrawn when the activity is cancelled, deleted or no longer
public, and published again when it comes back.
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
    "info": "event",
}
SYNCED = (
    "title",
    "starts_at",
    "venue",
    "status",
    "visibility",
    "deleted_at",
    "block_id",
    "category_id",
    "description",
)
_installed = False


def is_news_worthy(activity: Activity) -> bool:
    return (
        activity.visibility == "public"
        and activity.deleted_at is None
        and activity.status != "cancelled"
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
            if is_news_worthy(activity):
                values = _values(activity, codes)
                if news is None:
                    news = News(activity=activity, status="published", **values)
                    session.add(news)
                    continue
                values["status"] = "published"
                for key, value in values.items():
                    if getattr(news, key) != value:
                        setattr(news, key, value)
            elif news is not None and news.status != "withdrawn":
                news.status = "withdrawn"


def install(session_class) -> None:
    global _installed
    if not _installed:
        event.listen(session_class, "before_flush", _before_flush)
        _installed = True
