"""What an activity's inputs must satisfy, whichever way they arrive (the pages' forms, the CSV
import): the length limits, the first year of PT meetings, and the schedule built from a start
and an end typed as dates and optional times."""

from datetime import date, datetime, time

from council import fiscal
from council.errors import DomainError

TITLE_MAX = 200
VENUE_MAX = 200
CITY_MAX = 40
DESCRIPTION_MAX = 10_000
REASON_MAX = 1_000
PERSONS_MAX = 500
PARTICIPANTS_MAX = 1_000_000
# PT (プロジェクトチーム) meetings exist from FY2007 (平成19年度).
PT_FIRST_FY = 2007

RSVP_CHOICES = {"yes": "出席", "no": "欠席", "maybe": "未定"}

DATE_ONLY_MESSAGE = "この区分は日付のみで登録します。時刻は空欄にしてください。"


class ScheduleError(DomainError):
    """The four schedule inputs do not make a schedule; `field` names the input at fault."""


def check_plausible(day: date | None) -> str | None:
    if day is not None and not fiscal.FIRST_YEAR <= day.year <= fiscal.LAST_YEAR:
        return f"{fiscal.FIRST_YEAR}年から{fiscal.LAST_YEAR}年までの日付を入力してください。"
    return None


def build_schedule(
    start_date: date,
    start_time: time | None,
    end_date: date | None,
    end_time: time | None,
    *,
    date_only: bool,
) -> tuple[datetime, datetime | None, bool]:
    """(starts_at, ends_at, is_all_day) in Japan time from the form's four inputs.

    Without a start time the activity is all-day; the end of an all-day activity is its last
    day (inclusive), stored as that day's midnight. Raises ScheduleError(message, field)."""
    if date_only and start_time is not None:
        raise ScheduleError(DATE_ONLY_MESSAGE, "start_time")
    if date_only and end_time is not None:
        raise ScheduleError(DATE_ONLY_MESSAGE, "end_time")
    if start_time is None:
        return _all_day(start_date, end_date, end_time)
    return _timed(start_date, start_time, end_date, end_time)


def _all_day(start_date: date, end_date: date | None, end_time: time | None):
    """An all-day activity: one day, or a range of days ending on its last day."""
    starts_at = fiscal.jst_datetime(start_date)
    if end_time is not None:
        raise ScheduleError("終了時刻を入れるときは開始時刻も入力してください。", "end_time")
    if end_date is None or end_date == start_date:
        return starts_at, None, True
    if end_date < start_date:
        raise ScheduleError("終了日は開始日以降の日付にしてください。", "end_date")
    return starts_at, fiscal.jst_datetime(end_date), True


def _timed(start_date: date, start_time: time, end_date: date | None, end_time: time | None):
    """An activity with a start time: an end needs a time too, and comes after the start."""
    starts_at = fiscal.jst_datetime(start_date, start_time)
    if end_time is None:
        if end_date is not None and end_date != start_date:
            raise ScheduleError("終了日を入れるときは終了時刻も入力してください。", "end_time")
        return starts_at, None, False
    ends_at = fiscal.jst_datetime(end_date or start_date, end_time)
    if ends_at < starts_at:
        field = "end_date" if end_date is not None and end_date < start_date else "end_time"
        raise ScheduleError("終了は開始より後の日時にしてください。", field)
    return starts_at, ends_at, False
