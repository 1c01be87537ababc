"""iCalendar (RFC 5545) output, built with the `icalendar` package. Pure: events in, bytes out.

Every property goes through icalendar's API, which escapes commas, semicolons and newlines and
folds long lines; nothing here builds a property by string joining. What is joined are whole
components that icalendar serialized: a VEVENT serialized once per activity version (cached
in Activity.ics_cache) is spliced into the calendar that icalendar serialized around it.

The feeds carry no METHOD, so DTSTAMP is the moment the event was last revised in our store
(RFC 5545 §3.8.7.2), which keeps a cached VEVENT identical to a freshly built one.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import icalendar

from council.fiscal import JST

PRODID = "-//Block Council//Block Council calendar//JA"
TZID = "Asia/Tokyo"
REFRESH = timedelta(hours=1)
# Bump when the VEVENT layout changes: every cached fragment then counts as stale.
CACHE_FORMAT = "vevent-1"
END_CALENDAR = b"END:VCALENDAR\r\n"

STATUS = {
    "planned": "CONFIRMED",
    "held": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
# Clients show STATUS in different ways (some not at all), so the title says it too.
SUMMARY_PREFIX = {"cancelled": "【中止】", "postponed": "【延期】"}
REASON_LABEL = {"cancelled": "中止の理由", "postponed": "延期の理由"}
# The "block" of a headquarters meeting, which belongs to none.
HQ_LABEL = "本府省"


@dataclass(frozen=True)
class FeedEvent:
    """What one VEVENT needs to know about an activity."""

    uid: str
    sequence: int
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime | None
    is_all_day: bool
    venue: str
    description: str
    status_reason: str
    category: str
    block: str
    url: str
    created_at: datetime
    updated_at: datetime


def activity_url(base_url: str, activity_id: int) -> str:
    # /activities/<id> is a stable URL of the product (SPEC "Interfaces"), so feeds name it
    # directly rather than asking the activities blueprint for each of thousands of events.
    return f"{base_url}/activities/{activity_id}"


def feed_event(source, base_url: str, *, category: str, block: str | None) -> FeedEvent:
    """The VEVENT input of one activity, read from anything with its columns: a loaded
    activity (an invitation mail) or a plain row (the feeds, which read thousands)."""
    return FeedEvent(
        uid=source.uid,
        sequence=source.sequence or 0,
        title=source.title,
        status=source.status,
        starts_at=source.starts_at,
        ends_at=source.ends_at,
        is_all_day=bool(source.is_all_day),
        venue=source.venue or "",
        description=source.description or "",
        status_reason=source.status_reason or "",
        category=category,
        block=block or HQ_LABEL,
        url=activity_url(base_url, source.id),
        created_at=source.created_at or source.updated_at,
        updated_at=source.updated_at,
    )


def event_from_activity(activity, base_url: str) -> FeedEvent:
    block = activity.block.name if activity.block is not None else None
    return feed_event(activity, base_url, category=activity.category.name, block=block)


def summary_of(title: str, status: str) -> str:
    return SUMMARY_PREFIX.get(status, "") + title


def _description(event: FeedEvent) -> str:
    lines = []
    if event.description:
        lines.append(event.description.strip())
    if event.status_reason and event.status in REASON_LABEL:
        lines.append(f"{REASON_LABEL[event.status]}: {event.status_reason.strip()}")
    lines.append(f"区分: {event.category}")
    lines.append(f"ブロック: {event.block}")
    lines.append(f"詳細: {event.url}")
    return "\n".join(lines)


def _dates(event: FeedEvent) -> tuple[date | datetime, date | datetime | None]:
    if event.is_all_day:
        first = event.starts_at.astimezone(JST).date()
        last = event.ends_at.astimezone(JST).date() if event.ends_at else first
        # DTEND of a date-only event is exclusive: the day after the last day.
        return first, max(first, last) + timedelta(days=1)
    start = event.starts_at.astimezone(JST)
    end = event.ends_at.astimezone(JST) if event.ends_at else None
    # Without an end time we say nothing rather than invent a duration (RFC 5545: the event
    # then ends when it starts); an end before the start is ignored the same way.
    if end is not None and end <= start:
        end = None
    return start, end


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def build_event(event: FeedEvent) -> str:
    """One VEVENT, serialized (CRLF line ends, folded)."""
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", _utc(event.updated_at))
    component.add("created", _utc(event.created_at))
    component.add("last-modified", _utc(event.updated_at))
    component.add("sequence", event.sequence)
    start, end = _dates(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    component.add("summary", summary_of(event.title, event.status))
    if event.venue:
        component.add("location", event.venue)
    component.add("description", _description(event))
    component.add("categories", [event.category, event.block])
    component.add("status", STATUS.get(event.status, "CONFIRMED"))
    component.add("url", event.url)
    return component.to_ical().decode("utf-8")


@lru_cache(maxsize=1)
def _vtimezone() -> icalendar.Timezone:
    return icalendar.Timezone.from_tzid(TZID)


def envelope(name: str, description: str = "") -> tuple[bytes, bytes]:
    """The VCALENDAR around the events: (everything before the first VEVENT, the end)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    calendar.add_component(_vtimezone())
    data = calendar.to_ical()
    if not data.endswith(END_CALENDAR):  # pragma: no cover - icalendar's own contract
        raise ValueError("unexpected VCALENDAR serialization")
    return data[: -len(END_CALENDAR)], END_CALENDAR


def assemble(name: str, fragments: Iterable[str], description: str = "") -> bytes:
    """A calendar from serialized VEVENTs (each one made by build_event)."""
    head, tail = envelope(name, description)
    return b"".join((head, "".join(fragments).encode("utf-8"), tail))


def build_calendar(name: str, events: Iterable[FeedEvent], description: str = "") -> bytes:
    """A calendar built from scratch, every event serialized now."""
    return assemble(name, (build_event(e) for e in events), description)


# --- the per-activity cache ------------------------------------------------------------------


def cache_prefix(base_url: str) -> str:
    """The first line of a cached fragment: the layout and the site URL it was built for."""
    return f"{CACHE_FORMAT} {base_url}\n"


def pack(prefix: str, fragment: str) -> str:
    return prefix + fragment


def unpack(prefix: str, cached: str | None) -> str | None:
    """The cached VEVENT when it was built with this layout for this site, else None."""
    if cached is None or not cached.startswith(prefix):
        return None
    return cached[len(prefix) :]
