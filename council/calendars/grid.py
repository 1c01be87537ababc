"""Calendar arithmetic for the HTML views: spans of days, holidays, items placed on days.
Pure functions: no database, no app. Weeks start on Sunday, as on Japanese wall calendars."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import jpholiday

from council.fiscal import WEEKDAYS

# Sunday first; fiscal.WEEKDAYS is Monday first (date.weekday()).
WEEKDAY_NAMES = ("日", "月", "火", "水", "木", "金", "土")


def sunday_index(day: date) -> int:
    return (day.weekday() + 1) % 7


def week_start(day: date) -> date:
    return day - timedelta(days=sunday_index(day))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def month_grid_span(year: int, month: int) -> tuple[date, date]:
    """The whole weeks (Sunday to Saturday) that cover a month."""
    first, last = month_bounds(year, month)
    return week_start(first), week_start(last) + timedelta(days=6)


def add_months(day: date, n: int) -> date:
    """The first day of the month n months after day's month."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=64)
def _year_holidays(year: int) -> dict[date, str]:
    # jpholiday works a year out rule by rule; a calendar page asks for the same years often.
    return dict(jpholiday.year_holidays(year))


def holidays_between(first: date, last: date) -> dict[date, str]:
    found = {}
    for year in range(first.year, last.year + 1):
        found.update((d, n) for d, n in _year_holidays(year).items() if first <= d <= last)
    return found


@dataclass
class Placement:
    item: object
    # The item began on an earlier day (a multi-day item shown again).
    is_continued: bool


@dataclass
class Day:
    date: date
    in_range: bool
    is_today: bool
    holiday: str | None
    items: list[Placement] = field(default_factory=list)
    omitted: int = 0  # items of the day left out of `items` (the month grid shows a few)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    @property
    def is_sunday(self) -> bool:
        return self.date.weekday() == 6

    @property
    def is_saturday(self) -> bool:
        return self.date.weekday() == 5

    @property
    def css(self) -> str:
        """The classes of its cell: outside the month, today, holiday, weekend."""
        classes = ["calendar__day"]
        if not self.in_range:
            classes.append("is-outside")
        if self.is_today:
            classes.append("is-today")
        if self.holiday:
            classes.append("is-holiday")
        if self.is_sunday:
            classes.append("is-sunday")
        elif self.is_saturday:
            classes.append("is-saturday")
        return " ".join(classes)

    @property
    def label(self) -> str:
        return f"{self.date.month}月{self.date.day}日({self.weekday})"


def build_days(
    first: date,
    last: date,
    items: Iterable,
    *,
    today: date,
    in_range: Callable[[date], bool] | None = None,
    omitted: dict[date, int] | None = None,
) -> list[Day]:
    """One Day per date from first to last, each with the items that take place on it (and
    the number left out of them, from `omitted`). Items need `first_day` and `last_day`
    (Japan dates)."""
    omitted = omitted or {}
    holidays = holidays_between(first, last)
    days = []
    by_date = {}
    current = first
    while current <= last:
        day = Day(
            date=current,
            in_range=in_range(current) if in_range else True,
            is_today=current == today,
            holiday=holidays.get(current),
            omitted=omitted.get(current, 0),
        )
        days.append(day)
        by_date[current] = day
        current += timedelta(days=1)
    for item in items:
        start = max(item.first_day, first)
        end = min(item.last_day, last)
        current = start
        while current <= end:
            by_date[current].items.append(Placement(item, current != item.first_day))
            current += timedelta(days=1)
    return days


def weeks(days: list[Day]) -> list[list[Day]]:
    return [days[i : i + 7] for i in range(0, len(days), 7)]
