"""Durability under kill -9: writers through HTTP, the server killed at random moments.

Each round starts gunicorn on a fresh port, lets several writer threads work through HTTP as
kanto secretariats (each step a real form POST with its CSRF token: create a meeting, write
its minutes, attach a PDF), then kills the whole server (master and workers, SIGKILL) at a
random moment. A write counts as acknowledged when its response (a redirect) arrived in
full. With the server dead, the database and the upload folder are checked directly: every
acknowledged activity, minutes and attachment must be there (the attachment with a file whose
SHA-256 matches what was sent), and the database must pass its integrity checks. A final
restart proves the app serves the records (pages and downloads) after the last kill.

    .venv/bin/python bench/durability.py                       # SQLite file in /tmp, 10 rounds
    .venv/bin/python bench/durability.py --rounds 5 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_security

A PostgreSQL database is emptied first (DROP SCHEMA public CASCADE): give it its own one.
Nothing touches instance/. Exit status 1 when an acknowledged write is missing or a check
fails.
"""

# bench/http.py would shadow the standard library's http package: this folder leaves
# sys.path before anything imports it.
import sys  # noqa: I001
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import hashlib  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "durability-Passw0rd"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- a tiny HTTP client with a cookie jar (no third-party dependency) ---------------------


class Http:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, val = pair.partition("=")
                    self.cookies[key.strip()] = val.strip()
            return response.status, response.getheader("Location") or "", data
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict):
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_file(self, path: str, fields: dict, name: str, content: bytes):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            # As browsers do: the UTF-8 name, quoted.
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def _csrf(html: bytes) -> str:
    match = CSRF.search(html.decode("utf-8", "replace"))
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


# --- what the writers were told was saved ---------------------------------------------------


@dataclass
class Acks:
    lock: threading.Lock = field(default_factory=threading.Lock)
    activities: dict[int, str] = field(default_factory=dict)
    minutes: dict[int, str] = field(default_factory=dict)
    attachments: list[tuple[int, str, int]] = field(default_factory=list)  # (activity, sha, size)
    refused: list[tuple[str, int]] = field(default_factory=list)


def writer(
    port: int, email: str, jar: dict, round_no: int, n: int, acks: Acks, stop: threading.Event
):
    """Write until the server dies (or stop is set); record what was acknowledged. The cookie
    jar outlives the round: sessions are server-side rows, and survive the kill as well."""
    http_ = Http(port)
    http_.cookies = jar
    rng = random.Random(f"{round_no}-{n}")
    try:
        status, location, page = http_.get("/activities/new")
        if status != 200:
            status, _, page = http_.get("/login")
            status, _, _ = http_.post_form(
                "/login", {"csrf_token": _csrf(page), "email": email, "password": PASSWORD}
            )
            if status != 302:
                acks.refused.append(("login", status))
                return
            _, _, page = http_.get("/activities/new")
        token = _csrf(page)
        step = 0
        while not stop.is_set():
            step += 1
            title = f"耐久試験 第{round_no}回 書込{n}-{step}"
            status, location, _ = http_.post_form(
                "/activities/new",
                {
                    "csrf_token": token,
                    "category": "council",
                    "kind": "council",
                    "title": title,
                    "start_date": "2007-11-28",
                    "start_time": "14:00",
                    "end_time": "16:00",
                    "venue": "さいたま新都心合同庁舎1号館",
                    "visibility": "members",
                    "description": "kill -9 の耐久試験",
                },
            )
            match = re.search(r"/activities/(\d+)$", location)
            if status != 302 or not match:
                acks.refused.append(("activity", status))
                continue
            activity_id = int(match.group(1))
            with acks.lock:
                acks.activities[activity_id] = title
            discussion = f"議事 {title}"
            status, _, _ = http_.post_form(
                f"/activities/{activity_id}/minutes/new",
                {
                    "csrf_token": token,
                    "attendees": "",
                    "agenda": "開会\n閉会",
                    "discussion": discussion,
                    "decisions": "",
                },
            )
            if status != 302:
                acks.refused.append(("minutes", status))
                continue
            with acks.lock:
                acks.minutes[activity_id] = discussion
            content = b"%PDF-1.4\n" + rng.randbytes(rng.randrange(2_000, 120_000))
            status, _, _ = http_.post_file(
                f"/activities/{activity_id}/attachments",
                {"csrf_token": token},
                f"議事資料{step}.pdf",
                content,
            )
            if status != 302:
                acks.refused.append(("attachment", status))
                continue
            with acks.lock:
                acks.attachments.append(
                    (activity_id, hashlib.sha256(content).hexdigest(), len(content))
                )
    except (OSError, http.client.HTTPException):
        return  # the server died: what was in flight was never acknowledged


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, workers: int, log) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: one killpg takes master and workers
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = Http(port).get("/login")
            if status == 200:
                return proc, port
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited at start; see the log")
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def kill_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # Workers that were mid-request die with the group; give the OS a moment to reap them.
    time.sleep(0.2)


# --- the checks, with the server dead ---------------------------------------------------------


def check(database_url: str, uploads: Path, acks: Acks) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    found = {}
    with engine.connect() as conn:
        ids = list(acks.activities)
        rows = dict(conn.execute(sa.text("SELECT id, title FROM activities")).all()) if ids else {}
        found["activities_missing"] = sum(
            1 for i, title in acks.activities.items() if rows.get(i) != title
        )
        minutes = dict(conn.execute(sa.text("SELECT activity_id, discussion FROM minutes")).all())
        found["minutes_missing"] = sum(
            1 for i, text in acks.minutes.items() if minutes.get(i) != text
        )
        stored = conn.execute(
            sa.text("SELECT activity_id, sha256, size, stored_name FROM attachments")
        ).all()
        by_key = {(a, s): name for a, s, _, name in stored}
        missing_rows = missing_files = 0
        for activity_id, sha, _size in acks.attachments:
            name = by_key.get((activity_id, sha))
            if name is None:
                missing_rows += 1
                continue
            path = uploads / "attachments" / name
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                missing_files += 1
        found["attachments_missing"] = missing_rows
        found["attachment_files_missing_or_wrong"] = missing_files
        # Every stored row, acknowledged or not, must have its file.
        found["rows_without_file"] = sum(
            1 for _, _, _, name in stored if not (uploads / "attachments" / name).is_file()
        )
        names = {name for *_, name in stored}
        folder = uploads / "attachments"
        on_disk = [p for p in folder.iterdir()] if folder.is_dir() else []
        found["orphan_files"] = sum(
            1 for p in on_disk if not p.name.startswith(".tmp-") and p.name not in names
        )
        found["temporaries"] = sum(1 for p in on_disk if p.name.startswith(".tmp-"))
        if engine.dialect.name == "postgresql":
            found["integrity"] = _pg_integrity(conn)
    engine.dispose()
    if database_url.startswith("sqlite"):
        found["integrity"] = _sqlite_integrity(database_url.removeprefix("sqlite:///"))
    return found


def _sqlite_integrity(path: str) -> str:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        return result if not fk else f"{result}; {len(fk)} foreign key violations"
    finally:
        conn.close()


def _pg_integrity(conn) -> str:
    import sqlalchemy as sa

    problems = []
    # Constraints hold by construction on PostgreSQL; read every table through once (a broken
    # page or index would raise) and check the cross-row rules the schema cannot express.
    for (table,) in conn.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ).all():
        conn.execute(sa.text(f'SELECT count(*) FROM "{table}"'))
    dupes = conn.execute(
        sa.text(
            "SELECT count(*) FROM (SELECT activity_id FROM minutes GROUP BY activity_id "
            "HAVING count(*) > 1) d"
        )
    ).scalar()
    if dupes:
        problems.append(f"{dupes} meetings with two minutes")
    return "ok" if not problems else "; ".join(problems)


# --- set-up --------------------------------------------------------------------------------


def prepare(database_url: str, instance: Path, writers: int) -> list[str]:
    """Schema, reference data and one kanto secretariat per writer."""
    os.environ["COUNCIL_INSTANCE"] = str(instance)
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    if database_url.startswith("postgresql"):
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()

    from council import create_app
    from council.accounts.services import create_user
    from council.directory.models import Block
    from council.extensions import db
    from council.seed import seed_all

    app = create_app()
    emails = []
    with app.app_context():
        upgrade()
        seed_all()
        kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
        for n in range(writers):
            email = f"writer{n}@durability.test"
            create_user(
                email=email,
                name=f"耐久 書込{n}",
                role="secretariat",
                password=PASSWORD,
                block_id=kanto.id,
            )
            emails.append(email)
        db.session.commit()
        db.engine.dispose()
    return emails


def final_check(env, workers, log, emails, acks: Acks, samples: int = 5) -> int:
    """After the last kill: restart, and read back some records through the app itself."""
    proc, port = start_server(env, workers, log)
    problems = 0
    try:
        http_ = Http(port)
        _, _, page = http_.get("/login")
        http_.post_form(
            "/login", {"csrf_token": _csrf(page), "email": emails[0], "password": PASSWORD}
        )
        rng = random.Random(7)
        for activity_id in rng.sample(sorted(acks.activities), min(samples, len(acks.activities))):
            status, _, body = http_.get(f"/activities/{activity_id}")
            if status != 200 or acks.activities[activity_id] not in body.decode():
                problems += 1
        for activity_id, sha, _ in rng.sample(
            acks.attachments, min(samples, len(acks.attachments))
        ):
            _, _, body = http_.get(f"/activities/{activity_id}")
            ids = re.findall(rf"/activities/{activity_id}/attachments/(\d+)", body.decode())
            digests = set()
            for attachment_id in set(ids):
                status, _, data = http_.get(
                    f"/activities/{activity_id}/attachments/{attachment_id}"
                )
                if status == 200:
                    digests.add(hashlib.sha256(data).hexdigest())
            if sha not in digests:
                problems += 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in /tmp")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-seconds", type=float, default=4.0, help="earliest kill")
    parser.add_argument("--max-seconds", type=float, default=15.0, help="latest kill")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="council-durability-"))
    instance = tmp / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text(secrets.token_urlsafe(48))
    database_url = args.database_url or f"sqlite:///{tmp / 'council.db'}"
    emails = prepare(database_url, instance, args.writers)
    env = {
        **os.environ,
        "COUNCIL_INSTANCE": str(instance),
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    uploads = instance / "uploads"
    log = open(tmp / "gunicorn.log", "ab")  # noqa: SIM115  (open for the whole run)
    acks = Acks()
    jars: list[dict] = [{} for _ in emails]
    failed = False
    print(
        f"database: {database_url.split('@')[-1]}  workers: {args.workers}  "
        f"writers: {args.writers}  rounds: {args.rounds}"
    )
    print("round  killed-after  activities  minutes  attachments  missing(a/m/f)  integrity")
    for round_no in range(1, args.rounds + 1):
        proc, port = start_server(env, args.workers, log)
        stop = threading.Event()
        before = (len(acks.activities), len(acks.minutes), len(acks.attachments))
        threads = [
            threading.Thread(target=writer, args=(port, email, jars[n], round_no, n, acks, stop))
            for n, email in enumerate(emails)
        ]
        for thread in threads:
            thread.start()
        delay = rng.uniform(args.min_seconds, args.max_seconds)
        time.sleep(delay)
        kill_server(proc)
        stop.set()
        for thread in threads:
            thread.join(60)
        found = check(database_url, uploads, acks)
        missing = (
            found["activities_missing"],
            found["minutes_missing"],
            found["attachments_missing"] + found["attachment_files_missing_or_wrong"],
        )
        bad = any(missing) or found["integrity"] != "ok" or found["rows_without_file"]
        failed |= bool(bad)
        print(
            f"{round_no:>5}  {delay:>10.2f} s  {len(acks.activities) - before[0]:>10}  "
            f"{len(acks.minutes) - before[1]:>7}  {len(acks.attachments) - before[2]:>11}  "
            f"{'/'.join(map(str, missing)):>14}  {found['integrity']}"
            + ("  <-- LOST" if bad else "")
        )
    problems = final_check(env, args.workers, log, emails, acks)
    failed |= problems > 0
    log.close()
    print(
        f"total acknowledged: {len(acks.activities)} activities, {len(acks.minutes)} minutes, "
        f"{len(acks.attachments)} attachments; missing after {args.rounds} kill -9: "
        f"{found['activities_missing']} / {found['minutes_missing']} / "
        f"{found['attachments_missing'] + found['attachment_files_missing_or_wrong']}"
    )
    print(
        f"rows without file: {found['rows_without_file']}; files without row (uploads cut "
        f"between rename and commit, harmless): {found['orphan_files']}; upload temporaries "
        f"left (removed at start-up after an hour): {found['temporaries']}"
    )
    print(f"refused writes (not acknowledged, not lost): {len(acks.refused)} {acks.refused[:5]}")
    print(
        f"after a final restart, records read back through the app: "
        f"{'all found' if problems == 0 else f'{problems} problems'}"
    )
    print("RESULT: " + ("FAIL" if failed else "OK, 0 acknowledged writes lost"))
    if args.keep:
        print(f"kept: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
