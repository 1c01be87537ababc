"""Writes on personal calendar feeds. Services flush, never commit; the view commits once."""

import secrets

from council.accounts.models import hash_token
from council.extensions import db, utc_now


def regenerate_feed_token(user) -> str:
    """A new personal-feed token for `user`, returned once; the previous feed URL stops
    working at once (it answers 404). Only the token's hash is stored (audited as changed)."""
    token = secrets.token_urlsafe(32)
    user.feed_token_hash = hash_token(token)
    user.feed_token_created_at = utc_now()
    db.session.flush()
    return token


def stop_feed(user) -> None:
    """No personal feed any more: the current URL answers 404 until a new one is issued."""
    user.feed_token_hash = None
    user.feed_token_created_at = None
    db.session.flush()
