"""The notices' cost on a circulation request over HTTP, and the sender's throughput.

1. Two gunicorn servers (one sync worker each) on one database: one with notices, one with
   NOTICES_ENABLED = False. A secretariat circulates fresh draft minutes through the real
   form POST, alternately on each server (so both run under the same load moment by
   moment); the meetings have 6 participating agencies, each with 2 member accounts and its
   directory contacts. With notices the request writes one event row (notice_events) in its
   transaction; the ~25 outbox rows and ~12 on-screen notices each circulation causes are
   written later by the sender. Prints both medians and their ratio (target: notices cost
   ≤ 10%).
2. The sender (`sender.run(once=True)`, in this process) expands those events into outbox
   and on-screen rows and delivers every mail to a local SMTP server (aiosmtpd, in a process
   of its own); prints mails per second for the whole pass, expansion included (target ≥ 50),
   and the time the expansion alone took.

    .venv/bin/python bench/notices.py [--rounds 40] [--database-url URL]

Without --database-url a fresh SQLite file in /tmp is used (product settings: WAL,
synchronous=FULL) and removed afterwards; a PostgreSQL URL must name an empty database.
"""

# bench/http.py would shadow the standard library's http package: this folder leaves
# sys.path before anything imports it.
import sys  # noqa: I001
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-2007"
AGENCIES = 6
MEMBERS_PER_AGENCY = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path, url: str, rounds: int) -> tuple[str, list[int]]:
    """Schema, reference data, users and 2×rounds held meetings with draft minutes."""
    os.environ["COUNCIL_INSTANCE"] = str(instance)
    os.environ["DATABASE_URL"] = url
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from council import create_app, fiscal
    from council.accounts.services import create_user
    from council.activities.models import Category
    from council.activities.services import create_activity
    from council.directory.models import Agency, Block, Membership
    from council.extensions import db
    from council.minutes import services as minutes_services
    from council.seed import seed_all

    app = create_app({"PASSWORD_HASH_FAST": True})
    with app.app_context():
        upgrade()
        seed_all()
        kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
        agencies = db.session.scalars(
            sa.select(Agency)
            .join(Membership, Membership.agency_id == Agency.id)
            .where(Membership.block_id == kanto.id, Membership.last_fy.is_(None))
            .order_by(Agency.id)
            .limit(AGENCIES)
        ).all()
        secretariat = create_user(
            email="bench-sec@example.jp",
            name="事務局",
            role="secretariat",
            password=PASSWORD,
            block_id=kanto.id,
        )
        for agency in agencies:
            for i in range(MEMBERS_PER_AGENCY):
                create_user(
                    email=f"bench-{agency.id}-{i}@example.jp",
                    name=f"{agency.name} 職員{i}",
                    role="member",
                    password=PASSWORD,
                    agency_id=agency.id,
                )
        council = db.session.scalar(sa.select(Category).where(Category.code == "council"))
        ids = []
        for n in range(rounds * 2 + 2):
            starts_at = fiscal.jst_datetime(date.today() - timedelta(days=3 + n % 50))
            activity = create_activity(
                actor=secretariat,
                block_id=kanto.id,
                category_id=council.id,
                kind="council",
                title=f"関東地域ブロック協議会 第{n + 1}回",
                starts_at=starts_at,
                status="held",
                organizers=agencies[:1],
                participant_agencies=agencies[1:],
            )
            minutes_services.create_minutes(
                activity, actor=secretariat, discussion="## 報告\n各機関から説明があった。"
            )
            ids.append(activity.id)
        db.session.commit()
        db.engine.dispose()
    return secretariat.email if False else "bench-sec@example.jp", ids


class Browser:
    """One keep-alive HTTP connection with a cookie, as a signed-in secretariat."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method, path, form=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def csrf(self, path="/login") -> str:
        status, page = self.request("GET", path)
        found = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page)
        if found is None:
            raise RuntimeError(f"no form at {path}: {status} {page[:300]}")
        return found.group(1)

    def login(self, email):
        status, _ = self.request(
            "POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": self.csrf()}
        )
        assert status == 302, status


def serve(instance: Path, url: str, port: int, enabled: bool) -> subprocess.Popen:
    folder = instance / ("on" if enabled else "off")
    folder.mkdir(exist_ok=True)
    shutil.copy(instance / "secret_key", folder / "secret_key")
    (folder / "config.py").write_text(
        f"NOTICES_ENABLED = {enabled!r}\nUPLOAD_FOLDER = {str(instance / 'uploads')!r}\n"
    )
    env = dict(os.environ, COUNCIL_INSTANCE=str(folder), DATABASE_URL=url)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def circulation_cost(instance: Path, url: str, email: str, ids: list[int], rounds: int):
    ports = {True: free_port(), False: free_port()}
    servers = {enabled: serve(instance, url, port, enabled) for enabled, port in ports.items()}
    try:
        browsers = {enabled: Browser(port) for enabled, port in ports.items()}
        for browser in browsers.values():
            browser.login(email)
        timings = {True: [], False: []}
        deadline = (date.today() + timedelta(days=10)).isoformat()
        queue = list(ids)
        # The first request of each server warms it up (imports, templates) and is not timed.
        for n in range(rounds + 1):
            for enabled in (True, False) if n % 2 else (False, True):
                activity_id = queue.pop()
                browser = browsers[enabled]
                token = browser.csrf(f"/activities/{activity_id}/minutes")
                started = time.perf_counter()
                status, _ = browser.request(
                    "POST",
                    f"/activities/{activity_id}/minutes/circulate",
                    {"comment_deadline_on": deadline, "version": "1", "csrf_token": token},
                )
                elapsed = time.perf_counter() - started
                assert status == 302, status
                if n:
                    timings[enabled].append(elapsed * 1000)
        return timings
    finally:
        for process in servers.values():
            process.terminate()
            process.wait()


SMTP_SINK = """
import signal, sys, threading
from aiosmtpd.controller import Controller
class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
print(Sink.count, flush=True)
"""


def throughput(url: str):
    """The sender (this process) to an SMTP server in a process of its own."""
    import sqlalchemy as sa

    from council import create_app
    from council.extensions import db
    from council.notices import fanout, sender
    from council.notices.models import NoticeEvent

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SMTP_SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout.readline().strip() == "ready"
    app = create_app(
        {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_USE_STARTTLS": False,
            "NOTICES_DAILY_HOUR": 24,
        }
    )
    expanding = {"seconds": 0.0}
    expand_due = fanout.expand_due

    def timed_expand_due(**options):
        started = time.perf_counter()
        try:
            return expand_due(**options)
        finally:
            expanding["seconds"] += time.perf_counter() - started

    fanout.expand_due = timed_expand_due
    try:
        with app.app_context():
            events = db.session.scalar(
                sa.select(sa.func.count()).where(NoticeEvent.expanded_at.is_(None))
            )
            started = time.perf_counter()
            stats = sender.run(once=True, log=lambda line: None)
            elapsed = time.perf_counter() - started
            db.engine.dispose()
    finally:
        fanout.expand_due = expand_due
        server.terminate()
        received = int(server.stdout.read().strip() or 0)
        server.wait()
    return events, stats, received, elapsed, expanding["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="council-bench-notices-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.db'}"
    try:
        email, ids = prepare(instance, url, args.rounds)
        timings = circulation_cost(instance, url, email, ids, args.rounds)
        on, off = statistics.median(timings[True]), statistics.median(timings[False])
        print(f"database: {url.split(':', 1)[0]}; {args.rounds} circulations per server")
        print(
            f"circulation POST over HTTP (the request writes one event), median: "
            f"with notices {on:.2f} ms, "
            f"without {off:.2f} ms, cost {100 * (on / off - 1):+.1f}% (target ≤ +10%)"
        )
        events, stats, received, elapsed, expanding = throughput(url)
        print(
            f"sender to a local SMTP server, expansion included: {events} events expanded into "
            f"{stats.expanded} mails in {expanding:.2f} s, {stats.sent} sent; whole pass "
            f"{elapsed:.2f} s = {stats.sent / elapsed:.0f} mails/s (target ≥ 50); "
            f"the server received {received}"
        )
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
