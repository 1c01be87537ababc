"""Login throttling as the OWASP authentication guidance describes it, kept in the database so
that every worker process sees the same count (an in-memory limiter would count per worker).

- LOGIN_MAX_FAILURES (5) failures of one (account, address) pair within
  LOGIN_FAILURE_WINDOW_MINUTES (15) make that pair wait as long, from the last failure. An
  address guessing many accounts therefore waits only for those accounts: a colleague behind
  the same office NAT, with no failure from it, still logs in.
- LOGIN_ACCOUNT_MAX_FAILURES (20) failures of one account, from any addresses, within
  LOGIN_ACCOUNT_WINDOW_MINUTES (60) make the account wait as long, from the last failure, or
  until an administrator unlocks it on the users page.
- Attempts refused during a wait are recorded but not counted, so trying during the wait does
  not prolong it. A success starts the count again, and so does an unlock.
- The same rules hold for an e-mail that has no account, so a wait tells nothing about who
  exists.

The check and the record of one attempt are atomic per e-mail: on PostgreSQL a transaction-
scoped advisory lock on the e-mail (held until the view commits); on SQLite the request's
BEGIN IMMEDIATE already serialises writers.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from council.accounts.models import LoginAttempt, User
from council.extensions import db, utc_now

PAIR_MESSAGE = (
    "ログインに続けて失敗したため、しばらくログインできません。"
    "あと{minutes}分ほど待ってから、もう一度お試しください。"
)
ACCOUNT_MESSAGE = (
    "このアカウントはログインの失敗が続いたため、しばらくログインできません。"
    "あと{minutes}分ほど待つか、管理者にロックの解除を依頼してください。"
)


@dataclass(frozen=True)
class Wait:
    """A lock in force: who waits ("pair" or "account") and until when."""

    scope: str
    until: datetime
    now: datetime

    @property
    def seconds_left(self) -> int:
        return max(math.ceil((self.until - self.now).total_seconds()), 1)

    @property
    def minutes_left(self) -> int:
        return max(math.ceil(self.seconds_left / 60), 1)

    @property
    def message(self) -> str:
        template = ACCOUNT_MESSAGE if self.scope == "account" else PAIR_MESSAGE
        return template.format(minutes=self.minutes_left)


def _rules() -> dict[str, tuple[int, timedelta]]:
    config = current_app.config
    return {
        "pair": (
            config["LOGIN_MAX_FAILURES"],
            timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        ),
        "account": (
            config.get("LOGIN_ACCOUNT_MAX_FAILURES", 20),
            timedelta(minutes=config.get("LOGIN_ACCOUNT_WINDOW_MINUTES", 60)),
        ),
    }


def serialize(email: str) -> None:
    """Make this request's check and record of an attempt on `email` atomic (see above)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(b"login:" + email.encode()).digest()[:8], signed=True)
    db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _lock(conditions, limit: int, window: timedelta, *, since: datetime, now: datetime):
    """The end of the lock these failures impose, or None: `limit` failures within `window`
    lock for `window` after the last of them."""
    times = db.session.scalars(
        sa.select(LoginAttempt.attempted_at)
        .where(
            *conditions,
            LoginAttempt.is_success.is_(False),
            LoginAttempt.is_refused.is_(False),
            LoginAttempt.attempted_at > since,
        )
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit or times[0] - times[-1] > window:
        return None
    until = times[0] + window
    return until if until > now else None


def check(email: str, ip: str, *, now: datetime | None = None) -> Wait | None:
    """The wait in force for a login to `email` from `ip`, or None."""
    now = now or utc_now()
    rules = _rules()
    horizon = now - 2 * max(window for _, window in rules.values())
    unlocked = db.session.scalar(sa.select(User.login_unlocked_at).where(User.email == email))
    last_success = sa.func.max(sa.case((LoginAttempt.is_success, LoginAttempt.attempted_at)))
    last_pair_success = sa.func.max(
        sa.case(
            (sa.and_(LoginAttempt.is_success, LoginAttempt.ip == ip), LoginAttempt.attempted_at)
        )
    )
    account_ok, pair_ok = db.session.execute(
        sa.select(last_success, last_pair_success).where(
            LoginAttempt.email == email, LoginAttempt.attempted_at > horizon
        )
    ).one()
    account_since = max(t for t in (horizon, unlocked, account_ok) if t is not None)
    pair_since = max(t for t in (account_since, pair_ok) if t is not None)

    limit, window = rules["account"]
    until = _lock([LoginAttempt.email == email], limit, window, since=account_since, now=now)
    if until is not None:
        return Wait("account", until, now)
    limit, window = rules["pair"]
    conditions = [LoginAttempt.email == email, LoginAttempt.ip == ip]
    until = _lock(conditions, limit, window, since=pair_since, now=now)
    if until is not None:
        return Wait("pair", until, now)
    return None


def record_attempt(email: str, ip: str, *, success: bool, refused: bool = False) -> None:
    db.session.add(
        LoginAttempt(email=email[:254], ip=ip[:45], is_success=success, is_refused=refused)
    )


def locked_accounts(*, now: datetime | None = None) -> list[tuple[User, Wait]]:
    """The accounts waiting under the account rule, for the administrators' users page."""
    now = now or utc_now()
    limit, window = _rules()["account"]
    candidates = (
        sa.select(LoginAttempt.email)
        .where(
            LoginAttempt.is_success.is_(False),
            LoginAttempt.is_refused.is_(False),
            LoginAttempt.attempted_at > now - 2 * window,
        )
        .group_by(LoginAttempt.email)
        .having(sa.func.count() >= limit)
    )
    users = db.session.scalars(
        sa.select(User).where(User.email.in_(candidates)).order_by(User.email)
    ).all()
    locked = []
    for user in users:
        wait = check(user.email, "", now=now)
        if wait is not None and wait.scope == "account":
            locked.append((user, wait))
    return locked
