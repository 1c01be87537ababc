"""The demo data set as plain values: which activities exist, when, where and with whom.

Pure: no database and no clock of its own. `build_plan(today, ...)` returns the same list for
the same day and the same directory, because every random choice comes from a
`random.Random` seeded with a fixed string per block and fiscal year. council/demo/__init__.py
writes the plan to the database.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from council.demo import events
from council.demo.days import at, business_day, fy_day
from council.demo.places import (
    ACTIVE_BLOCK,
    ACTIVE_FY,
    CANCEL_REASONS,
    COUNCIL_SLOT,
    FIRST_FY,
    HQ_VENUE,
    SEMINARS,
    TIME_SLOTS,
    VENUES,
    YEARLY_MIX,
)
from council.fiscal import JST, fiscal_year_label, fiscal_year_of


@dataclass
class PlannedMinutes:
    attendees: str
    agenda: str
    discussion: str
    decisions: str
    action_items: list[tuple[str, str, date, bool]]  # description, owner agency, due, done


@dataclass
class PlannedActivity:
    key: str  # natural key: the activity's uid is derived from it
    block: str | None
    category: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    is_all_day: bool = False
    kind: str | None = None
    venue: str = ""
    status: str = "planned"
    visibility: str = "members"
    participants: int | None = None
    description: str = ""
    status_reason: str = ""
    original_starts_at: datetime | None = None
    organizers: list[str] = field(default_factory=list)
    participant_agencies: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    minutes: PlannedMinutes | None = None


@dataclass
class Directory:
    """What the plan needs to know about the reference data."""

    block_names: dict[str, str]  # code -> 関東
    members: dict[str, list[tuple[str, str, str]]]  # code -> [(agency, kind, ministry)]
    secretariat: dict[str, str]  # code -> the agency that runs the secretariat
    measures: list[str]


class _Planner:
    def __init__(self, today: date, directory: Directory, last_fy: int):
        self.today = today
        self.now = at(today, time(0, 0))
        # created_at never lies in the future: the latest is yesterday morning.
        self.cap = at(today - timedelta(days=1), time(9, 0))
        self.dir = directory
        self.last_fy = last_fy
        self.items: list[PlannedActivity] = []
        # (block, day) already taken: a block holds at most one demo event starting per day,
        # so that block + start + title (the CSV import's key) is unique.
        self.used: set[tuple[str | None, date]] = set()

    # --- building blocks ----------------------------------------------------------------

    def venue(self, rng: random.Random, block: str, seat_weight: float = 0.6) -> tuple[str, str]:
        cities = VENUES[block]
        city, venues = cities[0] if rng.random() < seat_weight else rng.choice(cities)
        return city, rng.choice(venues)

    def organizers(self, rng: random.Random, block: str, extra: int) -> list[str]:
        own = self.dir.secretariat[block]
        others = [name for name, _, _ in self.dir.members[block] if name != own]
        return [own, *rng.sample(others, min(extra, len(others)))]

    def add(self, rng: random.Random, item: PlannedActivity, *, advance: bool, can_fail=True):
        """Set status, created/updated times from the date relative to today, then keep it."""
        day = item.starts_at.astimezone(JST).date()
        free = day
        while (item.block, free) in self.used:
            free = business_day(free + timedelta(days=1))
        self.used.add((item.block, free))
        if free != day:
            shift = free - day
            item.starts_at += shift
            item.ends_at = item.ends_at + shift if item.ends_at else None
        end = item.ends_at or item.starts_at
        in_past = end < self.now
        roll = rng.random()
        if in_past:
            item.status = "held"
            if can_fail and roll < 0.04:
                item.status = "cancelled"
                item.status_reason = rng.choice(CANCEL_REASONS)
                item.participants = None
            elif roll < 0.07:
                # Postponed once, then held on the new date.
                item.original_starts_at = item.starts_at - timedelta(days=rng.randint(7, 28))
        else:
            item.status = "planned"
            item.participants = None
            if can_fail and roll < 0.05:
                item.status = "postponed"
                item.original_starts_at = item.starts_at - timedelta(days=rng.randint(7, 28))
        if item.status != "held":
            item.minutes = None
        fy = fiscal_year_of(item.starts_at)
        if advance:
            # Part of the year's plan, drawn up in February before the fiscal year began.
            created = at(date(fy, 2, rng.randint(5, 25)), time(10, rng.choice((0, 15, 30))))
        else:
            created = at(item.starts_at.date() - timedelta(days=rng.randint(14, 60)), time(11, 0))
        created = min(created, self.cap)
        updated = created
        if item.status != "planned":
            updated = max(created, min(end + timedelta(days=rng.randint(1, 5)), self.cap))
        item.created_at, item.updated_at = created, updated
        self.items.append(item)

    # --- the plan ------------------------------------------------------------------------

    def block_year(self, block: str, fy: int) -> None:
        rng = random.Random(f"2007:{block}:{fy}")
        if block == ACTIVE_BLOCK and fy == ACTIVE_FY:
            self.active_councils(rng, block, fy)
        else:
            self.councils(rng, block, fy)
        for category, low, high in YEARLY_MIX:
            for n in range(1, rng.randint(low, high) + 1):
                self.event(rng, block, fy, category, n)

    def council_meeting(self, rng, block, fy, kind, number, day, minutes=False):
        name = self.dir.block_names[block]
        label = "協議会" if kind == "council" else "幹事会"
        start, end = COUNCIL_SLOT if kind == "council" else TIME_SLOTS[rng.randrange(3)]
        city, venue = self.venue(rng, block, seat_weight=0.9)
        members = [a for a, _, _ in self.dir.members[block]]
        attendees = (
            members
            if kind == "council"
            else [a for a, k, _ in self.dir.members[block] if k == "branch"]
        )
        item = PlannedActivity(
            key=f"{block}:{fy}:council:{kind}:{number}",
            block=block,
            category="council",
            kind=kind,
            title=f"{fiscal_year_label(fy)} 第{number}回{name}地域ブロック{label}",
            starts_at=at(day, start),
            ends_at=at(day, end),
            venue=venue,
            visibility="members" if kind == "council" or rng.random() < 0.8 else "secretariat",
            participants=len(attendees) * 2 + rng.randint(0, 8),
            organizers=[self.dir.secretariat[block]],
            participant_agencies=attendees,
            description=f"{city}にて開催。各府省の地域クラスター関連施策の実施状況と連携方針を協議。",
        )
        if minutes:
            item.minutes = self.minutes_for(rng, item, block)
        self.add(rng, item, advance=True, can_fail=False)

    def councils(self, rng, block, fy) -> None:
        first = business_day(fy_day(fy, rng.choice((5, 6, 7)), rng.randint(1, 28)))
        if rng.random() < 0.55:
            kind = "council" if rng.random() < 0.7 else "secretariat"
            self.council_meeting(rng, block, fy, kind, 1, first)
            return
        second = business_day(fy_day(fy, rng.choice((2, 3)), rng.randint(1, 20)))
        first_kind = "secretariat" if rng.random() < 0.6 else "council"
        self.council_meeting(rng, block, fy, first_kind, 1, first)
        self.council_meeting(rng, block, fy, "council", 2 if first_kind == "council" else 1, second)

    def active_councils(self, rng, block, fy) -> None:
        """The very active block of FY2007: 3 councils and 10 secretariat meetings."""
        councils = (date(2007, 6, 20), date(2007, 11, 28), date(2008, 3, 12))
        for number, day in enumerate(councils, start=1):
            self.council_meeting(rng, block, fy, "council", number, day, minutes=True)
        months = (4, 5, 6, 7, 9, 10, 11, 12, 1, 2)
        for number, month in enumerate(months, start=1):
            day = business_day(fy_day(fy, month, 8 + rng.randint(0, 10)))
            self.council_meeting(rng, block, fy, "secretariat", number, day)

    def event(self, rng, block, fy, category, n, day=None, key=None) -> None:
        """One of a block's public events: a venue, a business day of the year (unless given)
        and a time slot, then what its category makes of it (council/demo/events.py)."""
        name, label = self.dir.block_names[block], fiscal_year_label(fy)
        city, venue = self.venue(rng, block)
        if day is None:
            day = business_day(
                fy_day(fy, rng.choice((5, 6, 7, 8, 9, 10, 11, 12, 1, 2)), rng.randint(1, 28))
            )
        start_t, end_t = rng.choice(TIME_SLOTS)
        item = PlannedActivity(
            key=key or f"{block}:{fy}:{category}:{n}",
            block=block,
            category=category,
            title="",
            starts_at=at(day, start_t),
            ends_at=at(day, end_t),
            venue=venue,
            visibility="public",
        )
        events.describe(self, rng, item, category, events.Place(block, name, label, city, day))
        self.add(rng, item, advance=rng.random() < 0.7)

    def seminars(self) -> None:
        for fy, city, block, venue, month, day in SEMINARS:
            rng = random.Random(f"2007:seminar:{fy}:{city}")
            on = business_day(fy_day(fy, month, day))
            item = PlannedActivity(
                key=f"seminar:{fy}:{city}",
                block=block,
                category="exhibition",
                title=f"地域クラスターセミナー in {city}",
                starts_at=at(on, time(13, 0)),
                ends_at=at(on, time(17, 30)),
                venue=venue,
                visibility="public",
                participants=rng.randint(180, 420),
                organizers=self.organizers(rng, block, 3),
                description=(
                    f"{fiscal_year_label(fy)} 地域クラスターセミナー。基調講演、"
                    "関係府省の連携施策紹介、地域の事例発表とパネルディスカッション。"
                ),
            )
            self.add(rng, item, advance=True, can_fail=False)

    def hq_meetings(self) -> None:
        titles = {
            "wg": "地域クラスター関係府省連絡会議 ワーキンググループ",
            "pt": "地域活性化のための連携施策群 プロジェクトチーム会合",
            "tf": "地域科学技術振興タスクフォース",
        }
        for fy in range(FIRST_FY, self.last_fy + 1):
            rng = random.Random(f"2007:hq:{fy}")
            numbers = {"wg": 0, "pt": 0, "tf": 0}
            kind = "wg" if fy <= 2006 else "pt"
            meetings = [
                (kind, m)
                for m in sorted(
                    rng.sample((5, 7, 9, 11, 1, 3), rng.randint(2, 4)), key=lambda m: (m < 4, m)
                )
            ]
            if fy >= 2006 and rng.random() < 0.35:
                meetings += [
                    ("tf", m)
                    for m in sorted(
                        rng.sample((6, 10, 2), rng.randint(1, 2)), key=lambda m: (m < 4, m)
                    )
                ]
            for kind, month in meetings:
                numbers[kind] += 1
                day = business_day(fy_day(fy, month, rng.randint(3, 25)))
                item = PlannedActivity(
                    key=f"hq:{fy}:{kind}:{numbers[kind]}",
                    block=None,
                    category="council",
                    kind=kind,
                    title=f"{fiscal_year_label(fy)} {titles[kind]}(第{numbers[kind]}回)",
                    starts_at=at(day, time(10, 0)),
                    ends_at=at(day, time(12, 0)),
                    venue=HQ_VENUE,
                    visibility="members" if rng.random() < 0.7 else "secretariat",
                    participants=rng.randint(12, 30),
                )
                self.add(rng, item, advance=rng.random() < 0.5, can_fail=False)

    def near_term(self) -> None:
        """A few public events in this month and the next, so today's calendar is never empty."""
        blocks = list(VENUES)
        first = self.today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        for month_start in (first, following):
            rng = random.Random(f"2007:near:{month_start:%Y-%m}")
            for i, block in enumerate(rng.sample(blocks, 4)):
                day = business_day(month_start + timedelta(days=3 + i * 6))
                category = ("briefing", "exhibition", "training", "info")[i]
                self.event(
                    rng,
                    block,
                    fiscal_year_of(day),
                    category,
                    i + 1,
                    day=day,
                    key=f"near:{month_start:%Y-%m}:{block}",
                )

    def minutes_for(self, rng, item: PlannedActivity, block: str) -> PlannedMinutes:
        members = self.dir.members[block]
        owners = [a for a, k, _ in members if k == "branch"]
        day = item.starts_at.date()
        return PlannedMinutes(
            attendees="\n".join(a for a, _, _ in members),
            agenda="1. 関係府省施策の実施状況について\n2. 合同公募説明会の開催について\n"
            "3. 来年度の活動計画について",
            discussion=(
                "## 関係府省施策の実施状況\n\n各機関から、地域クラスター関連施策の"
                "採択状況と今後の公募予定が報告された。\n\n"
                "## 合同公募説明会\n\n- 開催時期は各府省の公募開始にあわせる。\n"
                "- 会場は事務局で手配する。\n"
            ),
            decisions="合同公募説明会を共催で開催する。次回までに各機関の施策一覧を更新する。",
            action_items=[
                (
                    "次回協議会までに各機関の施策一覧を更新し事務局へ提出する",
                    rng.choice(owners),
                    day + timedelta(days=30),
                    True,
                ),
                (
                    "合同公募説明会の会場候補を調整する",
                    self.dir.secretariat[block],
                    day + timedelta(days=21),
                    day + timedelta(days=60) < self.today,
                ),
            ],
        )

    def latest_council_minutes(self) -> None:
        """Minutes with an open action item on the latest held council of the active block,
        so that the dashboard has something to show."""
        held = [
            a
            for a in self.items
            if a.block == ACTIVE_BLOCK
            and a.category == "council"
            and a.status == "held"
            and a.minutes is None
        ]
        if not held:
            return
        latest = max(held, key=lambda a: a.starts_at)
        rng = random.Random(f"2007:minutes:{latest.key}")
        latest.minutes = self.minutes_for(rng, latest, ACTIVE_BLOCK)
        latest.minutes.action_items[1] = (*latest.minutes.action_items[1][:3], False)

    def minutes_of_held_meetings(self) -> None:
        """A secretariat approves the minutes of a meeting within a few weeks; the meetings of
        the last six weeks are still waiting for theirs (the completeness check shows them)."""
        cutoff = self.today - timedelta(days=42)
        for item in self.items:
            if (
                item.block is not None
                and item.category in ("council", "liaison")
                and item.status == "held"
                and item.minutes is None
                and item.starts_at.date() < cutoff
            ):
                # Its own generator, so the rest of the data set does not move.
                item.minutes = self.minutes_for(
                    random.Random(f"minutes:{item.key}"), item, item.block
                )


def build_plan(today: date, directory: Directory, last_fy: int) -> list[PlannedActivity]:
    """Every demo activity from FY2005 to `last_fy`, in a stable order."""
    planner = _Planner(today, directory, last_fy)
    # Fixed dates first, so that the generated events move around them.
    planner.seminars()
    for fy in range(FIRST_FY, last_fy + 1):
        for block in VENUES:
            planner.block_year(block, fy)
    planner.hq_meetings()
    planner.near_term()
    planner.latest_council_minutes()
    planner.minutes_of_held_meetings()
    return planner.items
