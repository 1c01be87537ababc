"""Benchmark of the calendars: the public iCalendar feed, a personal feed, a 304 answer and the
HTML month page, beside a bare Flask endpoint of the same app, in the same run.

Fills a database with 100,000 activities (bulk insert, no ORM objects) spread from FY2005 to
two years ahead of today, so that the feed window (one year back, two years ahead) holds a
realistic share of them. Every request goes through the Flask test client of the same app, so
each one pays for the same hooks as the bare endpoint. Prints medians, the ratios to the bare
endpoint and to icalendar building the same events from scratch, and the SQL statements each
request ran.

    .venv/bin/python bench/feeds.py                 # a fresh SQLite file in /tmp
    .venv/bin/python bench/feeds.py --activities 20000 --repeat 15
    .venv/bin/python bench/feeds.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A PostgreSQL database must be empty (its schema is built here). Nothing touches instance/.
"""

import argparse
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, timedelta
from pathlib import Path

# bench/http.py would shadow the standard library's http package: this folder leaves sys.path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from council import create_app, fiscal  # noqa: E402
from council.extensions import db  # noqa: E402

PASSWORD = "bench-password-123"
FIRST_DAY = date(2005, 4, 1)
CHUNK = 5000
STATUSES_PAST = (("held", 85), ("cancelled", 10), ("postponed", 5))
STATUSES_FUTURE = (("planned", 90), ("cancelled", 5), ("postponed", 5))
VISIBILITIES = (("public", 40), ("members", 45), ("secretariat", 15))
TARGETS = {"not_modified": 3.0, "month": 20.0, "feed_vs_scratch": 0.5}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def fill(n: int, today: date, seed: int = 2007) -> None:
    """Bulk-insert n activities between FY2005 and two years after today."""
    from council.activities.models import Activity, Category, activity_organizers
    from council.directory.models import Agency, Block

    rng = random.Random(seed)
    blocks = db.session.execute(sa.select(Block.id, Block.name)).all()
    categories = list(db.session.scalars(sa.select(Category)))
    agencies = list(db.session.scalars(sa.select(Agency.id)))
    span = (today + timedelta(days=730) - FIRST_DAY).days
    now = fiscal.jst_datetime(today).astimezone(UTC)
    next_id = (db.session.scalar(sa.select(sa.func.max(Activity.id))) or 0) + 1
    rows, organizers = [], []
    for _ in range(n):
        hq = rng.random() < 0.02
        category = categories[0] if hq else rng.choice(categories)
        block_id, block_name = (None, "本府省") if hq else rng.choice(blocks)
        day = FIRST_DAY + timedelta(days=rng.randrange(span))
        all_day = category.is_date_only
        starts = fiscal.jst_datetime(day) + (
            timedelta(0) if all_day else timedelta(hours=rng.randrange(9, 18))
        )
        past = starts < now
        created = min(starts - timedelta(days=rng.randrange(1, 90)), now - timedelta(days=1))
        rows.append(
            {
                "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "block_id": block_id,
                "category_id": category.id,
                "kind": rng.choice(("wg", "pt", "tf"))
                if hq
                else ("council" if category.code == "council" else None),
                "title": f"{block_name}{category.short_name} 産学官連携推進会議",
                "starts_at": starts,
                "ends_at": None if all_day else starts + timedelta(hours=2),
                "is_all_day": all_day,
                "fiscal_year": fiscal.fiscal_year_of(starts),
                "venue": f"{block_name}合同庁舎 第{rng.randrange(1, 9)}会議室",
                "status": _weighted(rng, STATUSES_PAST if past else STATUSES_FUTURE),
                "visibility": _weighted(rng, VISIBILITIES),
                "participants": None,
                "description": "議題: 地域の産学官連携の取組について。資料は当日配布します。",
                "status_reason": "",
                "is_new_date_pending": False,
                "sequence": 0,
                "version": 1,
                "created_at": created.astimezone(UTC),
                "updated_at": created.astimezone(UTC),
                "deleted_at": None,
                "ics_cache": None,
            }
        )
    # Rows go in in the order they were logged, as a real database fills: the table's physical
    # order then follows time roughly, as it does in production.
    rows.sort(key=lambda r: r["created_at"])
    for row in rows:
        row["id"] = next_id
        row["title"] = f"{row['title']} 第{next_id}回"
        if rng.random() < 0.3:
            organizers.append({"activity_id": next_id, "agency_id": rng.choice(agencies)})
        next_id += 1
    for i in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(Activity.__table__), rows[i : i + CHUNK])
    if organizers:
        db.session.execute(sa.insert(activity_organizers), organizers)
    db.session.commit()


class Counter:
    def __init__(self, engine):
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.n += 1


def _block(fn, n: int, counter: Counter) -> tuple[list[float], list[int]]:
    gc.collect()
    fn()  # warm-up, not counted
    times, counts = [], []
    for _ in range(n):
        before = counter.n
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
        counts.append(counter.n - before)
    return times, counts


def measure(requests: dict, repeat: int, counter: Counter, rounds: int = 5) -> dict:
    """Median time and SQL statements of each request, and the median of the bare endpoint
    timed in a block right before it: a ratio then compares figures taken moments apart,
    which a shared, busy machine needs. The blocks come round `rounds` times."""
    times = {name: [] for name in requests}
    bare_times = {name: [] for name in requests}
    counts = {name: [] for name in requests}
    per_round = max(1, repeat // rounds)
    for _ in range(rounds):
        for name, (fn, bare) in requests.items():
            bare_times[name] += _block(bare, per_round, counter)[0]
            block_times, block_counts = _block(fn, per_round, counter)
            times[name] += block_times
            counts[name] += block_counts
    return {
        name: {
            "median": statistics.median(times[name]),
            "bare": statistics.median(bare_times[name]),
            "queries": max(counts[name]),
        }
        for name in requests
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=75)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--keep", action="store_true", help="keep the SQLite file (its path is printed)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database that an earlier run (--keep or --database-url) filled",
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="council-bench-feeds-"))
    url = options.database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_FAST": True,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
        }
    )
    # The reference point: the same app, the same request hooks, no work.
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")

    from flask_migrate import upgrade

    from council import ical
    from council.accounts.services import create_user
    from council.calendars import feeds
    from council.calendars.services import regenerate_feed_token
    from council.calendars.views import today_in_japan
    from council.directory.models import Agency
    from council.seed import seed_all

    today = today_in_japan()
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        from council.accounts.models import User
        from council.activities.models import Activity

        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
        if existing and not options.reuse:
            sys.exit(f"the database already holds {existing:,} activities: pass --reuse")
        seed_all()
        member = db.session.scalar(
            sa.select(User).where(User.email == "bench-member@example.test")
        ) or create_user(
            email="bench-member@example.test",
            name="bench member",
            role="member",
            password=PASSWORD,
            agency_id=db.session.scalar(
                sa.select(Agency.id).where(Agency.name == "関東総合通信局")
            ),
        )
        token = regenerate_feed_token(member)
        db.session.commit()
        if not existing:
            began = time.perf_counter()
            fill(options.activities, today)
            print(
                f"filled {options.activities:,} activities in {time.perf_counter() - began:.1f} s"
            )
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
        print(
            f"{total:,} activities ({url.split(':')[0]}); feed window "
            f"{app.config['FEED_WINDOW_DAYS_BACK']} days back, "
            f"{app.config['FEED_WINDOW_DAYS_AHEAD']} days ahead"
        )
        if url.startswith("postgresql"):
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        counter = Counter(db.engine)

    anonymous = app.test_client()
    signed_in = app.test_client()
    response = signed_in.post(
        "/login", data={"email": "bench-member@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code

    def get(client, path, expect=200, headers=None):
        def run():
            r = client.get(path, headers=headers or {})
            assert r.status_code == expect, (path, r.status_code)
            return r

        return run

    month_path = f"/calendar?date={today.isoformat()}"
    feed_path = f"/feeds/{token}.ics"
    # A cold cache first: every VEVENT is built once and written back.
    began = time.perf_counter()
    public = get(anonymous, "/calendar.ics")()
    cold_public = time.perf_counter() - began
    began = time.perf_counter()
    personal = get(anonymous, feed_path)()
    cold_personal = time.perf_counter() - began
    public_etag = public.headers["ETag"]
    personal_etag = personal.headers["ETag"]

    bare = get(anonymous, "/_bench/bare")
    bare_signed = get(signed_in, "/_bench/bare")
    requests = {
        "public feed /calendar.ics": (get(anonymous, "/calendar.ics"), bare),
        "public feed, 304": (
            get(anonymous, "/calendar.ics", 304, {"If-None-Match": public_etag}),
            bare,
        ),
        "personal feed /feeds/<token>.ics": (get(anonymous, feed_path), bare),
        "personal feed, 304": (
            get(anonymous, feed_path, 304, {"If-None-Match": personal_etag}),
            bare,
        ),
        "month page (anonymous)": (get(anonymous, month_path), bare),
        "month page (member, signed in)": (get(signed_in, month_path), bare_signed),
    }
    results = measure(requests, options.repeat, counter)

    # icalendar building the very same events of the public feed from scratch.
    with app.test_request_context("/calendar.ics"):
        window = feeds.feed_window(
            today, app.config["FEED_WINDOW_DAYS_BACK"], app.config["FEED_WINDOW_DAYS_AHEAD"]
        )
        clauses = feeds.feed_clauses(None, window)
        rows = db.session.execute(
            feeds._event_query(clauses).order_by(feeds.Activity.starts_at, feeds.Activity.id)
        ).all()
        events = [feeds.event_from_row(row, "http://localhost") for row in rows]
        scratch_times = []
        for _ in range(max(3, options.repeat // 4)):
            began = time.perf_counter()
            scratch = ical.build_calendar("bench", events)
            scratch_times.append(time.perf_counter() - began)
        scratch_median = statistics.median(scratch_times)
        db.session.remove()
    n_public = public.data.count(b"BEGIN:VEVENT")
    n_personal = personal.data.count(b"BEGIN:VEVENT")
    assert scratch.count(b"BEGIN:VEVENT") == n_public

    print(
        f"\npublic feed: {n_public:,} events ({len(public.data) / 1e6:.1f} MB); "
        f"personal feed (member of 関東総合通信局): {n_personal:,} events"
    )
    print(
        f"cold cache (first request builds and stores every VEVENT): public "
        f"{cold_public * 1000:.0f} ms, personal {cold_personal * 1000:.0f} ms\n"
    )
    print(f"{'request':<34} {'median':>10} {'bare, same moments':>19} {'ratio':>7} {'SQL':>4}")
    for name, r in results.items():
        print(
            f"{name:<34} {r['median'] * 1000:>7.2f} ms {r['bare'] * 1000:>16.2f} ms "
            f"{r['median'] / r['bare']:>6.1f}× {r['queries']:>4}"
        )
    print(f"{'icalendar from scratch, same events':<34} {scratch_median * 1000:>7.2f} ms")

    def ratio(name):
        return results[name]["median"] / results[name]["bare"]

    checks = [
        ("public 304 ≤ 3× bare", ratio("public feed, 304"), TARGETS["not_modified"]),
        ("personal 304 ≤ 3× bare", ratio("personal feed, 304"), TARGETS["not_modified"]),
        ("month page ≤ 20× bare (anonymous)", ratio("month page (anonymous)"), TARGETS["month"]),
        (
            "month page ≤ 20× bare (signed in)",
            ratio("month page (member, signed in)"),
            TARGETS["month"],
        ),
        (
            "public feed ≤ 0.5× icalendar from scratch",
            results["public feed /calendar.ics"]["median"] / scratch_median,
            TARGETS["feed_vs_scratch"],
        ),
    ]
    print()
    for label, ratio, target in checks:
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{label:<44} {ratio:>6.2f} (target {target}) {verdict}")
    with app.app_context():
        db.engine.dispose()
    if options.keep:
        print(f"\nkept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
