"""The demo data set as plain values: which activities exist, when, where and with whom.

Pure: no database and no clock of its own. `build_plan(today, ...)` returns the same list for
the same day and the same directory, because every random choice comes from a
`random.Random` seeded with a fixed string per block and fiscal year. council/demo.py writes
the plan to the database.
"""

import functools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import jpholiday

from council.fiscal import JST, fiscal_year_label, fiscal_year_of

FIRST_FY = 2005
ACTIVE_BLOCK = "kanto"
ACTIVE_FY = 2007

# Cities of each block and the venues a secretariat would book there; the seat city first.
VENUES: dict[str, list[tuple[str, list[str]]]] = {
    "hokkaido": [
        ("札幌", ["札幌第1合同庁舎", "札幌コンベンションセンター", "ホテル札幌ガーデンパレス"]),
        ("旭川", ["旭川市ときわ市民ホール"]),
        ("函館", ["函館国際ホテル"]),
    ],
    "tohoku": [
        ("仙台", ["仙台第2合同庁舎", "仙台国際センター", "ホテルメトロポリタン仙台"]),
        ("盛岡", ["いわて県民情報交流センター(アイーナ)"]),
        ("山形", ["山形国際交流プラザ(ビッグウイング)"]),
    ],
    "kanto": [
        ("さいたま", ["さいたま新都心合同庁舎1号館", "ソニックシティ"]),
        ("東京", ["東京国際フォーラム", "東京ビッグサイト"]),
        ("横浜", ["パシフィコ横浜"]),
        ("つくば", ["つくば国際会議場"]),
    ],
    "chubu": [
        ("名古屋", ["名古屋合同庁舎第1号館", "名古屋国際会議場", "名古屋市中小企業振興会館"]),
        ("浜松", ["アクトシティ浜松"]),
        ("岐阜", ["岐阜県県民ふれあい会館"]),
    ],
    "hokuriku": [
        ("富山", ["富山県民会館", "富山国際会議場"]),
        ("金沢", ["石川県地場産業振興センター", "金沢市文化ホール"]),
        ("福井", ["福井県産業会館"]),
    ],
    "kinki": [
        ("大阪", ["大阪合同庁舎第1号館", "マイドームおおさか", "インテックス大阪"]),
        ("京都", ["京都リサーチパーク"]),
        ("神戸", ["神戸国際会議場"]),
    ],
    "chugoku": [
        ("広島", ["広島合同庁舎", "広島国際会議場"]),
        ("岡山", ["岡山コンベンションセンター"]),
        ("松江", ["くにびきメッセ"]),
    ],
    "shikoku": [
        ("高松", ["高松サンポート合同庁舎", "サンポートホール高松"]),
        ("松山", ["愛媛県県民文化会館"]),
        ("徳島", ["徳島県郷土文化会館"]),
    ],
    "kyushu": [
        ("福岡", ["福岡合同庁舎", "アクロス福岡", "福岡国際会議場"]),
        ("北九州", ["北九州国際会議場"]),
        ("熊本", ["熊本テルサ"]),
    ],
    "okinawa": [
        ("那覇", ["那覇第2地方合同庁舎", "沖縄産業支援センター"]),
        ("宜野湾", ["沖縄コンベンションセンター"]),
    ],
}

HQ_VENUE = "中央合同庁舎第4号館 共用会議室"

# The 地域クラスターセミナー: (fiscal year, city, host block, venue, month, day)
SEMINARS = (
    (2005, "京都", "kinki", "京都リサーチパーク", 10, 20),
    (2005, "福岡", "kyushu", "アクロス福岡", 12, 6),
    (2005, "仙台", "tohoku", "仙台国際センター", 2, 9),
    (2006, "浜松", "chubu", "アクトシティ浜松", 9, 27),
    (2006, "高松", "shikoku", "サンポートホール高松", 11, 16),
    (2006, "札幌", "hokkaido", "札幌コンベンションセンター", 1, 25),
    (2007, "名古屋", "chubu", "名古屋国際会議場", 10, 11),
    (2007, "熊本", "kyushu", "熊本テルサ", 12, 4),
    (2007, "金沢", "hokuriku", "石川県地場産業振興センター", 2, 14),
)

# (category, how many per block and year: low, high)
YEARLY_MIX = (
    ("briefing", 2, 6),
    ("results", 0, 2),
    ("exhibition", 1, 3),
    ("info", 1, 3),
    ("publication", 0, 2),
    ("website", 0, 1),
    ("training", 0, 2),
    ("liaison", 1, 3),
)

CANCEL_REASONS = (
    "台風接近のため中止しました。",
    "講師の都合がつかず中止しました。",
    "応募者数が少なかったため中止しました。",
    "新型インフルエンザ感染拡大防止のため中止しました。",
)

COUNCIL_SLOT = (time(14, 0), time(16, 30))
TIME_SLOTS = ((time(10, 0), time(12, 0)), (time(13, 30), time(16, 30)), (time(14, 0), time(17, 0)))


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


@functools.cache
def _is_holiday(day: date) -> bool:
    # jpholiday is slow (about 0.5 ms a call); weekends are ruled out before it is asked.
    return jpholiday.is_holiday(day)


def _business_day(day: date) -> date:
    while day.weekday() >= 5 or _is_holiday(day):
        day += timedelta(days=1)
    return day


def _fy_day(fy: int, month: int, day: int) -> date:
    year = fy if month >= 4 else fy + 1
    return date(year, month, min(day, 28))


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=JST)


class _Planner:
    def __init__(self, today: date, directory: Directory, last_fy: int):
        self.today = today
        self.now = _at(today, time(0, 0))
        # created_at never lies in the future: the latest is yesterday morning.
        self.cap = _at(today - timedelta(days=1), time(9, 0))
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
            free = _business_day(free + timedelta(days=1))
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
            created = _at(date(fy, 2, rng.randint(5, 25)), time(10, rng.choice((0, 15, 30))))
        else:
            created = _at(item.starts_at.date() - timedelta(days=rng.randint(14, 60)), time(11, 0))
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
            starts_at=_at(day, start),
            ends_at=_at(day, end),
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
        first = _business_day(_fy_day(fy, rng.choice((5, 6, 7)), rng.randint(1, 28)))
        if rng.random() < 0.55:
            kind = "council" if rng.random() < 0.7 else "secretariat"
            self.council_meeting(rng, block, fy, kind, 1, first)
            return
        second = _business_day(_fy_day(fy, rng.choice((2, 3)), rng.randint(1, 20)))
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
            day = _business_day(_fy_day(fy, month, 8 + rng.randint(0, 10)))
            self.council_meeting(rng, block, fy, "secretariat", number, day)

    def event(self, rng, block, fy, category, n, day=None, key=None) -> None:
        name = self.dir.block_names[block]
        label = fiscal_year_label(fy)
        city, venue = self.venue(rng, block)
        if day is None:
            day = _business_day(
                _fy_day(fy, rng.choice((5, 6, 7, 8, 9, 10, 11, 12, 1, 2)), rng.randint(1, 28))
            )
        start_t, end_t = rng.choice(TIME_SLOTS)
        item = PlannedActivity(
            key=key or f"{block}:{fy}:{category}:{n}",
            block=block,
            category=category,
            title="",
            starts_at=_at(day, start_t),
            ends_at=_at(day, end_t),
            venue=venue,
            visibility="public",
        )
        if category == "briefing":
            measures = rng.sample(self.dir.measures, rng.randint(1, 4))
            item.measures = measures
            if len(measures) == 1:
                item.title = f"{label} {measures[0]} 公募説明会({city})"
            else:
                item.title = f"{label} 地域イノベーション関連施策 合同公募説明会({city})"
            item.organizers = self.organizers(rng, block, rng.randint(1, 3))
            item.participants = rng.randint(40, 220)
            item.description = "説明施策: " + "、".join(measures)
        elif category == "results":
            item.title = rng.choice(
                (
                    f"{name}地域 産学官連携プロジェクト合同成果発表会 {day.year}",
                    f"{label} 地域新生コンソーシアム研究開発事業 合同成果発表会({city})",
                    f"{name}クラスター合同成果報告会",
                )
            )
            item.organizers = self.organizers(rng, block, rng.randint(2, 4))
            item.participants = rng.randint(80, 350)
        elif category == "exhibition":
            last = _business_day(day + timedelta(days=rng.randint(1, 2)))
            item.starts_at, item.ends_at, item.is_all_day = (
                _at(day, time(0)),
                _at(last, time(0)),
                True,
            )
            item.title = rng.choice(
                (
                    f"{name}産学官連携フェア{day.year} 合同展示",
                    f"ビジネスマッチングフェア{day.year} in {city} 府省合同ブース",
                    f"{name}ものづくり・環境技術展{day.year} 合同出展",
                )
            )
            item.organizers = self.organizers(rng, block, rng.randint(2, 4))
            item.participants = rng.randint(800, 6000)
        elif category == "info":
            item.title = rng.choice(
                (
                    f"{city}産業技術フォーラムでの関係府省施策の紹介",
                    f"{name}地域 中小企業支援機関連絡会への施策情報提供",
                    f"地域イノベーションシンポジウム({city})での施策説明",
                )
            )
            item.organizers = [self.dir.secretariat[block]]
            item.participants = rng.randint(30, 150)
        elif category == "publication":
            item.starts_at, item.ends_at, item.is_all_day = _at(day, time(0)), None, True
            item.title = rng.choice(
                (
                    f"{name}地域 関係府省連携施策パンフレット({label}版)",
                    f"{name}地域 産学官連携事例集({label})",
                    f"地域クラスター施策活用ガイドブック({name}・{label})",
                )
            )
            item.organizers = self.organizers(rng, block, rng.randint(1, 3))
            item.participants = None
            item.venue = ""
        elif category == "website":
            item.starts_at, item.ends_at, item.is_all_day = _at(day, time(0)), None, True
            item.title = rng.choice(
                (
                    f"{name}地域ブロック協議会ウェブサイト 施策情報ページ更新({label})",
                    f"{name}地域 関係府省施策ポータルサイト開設",
                )
            )
            item.organizers = [self.dir.secretariat[block]]
            item.participants = None
            item.venue = ""
        elif category == "training":
            item.title = rng.choice(
                (
                    f"{label} 産学官連携コーディネータ研修会({city})",
                    f"知的財産活用セミナー({city})",
                    f"{name}地域 支援機関職員向け施策研修会",
                )
            )
            item.organizers = self.organizers(rng, block, rng.randint(1, 2))
            item.participants = rng.randint(20, 70)
            item.visibility = "public" if rng.random() < 0.5 else "members"
        elif category == "liaison":
            item.title = rng.choice(
                (
                    f"{name}地域 知的クラスター・産業クラスター合同連絡会議",
                    f"{name}地域 産学官連携推進会議",
                    f"{name}地域 農商工連携推進連絡会議",
                    f"{city}地域 支援機関連携会議",
                )
            )
            item.organizers = self.organizers(rng, block, rng.randint(1, 2))
            item.participants = rng.randint(10, 35)
            item.visibility = "members" if rng.random() < 0.75 else "secretariat"
        self.add(rng, item, advance=rng.random() < 0.7)

    def seminars(self) -> None:
        for fy, city, block, venue, month, day in SEMINARS:
            rng = random.Random(f"2007:seminar:{fy}:{city}")
            on = _business_day(_fy_day(fy, month, day))
            item = PlannedActivity(
                key=f"seminar:{fy}:{city}",
                block=block,
                category="exhibition",
                title=f"地域クラスターセミナー in {city}",
                starts_at=_at(on, time(13, 0)),
                ends_at=_at(on, time(17, 30)),
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
                day = _business_day(_fy_day(fy, month, rng.randint(3, 25)))
                item = PlannedActivity(
                    key=f"hq:{fy}:{kind}:{numbers[kind]}",
                    block=None,
                    category="council",
                    kind=kind,
                    title=f"{fiscal_year_label(fy)} {titles[kind]}(第{numbers[kind]}回)",
                    starts_at=_at(day, time(10, 0)),
                    ends_at=_at(day, time(12, 0)),
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
                day = _business_day(month_start + timedelta(days=3 + i * 6))
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
