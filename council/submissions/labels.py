"""How the submission pages and the overview workbook write a snapshot's lines and their
differences (the templates read these as `sq`, and
the submitted plan's outcomes as `plans`: council.figures.plans)."""

from datetime import datetime

from council import fiscal
from council.activities.models import STATUSES

# The fields of a snapshot's detailed list that a correction is judged on.
DETAIL_FIELDS = {
    "category": "区分",
    "title": "名称",
    "start": "開始",
    "end": "終了",
    "venue": "場所",
    "status": "状態",
    "participants": "参加者数",
    "organizers": "共催機関",
}


def start_label(item: dict) -> str:
    """2007年11月28日(水) 14:00 (or the date alone) for a detail dict's start."""
    start = item.get("start")
    if not start:
        return ""
    if len(start) == 10:
        return fiscal.format_date(datetime.fromisoformat(start).date())
    return fiscal.format_datetime(datetime.fromisoformat(start))


def signed(n: int) -> str:
    """+2, -1 or 0: how a difference is written."""
    return f"+{n}" if n > 0 else str(n)


def detail_value_label(name: str, value, categories: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "(なし)"
    if name == "category":
        return categories.get(value, value)
    if name == "status":
        return STATUSES.get(value, value)
    if name in ("start", "end"):
        return start_label({"start": value})
    if name == "organizers":
        return "、".join(value)
    return str(value)
