"""The national events the annual report records, loaded through the Activity CSV.

The file council/data/national_events.csv holds the two 地域クラスターフォーラム, クラスタージャパン2007
(co-hosted with 文部科学省 and 経済産業省) and the nine 地域クラスターセミナー (three a year,
FY2005–FY2007). Its venue column names the host city; after the import each event gets its
host prefecture and the block whose region it is in (a link that never counts for the block),
and from FY2007 the seminars are backed (後援) by headquarters.
"""

import json
from importlib import resources

import sqlalchemy as sa

from council.activities.models import Activity
from council.directory.models import Agency
from council.extensions import db
from council.reference.models import Prefecture

EVENTS_FILE = "national_events.csv"
# Headquarters-level organisations: co-hosts and backers of national events, no council seat
# (kind その他: only branch offices and IAAs carry a ministry).
HQ_ORGANISATIONS = ("内閣府", "文部科学省", "経済産業省")
BACKER = "内閣府"
SEMINAR = "地域クラスターセミナー"
# Headquarters backs the seminar series from this fiscal year (平成19年度).
BACKED_FROM_FY = 2007


def ensure_hq_organisations() -> dict[str, Agency]:
    """The ministries themselves as organisations (kind その他), created once."""
    tokyo = db.session.scalar(sa.select(Prefecture).where(Prefecture.code == "13"))
    out = {}
    for name in HQ_ORGANISATIONS:
        agency = db.session.scalar(sa.select(Agency).where(Agency.name == name))
        if agency is None:
            agency = Agency(
                name=name, kind="other", city="東京", prefecture_id=tokyo.id if tokyo else None
            )
            db.session.add(agency)
        out[name] = agency
    db.session.flush()
    return out


def events_csv() -> bytes:
    return resources.files("council.data").joinpath(EVENTS_FILE).read_bytes()


def city_prefectures() -> dict[str, str]:
    """Host city → JIS prefecture code, from the directory's data file (which the seed also
    reads); read here, since a domain does not import the application's entry points."""
    text = resources.files("council.data").joinpath("directory.json").read_text("utf-8")
    return json.loads(text)["city_prefectures"]


def place_events(activities) -> None:
    """Host city and prefecture from the venue, the region block from the prefecture."""
    codes = city_prefectures()
    prefectures = {p.code: p for p in db.session.scalars(sa.select(Prefecture))}
    for activity in activities:
        prefecture = prefectures.get(codes.get(activity.venue, ""))
        if prefecture is None:
            continue
        activity.host_city = activity.venue
        activity.host_prefecture_id = prefecture.id
        activity.region_block_id = prefecture.block_id


def complete_national_events(organisations: dict[str, Agency]) -> None:
    """After the import: place the events that have no host yet and record headquarters'
    backing of the seminars (idempotent). `organisations`: ensure_hq_organisations()'s answer.
    Flushes, never commits."""
    events = db.session.scalars(
        sa.select(Activity).where(Activity.is_national.is_(True), Activity.deleted_at.is_(None))
    ).all()
    place_events([a for a in events if not a.host_city])
    backer = organisations[BACKER]
    for activity in events:
        if (
            SEMINAR in activity.title
            and activity.fiscal_year >= BACKED_FROM_FY
            and backer not in activity.backers
        ):
            activity.backers.append(backer)
    db.session.flush()
