"""Page views are buffered in memory and written in batches, never on the request path.

A background thread writes the buffer every few seconds (sooner when it holds a full batch),
and at shutdown (atexit, and gunicorn's worker_exit hook in gunicorn.conf.py). Each worker
process has its own buffer; all of them write to the same table, so the counts are right with
several workers.

The visitor key is an HMAC of the address and the user agent under a salt for the day. The
salt is derived from a random seed that lives only in memory: gunicorn's master makes it when
it starts (gunicorn.conf.py) and its workers inherit it, so that every worker computes the same
key; it is never written anywhere, and a restart forgets it.
"""

import atexit
import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
from datetime import date

import sqlalchemy as sa
from flask import Flask

from council import fiscal
from council.extensions import db, utc_now
from council.portal.models import PortalHit

SEED_ENV = "COUNCIL_VISITOR_SEED"
BATCH = 200
INTERVAL = 5.0
CRAWLER = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|bingpreview|feedfetcher|"
    r"python-requests|curl/|wget/|go-http-client|headless",
    re.IGNORECASE,
)
log = logging.getLogger(__name__)


def ensure_seed() -> None:
    """Called by gunicorn's master before it forks (and harmless elsewhere)."""
    os.environ.setdefault(SEED_ENV, secrets.token_hex(32))


def is_crawler(user_agent: str) -> bool:
    return not user_agent.strip() or bool(CRAWLER.search(user_agent))


class HitBuffer:
    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.pending: list[dict] = []
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        ensure_seed()
        self.seed = os.environ[SEED_ENV].encode()
        self.use_thread = app.config.get("PORTAL_STATS_THREAD", not app.testing)

    def salt(self, day: date) -> bytes:
        return hmac.new(self.seed, day.isoformat().encode(), hashlib.sha256).digest()

    def visitor(self, address: str, user_agent: str, day: date) -> str:
        message = f"{address}\x00{user_agent}".encode()
        return hmac.new(self.salt(day), message, hashlib.sha256).hexdigest()[:32]

    def add(self, *, address, user_agent, page, record_id=None, query=None, results=None):
        now = utc_now()
        row = {
            "at": now,
            "visitor": self.visitor(address or "", user_agent or "", fiscal.to_jst(now).date()),
            "page": page,
            "record_id": record_id,
            "query": query[:200] if query else None,
            "results": results,
            "is_crawler": is_crawler(user_agent or ""),
        }
        with self.lock:
            self.pending.append(row)
            full = len(self.pending) >= BATCH
        if self.use_thread:
            self._start()
            if full:
                self.wake.set()

    def _start(self) -> None:
        # A worker forked from a process that already had a thread starts its own.
        if self.thread is not None and self.thread.is_alive() and self.pid == os.getpid():
            return
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="portal-stats", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            self.wake.wait(INTERVAL)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # a failed batch is retried on the next round
                log.exception("portal statistics: writing a batch failed")

    def flush(self) -> int:
        """Write every buffered view; returns how many. Safe to call from any thread."""
        with self.lock:
            rows, self.pending = self.pending, []
        if not rows:
            return 0
        try:
            with self.app.app_context(), db.engine.begin() as connection:
                connection.execute(sa.insert(PortalHit.__table__), rows)
        except Exception:
            with self.lock:
                self.pending[:0] = rows
            raise
        return len(rows)


def get_buffer(app: Flask) -> HitBuffer:
    buffer = app.extensions.get("portal_stats")
    if buffer is None:
        buffer = app.extensions["portal_stats"] = HitBuffer(app)
        if buffer.use_thread:
            atexit.register(_flush_quietly, buffer)
    return buffer


def _flush_quietly(buffer: HitBuffer) -> None:
    try:
        buffer.flush()
    except Exception:
        log.exception("portal statistics: the last batch was lost")


def flush_app(app: Flask) -> int:
    buffer = app.extensions.get("portal_stats")
    return buffer.flush() if buffer is not None else 0
