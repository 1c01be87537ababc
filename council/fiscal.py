"""Fiscal years (年度) and Japanese date labels. Pure functions: no database, no app."""

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
# (first day of the era, era name)
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))


# The fiscal years the system keeps: pages, forms, imports and the API refuse others.
FIRST_YEAR, LAST_YEAR = 2000, 2100


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


# --- typed dates and fiscal years ----------------------------------------------------------

# Each era: (name, one-letter abbreviation, first day, last day).
_ERA_SPANS = (
    ("令和", "R", date(2019, 5, 1), date(9999, 12, 31)),
    ("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    ("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
)
_ERA_BY_KEY = {key: span for span in _ERA_SPANS for key in (span[0], span[1])}
_ERA_KEYS = "|".join(key for span in _ERA_SPANS for key in span[:2])
_NUM = r"(\d{1,2}|元)"
_WESTERN_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_ERA_DATE = re.compile(
    rf"({_ERA_KEYS})\s*{_NUM}\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?"
)
_WEEKDAY_SUFFIX = re.compile(r"\s*\(\s*[月火水木金土日]\s*\)\s*$")
_WESTERN_FY = re.compile(r"(?:FY\s*)?(\d{4})\s*(?:年度?)?")
_ERA_FY = re.compile(rf"({_ERA_KEYS})\s*{_NUM}\s*(?:年度?)?")
_LABEL_WITH_YEAR = re.compile(r".*\(\s*(\d{4})\s*\)")


def _normalise(text: str) -> str:
    """Full-width digits, letters and punctuation (２００７／１１／２８, Ｈ１９) as ASCII."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def _era_number(text: str) -> int:
    return 1 if text == "元" else int(text)


def parse_date(text: str | None) -> date | None:
    """A typed date, or None when the text is not one.

    Accepts 2007-11-28, 2007/11/28, 2007.11.28, 2007年11月28日(水), 平成19年11月28日,
    H19.11.28, 令和元年5月1日 and R1.5.1 (full-width digits too). An era date must lie inside
    its era: 平成31年5月1日 does not exist (令和元年5月1日 does), nor does 平成元年1月7日."""
    value = _WEEKDAY_SUFFIX.sub("", _normalise(text or ""))
    if not value:
        return None
    if match := _WESTERN_DATE.fullmatch(value):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if match := _ERA_DATE.fullmatch(value):
        name, _, first, last = _ERA_BY_KEY[match[1]]
        n = _era_number(match[2])
        if n < 1:
            return None
        try:
            day = date(first.year + n - 1, int(match[3]), int(match[4]))
        except ValueError:
            return None
        return day if first <= day <= last else None
    return None


def parse_fiscal_year(text: str | int | None) -> int | None:
    """A typed or picked fiscal year: 2007, FY2007, 2007年度, 平成19年度, H19, 平成19年度 (2007).

    平成31年度 and 令和元年度 both name FY2019 (the year was renamed in its second month)."""
    if isinstance(text, int):
        return text
    value = _normalise(text or "")
    if not value:
        return None
    if match := _LABEL_WITH_YEAR.fullmatch(value):
        return int(match[1])
    if match := _WESTERN_FY.fullmatch(value):
        return int(match[1])
    if match := _ERA_FY.fullmatch(value):
        name, _, first, last = _ERA_BY_KEY[match[1]]
        n = _era_number(match[2])
        year = first.year + n - 1
        # The fiscal year must begin inside the era, or be the year the era began in
        # (平成元年度 = FY1989, 令和元年度 = FY2019, and 平成31年度 = FY2019).
        if n < 1 or year > last.year or (year == last.year and last < date(year, 4, 1)):
            return None
        return year
    return None


def fiscal_year_choice(year: int) -> str:
    """How a fiscal year reads in a picker: 平成19年度 (2007)."""
    return f"{fiscal_year_label(year)} ({year})"


def parse_month(text: str | None) -> date | None:
    """A typed month (its first day): 2007-11, 2007/11, 2007年11月, 平成19年11月, H19.11."""
    value = _normalise(text or "")
    if not value:
        return None
    if match := re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", value):
        year, month = int(match[1]), int(match[2])
    elif match := re.fullmatch(rf"({_ERA_KEYS})\s*{_NUM}\s*[-/.年]\s*(\d{{1,2}})\s*月?", value):
        name, _, first, last = _ERA_BY_KEY[match[1]]
        year, month = first.year + _era_number(match[2]) - 1, int(match[3])
        if not 1 <= month <= 12 or not (
            (first.year, first.month) <= (year, month) <= (last.year, last.month)
        ):
            return None
    else:
        return None
    return date(year, month, 1) if 1 <= month <= 12 else None
