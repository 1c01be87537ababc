"""Writes on accounts: users, login sessions, API tokens, feed tokens."""

import secrets

import sqlalchemy as sa

from council.accounts.models import ROLES, ApiToken, User, UserSession, hash_token
from council.accounts.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from council.audit.hooks import record
from council.errors import Conflict, DomainError
from council.extensions import db, utc_now


class AccountError(DomainError):
    """A refused account operation; the message is shown to the user."""


class AccountConflict(AccountError, Conflict):
    """Refused because of who acts or what is left (oneself, the last administrator): 409."""


# No 0/O, 1/l/I: initial passwords are read off a screen and typed in by hand.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def generate_password(length: int = 16) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _check_assignment(role: str, block_id: int | None, agency_id: int | None) -> None:
    if role not in ROLES:
        raise AccountError(f"役割「{role}」はありません。", "role")
    if role == "secretariat" and block_id is None:
        raise AccountError("事務局のユーザーにはブロックが必要です。", "block_id")
    if role == "member" and agency_id is None:
        raise AccountError("構成機関のユーザーには機関が必要です。", "agency_id")


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    other = db.session.scalar(sa.select(User).where(User.email == email))
    if other is not None and other is not exclude:
        raise AccountError(f"{email} は既に登録されています。", "email")


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.role == "admin", User.is_active_user.is_(True), User.id != user.id)
    )


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
    _check_email_free(email)
    _check_assignment(role, block_id, agency_id)
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


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Exactly one hash is verified
    whatever the case (unknown e-mail, inactive account, wrong password), so that an attempt
    takes the same time either way."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        verify_dummy(password)
        return None
    if not check_password(user, password) or not user.is_active:
        return None
    return user


def check_password(user: User, password: str) -> bool:
    """Verify, and upgrade the stored hash when the hashing parameters have changed."""
    if not verify_password(user.password_hash, password):
        return False
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def change_own_password(user: User, *, current: str, new: str, keep: str | None) -> None:
    """A user's change of their own password: the current one must be right. Every other
    session of the user ends; the one in use (`keep`) goes on."""
    if not check_password(user, current):
        raise AccountError("現在のパスワードが正しくありません。", "current_password")
    user.password_hash = hash_password(new)
    revoke_all_sessions(user, keep=keep)


def unlock_login(user: User) -> None:
    """Lift the login waits of this account: failures before now no longer count."""
    user.login_unlocked_at = utc_now()
    db.session.flush()


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


# Built once: every signed-in request runs it (building the statement and its cache key
# each time cost more than the query on a cached page).
_FIND_SESSION = (
    sa.select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == sa.bindparam("token_hash"),
        UserSession.revoked_at.is_(None),
        User.is_active_user,
    )
)


def find_session(secret: str) -> User | None:
    """The active user of an open session: every signed-in request runs this, so it is one
    statement that loads the user alone (the session row only decides whether it matches)."""
    return db.session.scalar(_FIND_SESSION, {"token_hash": hash_token(secret)})


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
    record(db.session, user, "update", {"api_token": [None, f"{token[:10]}… 発行"]})
    return token


def revoke_api_token(token: ApiToken) -> None:
    """Revoke one token; requests carrying it are refused from now on."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utc_now()
    record(db.session, token.user, "update", {"api_token": [f"{token.prefix}…", "失効"]})


def active_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


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


def update_user(
    user: User,
    *,
    actor: User | None,
    email: str,
    name: str,
    role: str,
    block_id: int | None,
    agency_id: int | None,
) -> None:
    """Change a user's e-mail, name, role, block or agency. Nobody changes their own role (an
    admin cannot lock themselves out), and the last active admin stays an admin."""
    email = email.strip().lower()
    _check_email_free(email, exclude=user)
    _check_assignment(role, block_id, agency_id)
    if role != user.role:
        if actor is not None and actor.id == user.id:
            raise AccountError("自分自身の役割は変更できません。", "role")
        if user.role == "admin" and user.is_active and _other_active_admins(user) == 0:
            raise AccountError("最後のシステム管理者の役割は変更できません。", "role")
    user.email = email
    user.name = name
    user.role = role
    user.block_id = block_id if role == "secretariat" else None
    user.agency_id = agency_id if role == "member" else None
    db.session.flush()


def set_password(user: User, password: str) -> None:
    """A password set by an administrator or the CLI: every session of the user ends."""
    user.password_hash = hash_password(password)
    revoke_all_sessions(user)


def reset_password(user: User) -> str:
    """Give the user a new random password (shown once to whoever reset it)."""
    password = generate_password()
    set_password(user, password)
    return password


def deactivate_user(user: User, *, actor: User | None = None) -> None:
    """Deactivation ends every session and revokes every API and feed token at once."""
    if actor is not None and actor.id == user.id:
        raise AccountConflict("自分自身を無効にすることはできません。")
    if user.role == "admin" and user.is_active and _other_active_admins(user) == 0:
        raise AccountConflict("最後のシステム管理者は無効にできません。")
    user.is_active_user = False
    revoke_all_sessions(user)
    revoke_api_tokens(user)
    user.feed_token_hash = None


def reactivate_user(user: User) -> None:
    """The user may log in again; sessions and tokens revoked at deactivation stay revoked."""
    user.is_active_user = True
