"""Benchmark of the fiscal-year tables: HTML report, .csv, .xlsx and the API report.

Fills a database with 100,000 activities over 20 fiscal years (bulk insert, no ORM objects),
then times each report beside a bare Flask endpoint of the same app in the same run, through
the same signed-in test client (so both pay for the session lookup and the response hooks).
Prints medians, ratios, SQL statement counts and the peak memory of the xlsx export.

    .venv/bin/python bench/reports.py                       # a fresh SQLite file in /tmp
    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A PostgreSQL database must be empty (or filled by an earlier run: pass --reuse). Nothing here
touches instance/.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, timedelta
from pathlib import Path

# bench/http.py would shadow the standard library's http package: this folder leaves sys.path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from council import create_app, fiscal  # noqa: E402
from council.extensions import db  # noqa: E402

PASSWORD = "bench-password-123"
FIRST_FY = 2005
CHUNK = 5000

# Rough shape of real data: most activities are held, a few HQ meetings.
STATUSES = (("held", 40), ("planned", 30), ("cancelled", 10), ("postponed", 20))
VISIBILITIES = (("public", 40), ("members", 50), ("secretariat", 10))
CATEGORY_WEIGHTS = {
    "council": 12,
    "results": 8,
    "exhibition": 10,
    "briefing": 20,
    "info": 18,
    "publication": 6,
    "website": 4,
    "training": 10,
    "liaison": 12,
}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def fill(n_activities: int, n_years: int, seed: int = 2007) -> None:
    """Bulk-insert `n_activities` activities spread over `n_years` fiscal years from 2005,
    with co-organisers and participating agencies, straight through Core inserts."""
    from council.activities.models import (
        Activity,
        Category,
        activity_organizers,
        activity_participants,
    )
    from council.directory.models import Agency, Block

    rng = random.Random(seed)
    blocks = db.session.execute(sa.select(Block.id, Block.name)).all()
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    agencies = list(db.session.scalars(sa.select(Agency.id)))
    creator = db.session.scalar(sa.text("SELECT id FROM users ORDER BY id LIMIT 1"))
    table = Activity.__table__
    next_id = (db.session.scalar(sa.select(sa.func.max(Activity.id))) or 0) + 1
    per_year = n_activities // n_years
    activities, organizers, participants = [], [], []

    def flush():
        if activities:
            db.session.execute(sa.insert(table), activities)
        if organizers:
            db.session.execute(sa.insert(activity_organizers), organizers)
        if participants:
            db.session.execute(sa.insert(activity_participants), participants)
        activities.clear()
        organizers.clear()
        participants.clear()

    for y in range(n_years):
        year = FIRST_FY + y
        start = fiscal.fiscal_year_start(year)
        for _ in range(per_year):
            hq = rng.random() < 0.01
            code = "council" if hq else _weighted(rng, CATEGORY_WEIGHTS.items())
            category = categories[code]
            starts = start + timedelta(days=rng.randrange(365), hours=rng.randrange(9, 18))
            all_day = category.is_date_only
            if all_day:
                starts = fiscal.jst_datetime(fiscal.to_jst(starts).date())
            status = _weighted(rng, STATUSES)
            block_id, block_name = (None, "本府省") if hq else rng.choice(blocks)
            original = None
            if status == "postponed":
                original = starts - timedelta(days=rng.randrange(10, 120))
            created = min(starts, start + timedelta(days=rng.randrange(-90, 200)))
            kind = (
                rng.choice(("wg", "pt", "tf")) if hq else ("council" if code == "council" else None)
            )
            activities.append(
                {
                    "id": next_id,
                    "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "block_id": block_id,
                    "category_id": category.id,
                    "kind": kind,
                    "title": f"{block_name}{category.short_name} 第{next_id}回",
                    "starts_at": starts,
                    "ends_at": None if all_day else starts + timedelta(hours=2),
                    "is_all_day": all_day,
                    "fiscal_year": fiscal.fiscal_year_of(starts),
                    "venue": f"{block_name}合同庁舎 第{rng.randrange(1, 9)}会議室",
                    "status": status,
                    "visibility": _weighted(rng, VISIBILITIES),
                    "participants": rng.randrange(5, 200) if status == "held" else None,
                    "description": "",
                    "status_reason": "",
                    "original_starts_at": original,
                    "original_is_all_day": all_day if original else None,
                    "is_new_date_pending": False,
                    "sequence": 0,
                    "version": 1,
                    "created_at": created.astimezone(UTC),
                    "updated_at": created.astimezone(UTC),
                    "created_by_id": creator,
                    "updated_by_id": creator,
                    "deleted_at": None,
                    "ics_cache": None,
                }
            )
            for agency_id in rng.sample(agencies, rng.randrange(1, 4)):
                organizers.append({"activity_id": next_id, "agency_id": agency_id})
            for agency_id in rng.sample(agencies, rng.randrange(2, 6)):
                participants.append({"activity_id": next_id, "agency_id": agency_id})
            next_id += 1
            if len(activities) >= CHUNK:
                flush()
    flush()
    db.session.commit()


def _prepare(database_url: str | None, n: int, years: int, reuse: bool):
    workdir = Path(tempfile.mkdtemp(prefix="council-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_FAST": True,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
        }
    )
    # The reference point: the same app, the same hooks, no work.
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        from council.accounts.models import User
        from council.accounts.services import create_user
        from council.activities.models import Activity
        from council.seed import seed_all

        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
        if existing and not reuse:
            sys.exit(
                f"the database already holds {existing} activities: pass --reuse or an empty one"
            )
        seed_all()
        if db.session.scalar(sa.select(User).where(User.email == "bench-hq@example.test")) is None:
            create_user(
                email="bench-hq@example.test",
                name="bench hq",
                role="hq",
                password=PASSWORD,
            )
        db.session.commit()
        if not existing:
            began = time.perf_counter()
            fill(n, years)
            print(
                f"filled {n:,} activities over {years} fiscal years in "
                f"{time.perf_counter() - began:.1f} s ({url.split(':')[0]})"
            )
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    return app


class QueryCounter:
    def __init__(self, engine):
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.n += 1


def _measure(client, targets, runs: int, counter: QueryCounter):
    """Median latency, statement count and size per URL. The runs go round-robin over the
    URLs, so that a busy moment of the machine weighs on every endpoint alike."""
    queries, sizes, samples = {}, {}, {url: [] for _, url in targets}
    for _, url in targets:
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        counter.n = 0
        sizes[url] = len(client.get(url).get_data())
        queries[url] = counter.n
    cpu = {url: [] for _, url in targets}
    for _ in range(runs):
        for _, url in targets:
            began, began_cpu = time.perf_counter(), time.process_time()
            client.get(url).get_data()
            samples[url].append(time.perf_counter() - began)
            cpu[url].append(time.process_time() - began_cpu)
    return [
        (
            label,
            statistics.median(samples[url]),
            statistics.median(cpu[url]),
            queries[url],
            sizes[url],
        )
        for label, url in targets
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in /tmp")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--year", type=int, default=2014, help="the fiscal year to report")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="use an already filled database")
    args = parser.parse_args(argv)

    app = _prepare(args.database_url, args.activities, args.years, args.reuse)
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-hq@example.test", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        from council.activities.models import Activity

        in_year = db.session.scalar(
            sa.select(sa.func.count()).where(Activity.fiscal_year == args.year)
        )
        held = db.session.scalar(
            sa.select(sa.func.count()).where(
                Activity.fiscal_year == args.year,
                Activity.status == "held",
                Activity.block_id.is_not(None),
            )
        )
        counter = QueryCounter(db.engine)
    y = args.year
    targets = [
        ("bare endpoint", "/_bench/bare"),
        (f"HTML report FY{y}", f"/reports/fy/{y}"),
        (f"CSV matrix FY{y}", f"/reports/fy/{y}.csv"),
        (f"CSV detail FY{y}", f"/reports/fy/{y}.csv?part=detail"),
        (f"XLSX FY{y}", f"/reports/fy/{y}.xlsx"),
        (f"API report FY{y}", f"/api/v1/reports/fy/{y}"),
        (
            f"multi-year {FIRST_FY}-{FIRST_FY + args.years - 1}",
            f"/reports/fy/{FIRST_FY}-{FIRST_FY + args.years - 1}",
        ),
    ]
    print(
        f"FY{y}: {in_year:,} activities, {held:,} held in blocks (detail rows); "
        f"{args.runs} runs each, median"
    )
    results = _measure(client, targets, args.runs, counter)
    bare, bare_cpu = results[0][1], results[0][2]
    print(
        f"{'endpoint':<26}{'median':>11}{'× bare':>9}{'CPU':>11}{'× bare':>9}"
        f"{'queries':>9}{'bytes':>10}"
    )
    for label, median, cpu, queries, size in results:
        print(
            f"{label:<26}{median * 1000:>8.2f} ms{median / bare:>8.1f}×"
            f"{cpu * 1000:>8.2f} ms{cpu / bare_cpu:>8.1f}×{queries:>9}{size:>10,}"
        )
    print(
        "(medians of the wall-clock time and of this process's CPU time per request; "
        "other processes on a shared machine inflate the first, hardly the second)"
    )

    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(f"/reports/fy/{y}.xlsx")
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    print(
        f"xlsx export peak memory (tracemalloc, whole request): {peak / 1e6:.1f} MB "
        f"({elapsed * 1000:.0f} ms while traced)"
    )
    html = next(r for r in results if r[0].startswith("HTML"))
    xlsx = next(r for r in results if r[0].startswith("XLSX"))
    verdict = {True: "met", False: "MISSED"}
    print(
        f"targets: HTML ≤ 30× bare: {verdict[html[1] / bare <= 30]} ({html[1] / bare:.1f}× wall, "
        f"{html[2] / bare_cpu:.1f}× CPU); HTML ≤ 6 queries: {verdict[html[3] <= 6]} ({html[3]}); "
        f"xlsx < 1 s: {verdict[xlsx[1] < 1]} ({xlsx[1] * 1000:.0f} ms wall, "
        f"{xlsx[2] * 1000:.0f} ms CPU); xlsx < 200 MB: {verdict[peak < 200e6]} "
        f"({peak / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
