"""Login throttling, by account and by address, kept in the database so that every worker
process sees the same count (an in-memory limiter would count per worker)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from council.accounts.models import LoginAttempt
from council.extensions import db, utc_now


def _window_start():
    return utc_now() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def is_locked(email: str, ip: str) -> bool:
    """True after LOGIN_MAX_FAILURES failures for this account, or 4× that from this address,
    within the window. A success does not reset the count: the window does."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = _window_start()
    failures = sa.and_(LoginAttempt.is_success.is_(False), LoginAttempt.attempted_at >= since)
    by_account = db.session.scalar(
        sa.select(sa.func.count()).where(failures, LoginAttempt.email == email)
    )
    by_address = db.session.scalar(
        sa.select(sa.func.count()).where(failures, LoginAttempt.ip == ip)
    )
    return by_account >= limit or by_address >= limit * 4


def record_attempt(email: str, ip: str, *, success: bool, refused: bool = False) -> None:
    db.session.add(
        LoginAttempt(email=email[:254], ip=ip[:45], is_success=success, is_refused=refused)
    )
