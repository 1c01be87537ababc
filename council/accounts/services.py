"""Writes on accounts: users, login sessions, API tokens, feed tokens."""

import secrets

import sqlalchemy as sa

from council.accounts.models import ApiToken, User, UserSession, hash_token
from council.accounts.passwords import hash_password, needs_rehash, verify_password
from council.extensions import db, utc_now


class AccountError(Exception):
    """A refused account operation; the message is shown to the user."""


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    block_id: int | None = None,
    agency_id: int | None = None,
) -> User:
    email = email.strip().lower()
    if db.session.scalar(sa.select(User).where(User.email == email)) is not None:
        raise AccountError(f"{email} は既に登録されています。")
    if role == "secretariat" and block_id is None:
        raise AccountError("事務局のユーザーにはブロックが必要です。")
    if role == "member" and agency_id is None:
        raise AccountError("構成機関のユーザーには機関が必要です。")
    user = User(
        email=email,
        name=name,
        role=role,
        block_id=block_id if role == "secretariat" else None,
        agency_id=agency_id if role == "member" else None,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def check_password(user: User, password: str) -> bool:
    """Verify, and upgrade the stored hash when the hashing parameters have changed."""
    if not verify_password(user.password_hash, password):
        return False
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def start_session(user: User, *, ip: str = "", user_agent: str = "") -> str:
    """Open a server-side session row; returns the secret that the cookie carries."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id, token_hash=hash_token(secret), ip=ip[:45], user_agent=user_agent[:255]
        )
    )
    user.last_login_at = utc_now()
    db.session.flush()
    return secret


def find_session(secret: str) -> UserSession | None:
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == hash_token(secret))
    )
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return row


def end_session(secret: str) -> None:
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == hash_token(secret))
    )
    if row is not None and row.revoked_at is None:
        row.revoked_at = utc_now()


def revoke_all_sessions(user: User, *, keep: str | None = None) -> None:
    keep_hash = hash_token(keep) if keep else None
    for row in db.session.scalars(
        sa.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
        )
    ):
        if row.token_hash != keep_hash:
            row.revoked_at = utc_now()


def issue_api_token(user: User, name: str = "") -> str:
    """A new API token; the caller shows it once. Only its hash is stored."""
    token = "bc_" + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(token), prefix=token[:10])
    )
    db.session.flush()
    return token


def find_api_token(token: str) -> ApiToken | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return row


def revoke_api_tokens(user: User) -> None:
    for row in db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        row.revoked_at = utc_now()


def deactivate_user(user: User) -> None:
    """Deactivation ends every session and revokes every API and feed token at once."""
    user.is_active_user = False
    revoke_all_sessions(user)
    revoke_api_tokens(user)
    user.feed_token_hash = None


def regenerate_feed_token(user: User) -> str:
    """A new personal-feed token; the old feed URL stops working (404)."""
    token = secrets.token_urlsafe(32)
    user.feed_token_hash = hash_token(token)
    user.feed_token_created_at = utc_now()
    return token
