"""Access statistics: no cookie, no IP stored, buffered writes, visits and page views right
with two worker processes, crawlers counted apart."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from council import fiscal
from council.extensions import db
from council.portal.models import PortalHit
from council.portal.stats import report
from council.portal.stats.buffer import flush_app, get_buffer
from tests.portal import factories as f

ROOT = Path(__file__).resolve().parents[2]


def test_no_portal_response_sets_a_cookie(seeded, client):
    m = f.measure()
    urls = [
        "/",
        "/portal/",
        "/portal/search?q=燃料電池",
        "/portal/search?q=燃料電池 九州",
        f"/portal/measures/{m.id}",
        "/portal/measures/999999",
        "/portal/news.atom",
        "/portal/calls.atom",
        "/sitemap.xml",
        "/api/v1/portal/search?q=x",
    ]
    for url in urls:
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
    assert client.get_cookie("session") is None


def test_views_are_buffered_not_written_on_the_request_path(seeded, client):
    m = f.measure()
    for url in (
        "/",
        f"/portal/measures/{m.id}",
        "/portal/search?q=存在しない言葉",
        "/portal/measures/999999",
        "/portal/news.atom",
    ):
        client.get(
            url,
            headers={"User-Agent": "Mozilla/5.0 test"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PortalHit)) == 0
    db.session.commit()  # SQLite: the test's own read transaction holds the write lock
    assert flush_app(seeded) == 3  # the 404 and the feed are not page views
    hits = db.session.scalars(sa.select(PortalHit).order_by(PortalHit.id)).all()
    assert [(h.page, h.record_id) for h in hits] == [
        ("top", None),
        ("measure", m.id),
        ("search", None),
    ]
    assert (hits[2].query, hits[2].results) == ("存在しない言葉", 0)
    assert len({h.visitor for h in hits}) == 1
    stored = " ".join(str(v) for h in hits for v in (h.visitor, h.page, h.query))
    assert "203.0.113.7" not in stored and "Mozilla" not in stored


def test_the_visitor_key_changes_every_day(seeded):
    buffer = get_buffer(seeded)
    day = datetime(2007, 11, 28).date()
    assert buffer.visitor("1.2.3.4", "UA", day) == buffer.visitor("1.2.3.4", "UA", day)
    assert buffer.visitor("1.2.3.4", "UA", day) != buffer.visitor(
        "1.2.3.4", "UA", day + timedelta(days=1)
    )
    assert buffer.visitor("1.2.3.4", "UA", day) != buffer.visitor("1.2.3.5", "UA", day)


def _hit(at, visitor="a", page="top", crawler=False, record_id=None, query=None, results=None):
    return {
        "at": at,
        "visitor": visitor,
        "page": page,
        "is_crawler": crawler,
        "record_id": record_id,
        "query": query,
        "results": results,
    }


def test_visits_are_runs_with_gaps_under_30_minutes(seeded):
    t = datetime(2007, 11, 28, 1, 0, tzinfo=UTC)  # 10:00 JST
    rows = [
        _hit(t),
        _hit(t + timedelta(minutes=29)),
        _hit(t + timedelta(minutes=58)),  # one visit
        _hit(t + timedelta(minutes=88)),  # 30 minutes later: a new visit
        _hit(t, visitor="b"),
        _hit(t + timedelta(minutes=1), visitor="b"),
        _hit(t, visitor="bot", crawler=True),
        _hit(t, visitor="bot", crawler=True),
        _hit(datetime(2006, 11, 5, 3, tzinfo=UTC), visitor="c"),  # the previous year
        _hit(datetime(2008, 3, 31, 15, 30, tzinfo=UTC), visitor="d"),  # 1 April 00:30 JST: FY2008
    ]
    db.session.execute(sa.insert(PortalHit), rows)
    db.session.commit()
    months = {m.month: m for m in report.monthly(2007)}
    assert (months[11].visits, months[11].views, months[11].crawler_views) == (3, 6, 2)
    assert sum(m.views for m in months.values()) == 6
    assert {m.month: m.views for m in report.monthly(2006) if m.views} == {11: 1}


def test_hq_sees_the_table_and_chart_beside_the_previous_year(
    app, make_user, client, login_as, kinki_secretariat
):
    m = f.measure("燃料電池 実用化助成")
    t = datetime(2007, 11, 28, 1, tzinfo=UTC)
    db.session.execute(
        sa.insert(PortalHit),
        [
            _hit(t, page="measure", record_id=m.id),
            _hit(t, visitor="z", page="measure", record_id=m.id),
            _hit(t, page="search", query="宇宙エレベーター", results=0),
            _hit(datetime(2006, 11, 28, 1, tzinfo=UTC), visitor="old"),
        ],
    )
    db.session.commit()
    login_as(kinki_secretariat)
    assert client.get("/portal/manage/stats/?fy=2007").status_code == 403
    hq = login_as(make_user(role="hq"), c=app.test_client())
    page = hq.get("/portal/manage/stats/?fy=2007").get_data(as_text=True)
    assert "平成19年度" in page and "平成18年度" in page
    row = page.split('data-month="11"')[1].split("</tr>")[0]
    assert [c.split("<")[0] for c in row.split('class="num">')[1:]] == ["2", "1", "3", "1", "0"]
    assert '<svg id="chart-views"' in page and '<svg id="chart-visits"' in page
    assert "燃料電池 実用化助成" in page and "宇宙エレベーター" in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path(sys.prefix, "bin", "gunicorn").exists(), reason="gunicorn missing")
def test_counts_match_the_views_made_against_two_worker_processes(seeded, tmp_path):
    measure_id = f.measure().id
    uri = seeded.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": uri,
        "SECRET_KEY": "stats-test",
        "COUNCIL_INSTANCE": str(tmp_path),
    }
    env.pop("COUNCIL_VISITOR_SEED", None)
    server = subprocess.Popen(
        [
            str(Path(sys.prefix, "bin", "gunicorn")),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                # A feed is not a page view: waiting for the server counts nothing.
                with urllib.request.urlopen(base + "/portal/news.atom", timeout=5) as response:
                    response.read()
                break
            except OSError:
                time.sleep(0.2)

        def get(args):
            url, agent = args
            request = urllib.request.Request(
                base + url, headers={"User-Agent": agent, "Connection": "close"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                return response.headers.get("Set-Cookie")

        people = [f"Mozilla/5.0 visitor-{i}" for i in range(5)]
        calls = [
            (u, a)
            for a in people
            for u in (
                "/",
                "/portal/search?q=%E7%87%83%E6%96%99",
                f"/portal/measures/{measure_id}",
                "/portal/",
            )
        ] * 3
        calls += [("/portal/", "Googlebot/2.1 (+http://www.google.com/bot.html)")] * 7
        with ThreadPoolExecutor(8) as pool:
            cookies = list(pool.map(get, calls))
        assert cookies == [None] * len(calls)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    year = fiscal.current_fiscal_year()
    month = fiscal.to_jst(datetime.now(UTC)).month
    counted = {m_.month: m_ for m_ in report.monthly(year)}[month]
    # 60 views by five people (one visit each, whichever worker served them), 7 by a crawler.
    assert counted.views == 60
    assert counted.visits == 5
    assert counted.crawler_views == 7
