"""Days of the demo's calendar: business days (no weekend, no Japanese holiday), a day of a
fiscal year, a time of day in JST."""

import functools
from datetime import date, datetime, time, timedelta

import jpholiday

from council.fiscal import JST


@functools.cache
def _is_holiday(day: date) -> bool:
    # jpholiday is slow (about 0.5 ms a call); weekends are ruled out before it is asked.
    return jpholiday.is_holiday(day)


def business_day(day: date) -> date:
    while day.weekday() >= 5 or _is_holiday(day):
        day += timedelta(days=1)
    return day


def fy_day(fy: int, month: int, day: int) -> date:
    year = fy if month >= 4 else fy + 1
    return date(year, month, min(day, 28))


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=JST)
