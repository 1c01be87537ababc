"""Fiscal years (年度) and Japanese date labels. Pure functions: no database, no app."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
# (first day of the era, era name)
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))


def to_jst(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("fiscal arithmetic needs an aware datetime")
    return moment.astimezone(JST)


def fiscal_year_of(moment: datetime | date) -> int:
    """The fiscal year of an aware datetime (judged in Japan time) or of a date."""
    day = to_jst(moment).date() if isinstance(moment, datetime) else moment
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(year: int) -> datetime:
    """The first instant of fiscal year `year`: 1 April 00:00 JST."""
    return datetime(year, 4, 1, tzinfo=JST)


def fiscal_year_end(year: int) -> datetime:
    """The exclusive end of fiscal year `year`: 1 April of the next year, 00:00 JST."""
    return fiscal_year_start(year + 1)


def fiscal_year_last_instant(year: int) -> datetime:
    return fiscal_year_end(year) - timedelta(microseconds=1)


def fiscal_year_bounds_utc(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the fiscal year in UTC, for queries on UTC columns."""
    return fiscal_year_start(year).astimezone(UTC), fiscal_year_end(year).astimezone(UTC)


def era_of(day: date) -> tuple[str, int]:
    for first, name in ERAS:
        if day >= first:
            return name, day.year - first.year + 1
    raise ValueError(f"no era known for {day}")


def _era_year(n: int) -> str:
    return "元" if n == 1 else str(n)


def fiscal_year_label(year: int) -> str:
    """平成19年度 for 2007. A fiscal year is named by the era of its first day, except that
    FY2019, which began in the last month of 平成, is officially 令和元年度."""
    first = date(year, 4, 1)
    if year == 2019:
        first = date(2019, 5, 1)
    name, n = era_of(first)
    return f"{name}{_era_year(n)}年度"


def era_year_label(day: date) -> str:
    name, n = era_of(day)
    return f"{name}{_era_year(n)}年"


def format_date(value: date | datetime | None) -> str:
    """2007年11月28日(水); a datetime is shown as its Japan-time date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_jst(value).date()
    return f"{value.year}年{value.month}月{value.day}日({WEEKDAYS[value.weekday()]})"


def format_datetime(value: datetime | None) -> str:
    """2007年11月28日(水) 14:00, in Japan time."""
    if value is None:
        return ""
    local = to_jst(value)
    return f"{format_date(local.date())} {local:%H:%M}"


def format_time(value: datetime | None) -> str:
    return "" if value is None else f"{to_jst(value):%H:%M}"


def jst_datetime(day: date, at: time | None = None) -> datetime:
    """An aware datetime for a Japan-time wall clock (midnight for a date alone)."""
    return datetime.combine(day, at or time(0, 0), tzinfo=JST)


def current_fiscal_year(now: datetime | None = None) -> int:
    return fiscal_year_of(now or datetime.now(UTC))
