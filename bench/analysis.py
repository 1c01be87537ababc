"""Benchmark of the analysis: the collaboration network of a large region and the funding
survey page's figures.

Fills a database with a cluster region of 1,200 organisations (companies in 静岡, the 浜松
region) that co-organise 1,000 activities in groups of five, mostly inside forty
communities of thirty (≥ 5,000 distinct edges), with 20,000 funding records over five
fiscal years, and with 5,000 adopted research themes over the same years (a lead and one to
four participants each; a tenth of them among the 浜松 companies, the rest spread over every
prefecture; three in five with a budget, so the survey derives funding from them, and one in
fifty without a research field, so the survey lists it as not counted). Times: the region's network computed from the database (query, graph, metrics,
drawing) and the metrics alone (target < 2 s), the same request again (served from the
cache, no computation), and the funding survey's figures with their SQL statement count.
Prints the peak memory (tracemalloc peak of the computation, and the process's max RSS).

    .venv/bin/python bench/analysis.py                  # a fresh SQLite file in /tmp
    .venv/bin/python bench/analysis.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A PostgreSQL database must be empty (its schema is built here). bench/http.py reuses
fill_analysis() for its funding and network rows.
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# bench/http.py shadows the standard library's http package: this folder leaves sys.path.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(BENCH.parent))

import sqlalchemy as sa  # noqa: E402

from council import create_app, fiscal  # noqa: E402
from council.extensions import db  # noqa: E402

REGION = "hamamatsu"
PREFECTURE = 22  # 静岡県, the 浜松 cluster region, in 関東
ORGANISATIONS = 1200
COMMUNITY = 30
ACTIVITIES = 1000
FUNDING_RECORDS = 20_000
FUNDING_YEARS = (2005, 2006, 2007, 2008, 2009)
THEMES = 5000
THEME_ORGANISATIONS = 10  # per prefecture, besides the 浜松 companies
TARGET_SECONDS = 2.0


def fill_analysis(seed: int = 2006) -> None:
    """Bulk-insert the large region's organisations and activities and the funding records
    (skipped when the bench organisations already exist)."""
    from council.activities.models import Activity, Category, activity_organizers
    from council.analysis.funding.models import FundingRecord
    from council.directory.models import Agency, Block, Ministry
    from council.reference.models import ResearchField

    if db.session.scalar(sa.select(Agency.id).where(Agency.name == "ベンチ企業0000")):
        fill_themes(seed)  # a database filled before the themes gains them
        return
    rng = random.Random(seed)
    now = datetime.now(UTC)
    db.session.execute(
        sa.insert(Agency.__table__),
        [
            {"name": f"ベンチ企業{i:04d}", "kind": "company", "prefecture_id": PREFECTURE,
             "city": "浜松市", "is_active": True, "created_at": now, "updated_at": now}
            for i in range(ORGANISATIONS)
        ],
    )  # fmt: skip
    ids = list(
        db.session.scalars(
            sa.select(Agency.id).where(Agency.name.like("ベンチ企業%")).order_by(Agency.id)
        )
    )
    kanto = db.session.scalar(sa.select(Block.id).where(Block.code == "kanto"))
    category = db.session.scalar(sa.select(Category.id).where(Category.code == "liaison"))
    next_id = (db.session.scalar(sa.select(sa.func.max(Activity.id))) or 0) + 1
    rows, links = [], []
    communities = [ids[i : i + COMMUNITY] for i in range(0, len(ids), COMMUNITY)]
    for n in range(ACTIVITIES):
        home = communities[n % len(communities)]
        group = set(rng.sample(home, 5))
        while rng.random() < 0.35:  # some reach into other communities
            group.discard(rng.choice(sorted(group)))
            group.add(rng.choice(ids))
        starts = fiscal.jst_datetime(date(2007, 4, 1) + timedelta(days=rng.randrange(365)))
        rows.append(
            {"id": next_id, "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
             "block_id": kanto, "category_id": category, "title": f"浜松光技術連携会議 第{n + 1}回",
             "starts_at": starts, "fiscal_year": 2007, "is_all_day": True, "venue": "浜松",
             "status": "held", "visibility": "members", "description": "", "status_reason": "",
             "is_new_date_pending": False, "sequence": 0, "version": 1,
             "created_at": now, "updated_at": now}
        )  # fmt: skip
        links += [{"activity_id": next_id, "agency_id": a} for a in sorted(group)]
        next_id += 1
    db.session.execute(sa.insert(Activity.__table__), rows)
    db.session.execute(sa.insert(activity_organizers), links)

    blocks = list(db.session.scalars(sa.select(Block.id)))
    fields = list(db.session.scalars(sa.select(ResearchField.id)))
    ministries = list(db.session.scalars(sa.select(Ministry.id)))
    records = []
    for i in range(FUNDING_RECORDS):
        records.append(
            {"fiscal_year": FUNDING_YEARS[i % len(FUNDING_YEARS)],
             "kind": "large" if i % 10 == 0 else "grant", "ministry_id": rng.choice(ministries),
             "block_id": rng.choice(blocks), "field_id": rng.choice(fields),
             "title": f"ベンチ案件{i:05d}", "amount_tenths": rng.randrange(10, 50_000),
             "source": "import", "created_at": now, "updated_at": now}
        )  # fmt: skip
    for i in range(0, len(records), 5000):
        db.session.execute(sa.insert(FundingRecord.__table__), records[i : i + 5000])
    db.session.commit()
    fill_themes(seed)


def _theme_organisations(now) -> dict[int, list[int]]:
    """Organisation ids by prefecture: ten bench bodies in each, and the 浜松 companies."""
    from council.directory.models import Agency
    from council.reference.models import Prefecture

    prefectures = list(db.session.scalars(sa.select(Prefecture.id).order_by(Prefecture.id)))
    kinds = ("company", "university", "public_lab")
    db.session.execute(
        sa.insert(Agency.__table__),
        [
            {"name": f"ベンチ機関{p:02d}-{i:02d}", "kind": kinds[i % 3], "prefecture_id": p,
             "city": "", "is_active": True, "created_at": now, "updated_at": now}
            for p in prefectures
            for i in range(THEME_ORGANISATIONS)
        ],
    )  # fmt: skip
    by_prefecture: dict[int, list[int]] = {}
    for agency_id, prefecture_id in db.session.execute(
        sa.select(Agency.id, Agency.prefecture_id)
        .where(Agency.name.like("ベンチ機関%"))
        .order_by(Agency.id)
    ):
        by_prefecture.setdefault(prefecture_id, []).append(agency_id)
    return by_prefecture


def fill_themes(seed: int = 2006) -> None:
    """Bulk-insert the 5,000 adopted themes and their participants (skipped when there)."""
    from council.directory.models import Agency
    from council.measures.models import Measure
    from council.portal.models.registers import Theme, theme_participants
    from council.reference.models import Prefecture, ResearchField

    if db.session.scalar(sa.select(Theme.id).where(Theme.title == "ベンチ研究テーマ00000")):
        return
    rng = random.Random(seed + 1)
    now = datetime.now(UTC)
    by_prefecture = _theme_organisations(now)
    companies = list(
        db.session.scalars(
            sa.select(Agency.id).where(Agency.name.like("ベンチ企業%")).order_by(Agency.id)
        )
    )
    block_of = dict(db.session.execute(sa.select(Prefecture.id, Prefecture.block_id)).all())
    fields = list(db.session.scalars(sa.select(ResearchField.id).order_by(ResearchField.id)))
    measures = list(db.session.execute(sa.select(Measure.id, Measure.name).order_by(Measure.id)))
    prefectures = sorted(by_prefecture)
    rows, members = [], []
    for i in range(THEMES):
        in_region = rng.random() < 0.1
        prefecture = PREFECTURE if in_region else rng.choice(prefectures)
        pool = companies if in_region else by_prefecture[prefecture]
        group = rng.sample(pool, rng.randint(2, 5))
        measure_id, measure_name = rng.choice(measures)
        rows.append(
            {"programme": measure_name, "measure_id": measure_id,
             "fiscal_year": FUNDING_YEARS[i % len(FUNDING_YEARS)],
             "title": f"ベンチ研究テーマ{i:05d}", "lead_agency_id": group[0],
             "field_id": None if i % 250 == 7 else rng.choice(fields),
             "block_id": block_of[prefecture], "status": "published",
             "budget": rng.randrange(5_000, 300_000) if rng.random() < 0.6 else None,
             "summary": "", "created_at": now, "updated_at": now}
        )  # fmt: skip
        members.append(group[1:])
    for i in range(0, len(rows), 1000):
        db.session.execute(sa.insert(Theme.__table__), rows[i : i + 1000])
    ids = dict(
        db.session.execute(
            sa.select(Theme.title, Theme.id).where(Theme.title.like("ベンチ研究テーマ%"))
        ).all()
    )
    links = [
        {"theme_id": ids[row["title"]], "agency_id": a}
        for row, group in zip(rows, members, strict=True)
        for a in group
    ]
    for i in range(0, len(links), 5000):
        db.session.execute(sa.insert(theme_participants), links[i : i + 5000])
    db.session.commit()


def _timed(fn, repeat=1):
    """(result, median wall seconds, median CPU seconds of this process)."""
    walls, cpus = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - began_cpu)
    return result, statistics.median(walls), statistics.median(cpus)


def _peak(fn) -> float:
    """Peak traced memory (MiB) of one call; measured apart, as tracing slows Python."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    options = parser.parse_args()
    tmp = None
    url = options.database_url
    if not url:
        tmp = Path(tempfile.mkdtemp(prefix="council-bench-analysis-"))
        url = f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    try:
        with app.app_context():
            from flask_migrate import upgrade

            from council.analysis.funding import queries as funding
            from council.analysis.network import graph, service, sources
            from council.seed import seed_all

            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            seed_all()
            began = time.perf_counter()
            fill_analysis()
            print(f"filled in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})")

            region = service.find_region(REGION)
            found, agencies = sources.collaborations(region, 2007, 2007)
            g = graph.build_graph(found, agencies)
            metrics, seconds, cpu = _timed(lambda: graph.compute(g), repeat=3)
            again = graph.compute(g)
            assert again.communities == metrics.communities, "communities not deterministic"
            metrics_peak = _peak(lambda: graph.compute(g))
            computed, full_seconds, full_cpu = _timed(
                lambda: service._compute(region, 2007, 2007, "")
            )
            full_peak = _peak(lambda: service._compute(region, 2007, 2007, ""))
            service.result(region, 2007, 2007)
            before = service.stats["computed"]
            _, cached, cached_cpu = _timed(lambda: service.result(region, 2007, 2007), repeat=20)
            assert service.stats["computed"] == before, "the cached call computed again"

            counter = {"n": 0}

            def count(*args):
                counter["n"] += 1

            sa.event.listen(db.engine, "before_cursor_execute", count)
            figures, funding_seconds, funding_cpu = _timed(
                lambda: funding.year_figures(2007), repeat=5
            )
            sa.event.remove(db.engine, "before_cursor_execute", count)
            m = computed.metrics_obj
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times "
                  "stretch under load; CPU times are this process's own)")  # fmt: skip
            print(
                f"region {REGION}: {m.nodes:,} nodes, {m.edges:,} edges, density {m.density:.4f}, "
                f"{len(m.communities)} communities, modularity {m.modularity:.3f}, "
                f"path length {m.average_path_length:.3f}, clustering {m.clustering:.3f}"
            )
            verdict = "ok" if seconds < TARGET_SECONDS else "MISSED"
            print(f"metrics: {seconds:.3f} s wall, {cpu:.3f} s CPU (target < {TARGET_SECONDS:g} s: "
                  f"{verdict}); peak {metrics_peak:.1f} MiB traced")  # fmt: skip
            verdict = "ok" if full_seconds < TARGET_SECONDS else "MISSED"
            print(f"from the database (query, graph, metrics, drawing): {full_seconds:.3f} s wall, "
                  f"{full_cpu:.3f} s CPU ({verdict}); peak {full_peak:.1f} MiB traced; "
                  f"drawing {len(computed.drawing) / 1024:.0f} KiB")  # fmt: skip
            print(f"cached request: {cached * 1000:.2f} ms wall, {cached_cpu * 1000:.2f} ms CPU "
                  "(median of 20, no computation)")  # fmt: skip
            print(f"funding survey FY2007 ({figures.record_count:,} records, "
                  f"{figures.derived_count:,} themes' budgets, {len(figures.uncounted)} themes "
                  f"not counted): {funding_seconds * 1000:.1f} ms wall, "
                  f"{funding_cpu * 1000:.1f} ms CPU, {counter['n'] // 5} SQL statements")  # fmt: skip
            print(
                f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
            )
            db.engine.dispose()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
