"""Benchmark through real HTTP: the app and a bare Flask "hello" under identical gunicorn
settings, loaded by wrk, each page right after the bare app, round by round.

Fills (or reuses) a database with the feeds benchmark's 100,000 activities, or with `--demo`
the demo data set; starts `gunicorn wsgi:app` and `gunicorn bench.bare_app:app` (2 sync
workers each) on free local ports; signs in through the real login form where a page needs it
(the cookie goes to wrk as a header); runs `wrk -t2 -c32 -d8s --latency` on the bare app and
then on the page, for every page, `--rounds` times; prints the medians (req/s, p50, p99), the
ratio bare req/s ÷ app req/s, the target and the non-2xx/3xx count; stops both servers by PID.

    .venv/bin/python bench/http.py                      # /tmp/council-bench-http-<checkout>/
    .venv/bin/python bench/http.py --demo               # the demo data (its own SQLite file)
    .venv/bin/python bench/http.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/http.py --only month --rounds 1 --duration 4

A database that already holds activities is reused as it is; `--fresh` refills a SQLite file.
Adding a row: one `Page(...)` in PAGES below.
"""

# This file is named http.py: its folder must leave sys.path before anything imports the
# standard library's http package.
import sys  # noqa: I001
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import http.cookiejar  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

# One folder per checkout: several worktrees on one machine must not share (or refill) it.
WORKDIR = Path(tempfile.gettempdir()) / (
    f"council-bench-http-{ROOT.name}-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]}"
)
PASSWORD = "bench-password-123"
SECRET_KEY = "bench-http-secret"
# Every request (the sign-in, the checks, wrk's load, the bare app's too) says it comes from
# the same client, as a browser does after signing in. Flask-Login's session protection
# compares a hash of the address and the User-Agent with the one taken at sign-in: a client
# that changed it would get its session marked not fresh, a new cookie on that response, and
# wrk, which sends the first cookie again and again, would be measuring that every time.
USER_AGENT = "council-bench-http/1 (wrk)"


@dataclass
class Page:
    name: str
    path: str  # "{year}" is replaced by the reported fiscal year
    role: str | None  # None: anonymous; else a role of LOGINS
    target: float
    kind: str = "ratio"  # "ratio": bare ÷ app ≤ target; "rps": app req/s ≥ target
    status: int = 200
    connections: int | None = None  # None: --connections
    conditional: bool = False  # send If-None-Match with the page's own ETag (a 304)
    headers: dict = field(default_factory=dict)
    # The data sets the page is measured on: the portal's registers are the demo's; the
    # analysis rows need bench/analysis.py's fill (20,000 funding records, 5,000 themes).
    data: tuple = ("bench", "demo")


PAGES = [
    Page("month page, anonymous", "/calendar", None, 15),
    Page("month page, headquarters", "/calendar", "hq", 20),
    Page("FY report page, headquarters", "/reports/fy/{year}", "hq", 30),
    Page("activity list, headquarters", "/activities/", "hq", 20),
    Page("search 「会議」, headquarters", "/search?q=会議", "hq", 15),
    Page("feed 304", "/calendar.ics", None, 3, status=304, conditional=True),
    Page("public feed (c4)", "/calendar.ics", None, 60, kind="rps", connections=4),
    # The public portal: measured on the demo data, which holds the portal's registers.
    Page("portal top page, anonymous", "/portal/", None, 10, data=("demo",)),
    Page("portal record page, anonymous", "/portal/measures/1", None, 10, data=("demo",)),
    Page(
        "portal search 「燃料電池」 with two facets, anonymous",
        "/portal/search?q=燃料電池&block=kyushu&field=energy",
        None,
        20,
        data=("demo",),
    ),
    # Analysis (bench/analysis.py's fill: 20,000 funding records, 5,000 themes; a 1,201-node region).
    Page("funding survey page, headquarters", "/analysis/funding/2007", "hq", 30, data=("bench",)),
    Page(
        "network page (cached), headquarters",
        "/analysis/network/hamamatsu?from=2007&to=2007",
        "hq",
        10,
        data=("bench",),
    ),
]

# E-mail and password of each role, per data set.
LOGINS = {
    "bench": {"hq": ("bench-hq@example.test", PASSWORD)},
    "demo": {"hq": ("hq@demo.example.jp", "council-demo-2007")},
}


# --- data ----------------------------------------------------------------------------------


def _load_feeds_fill():
    spec = importlib.util.spec_from_file_location("bench_feeds", BENCH / "feeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fill


def _load_analysis_fill():
    spec = importlib.util.spec_from_file_location("bench_analysis", BENCH / "analysis.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fill_analysis


def prepare_bench_data(url: str, n: int) -> int:
    """Schema, reference data, the bench logins and (when empty) n activities; returns the
    number of activities."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from council import create_app
    from council.accounts.models import User
    from council.accounts.services import create_user
    from council.activities.models import Activity
    from council.calendars.views import today_in_japan
    from council.extensions import db
    from council.search import index as search_index
    from council.seed import seed_all

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_all()
        for role, (email, password) in LOGINS["bench"].items():
            if db.session.scalar(sa.select(User.id).where(User.email == email)) is None:
                create_user(email=email, name=f"bench {role}", role=role, password=password)
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
        if not count:
            began = time.perf_counter()
            _load_feeds_fill()(n, today_in_japan())
            search_index.rebuild()
            db.session.commit()
            print(f"filled {n:,} activities in {time.perf_counter() - began:.0f} s")
            count = n
        _load_analysis_fill()()  # skipped when already there
        if url.startswith("postgresql"):
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
    return count


def prepare_demo_data(env: dict) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed"], ["demo"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)


def activity_count(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM activities")).scalar()
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app_spec: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
        "--log-level", "warning", "--timeout", "120",
        app_spec,
    ]  # fmt: skip
    proc = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{app_spec} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"{app_spec} did not start on port {port}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


# --- HTTP helpers --------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict | None = None, timeout: float = 300) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def login(base: str, email: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base + "/login", timeout=60) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    data = {"email": email, "password": password}
    if match:
        data["csrf_token"] = match.group(1)
    request = urllib.request.Request(base + "/login", data=urllib.parse.urlencode(data).encode())
    try:
        opener.open(request, timeout=60)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        raise SystemExit(f"login as {email} answered {status}, not a redirect")
    # The first page after signing in adds the form token to the session cookie, as it does
    # in a browser, which then sends the updated cookie; wrk repeats the cookie it is given.
    with opener.open(base + "/calendar", timeout=60) as response:
        response.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# --- wrk -----------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, headers: dict, options, connections: int) -> dict:
    command = [
        options.wrk, f"-t{min(options.threads, connections)}", f"-c{connections}",
        f"-d{options.duration}s", "--latency", "--timeout", "10s",
    ]  # fmt: skip
    for name, value in {"User-Agent": USER_AGENT, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^[ \t]+(50|99)%[ \t]+(\S+)", out, re.M))
    if len(percentiles) != 2 or "Requests/sec" not in out:
        raise SystemExit(f"unexpected wrk output for {url}:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
    }


# --- the run -------------------------------------------------------------------------------


def run(options) -> None:
    WORKDIR.mkdir(exist_ok=True)
    dataset = "demo" if options.demo else "bench"
    if options.database_url:
        url = options.database_url
    else:
        path = WORKDIR / ("demo.db" if options.demo else "bench.db")
        if options.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    instance = WORKDIR / "instance"
    instance.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "COUNCIL_INSTANCE": str(instance),
    }
    env.pop("COUNCIL_ENV", None)
    if options.demo:
        if not activity_count(url):
            prepare_demo_data(env)
        count = activity_count(url)
    else:
        count = prepare_bench_data(url, options.activities)
    from council import fiscal

    year = options.year or fiscal.current_fiscal_year() - 1
    pages = [
        p
        for p in PAGES
        if dataset in p.data and (not options.only or any(o in p.name for o in options.only))
    ]
    print(
        f"{count:,} activities ({dataset}, {url.split(':')[0]}); FY report year {year}; "
        f"gunicorn {options.workers} sync workers; wrk -t{options.threads} "
        f"-c{options.connections} -d{options.duration}s; {options.rounds} rounds; "
        f"load average {os.getloadavg()[0]:.1f}"
    )

    app_port, bare_port = free_port(), free_port()
    servers = []
    try:
        servers.append(start_gunicorn("wsgi:app", app_port, env, options.workers))
        servers.append(start_gunicorn("bench.bare_app:app", bare_port, env, options.workers))
        base, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}/"
        cookies = {
            role: login(base, *LOGINS[dataset][role]) for role in {p.role for p in pages} - {None}
        }
        wait_until_settled(base)
        plans = [_plan(page, base, year, cookies) for page in pages]
        results = {page.name: [] for page in pages}
        for round_number in range(options.rounds):
            for page, (url_, headers) in zip(pages, plans, strict=True):
                connections = page.connections or options.connections
                bare = wrk(bare_url, {}, options, connections)
                measured = wrk(url_, headers, options, connections)
                status = fetch(url_, headers)[0]
                if status != page.status:
                    raise SystemExit(f"{page.name}: answered {status} after the load")
                measured["ratio"] = bare["rps"] / measured["rps"]
                results[page.name].append(measured)
            print(f"round {round_number + 1} done", file=sys.stderr)
    finally:
        for proc in servers:
            stop(proc)
    print_table(pages, results)


def wait_until_settled(base: str) -> None:
    """For a minute after any change the app keeps nothing per data version (and gives no
    304): a site is measured as it mostly is, settled. Waits (at most 75 s) for the public
    feed to answer 304 to its own ETag."""
    deadline = time.monotonic() + 75
    while time.monotonic() < deadline:
        tag = fetch(base + "/calendar.ics")[1].get("ETag", "")
        if fetch(base + "/calendar.ics", {"If-None-Match": tag})[0] == 304:
            return
        time.sleep(5)
    raise SystemExit("the data did not settle within 75 s")


def _plan(page: Page, base: str, year: int, cookies: dict) -> tuple[str, dict]:
    """The page's URL and headers; one request first (warms caches, checks the status)."""
    path = urllib.parse.quote(page.path.format(year=year), safe="/?=&")
    url = base + path
    headers = dict(page.headers)
    if page.role:
        headers["Cookie"] = cookies[page.role]
    status, response_headers, _ = fetch(url, headers)
    if page.conditional:
        headers["If-None-Match"] = response_headers.get("ETag", "")
        status = fetch(url, headers)[0]
    if status != page.status:
        raise SystemExit(f"{page.name}: {path} answered {status}, expected {page.status}")
    if page.role and "Set-Cookie" in fetch(url, headers)[1]:
        # A client keeps the cookie it is given; wrk cannot, so it would measure a new cookie
        # on every request where a browser gets one once.
        raise SystemExit(f"{page.name}: {path} sets a cookie on every request of this client")
    return url, headers


def print_table(pages: list[Page], results: dict) -> None:
    print()
    print("| endpoint | req/s | p50 ms | p99 ms | bare ÷ app | target | non-2xx/3xx | verdict |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for page in pages:
        rows = results[page.name]
        rps = statistics.median(r["rps"] for r in rows)
        ratio = statistics.median(r["ratio"] for r in rows)
        bad = sum(r["bad"] + r["socket_errors"] for r in rows)
        if page.kind == "rps":
            target, met = f"≥ {page.target:g} req/s", rps >= page.target
        else:
            target, met = f"≤ {page.target:g}×", ratio <= page.target
        print(
            f"| {page.name} | {rps:,.0f} | {statistics.median(r['p50'] for r in rows):,.1f} "
            f"| {statistics.median(r['p99'] for r in rows):,.1f} | {ratio:.1f}× | {target} "
            f"| {bad} | {'ok' if met and not bad else 'MISSED'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in " + str(WORKDIR))
    parser.add_argument("--demo", action="store_true", help="the demo data instead of 100,000")
    parser.add_argument("--fresh", action="store_true", help="refill the SQLite file")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--year", type=int, help="FY of the report page (default: last FY)")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="rows whose name contains one of these words")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    options = parser.parse_args()
    if not Path(options.wrk).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")
    run(options)


if __name__ == "__main__":
    main()
