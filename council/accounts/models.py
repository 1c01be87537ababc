"""Users, their server-side sessions, API tokens and login attempts."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.directory.models import Agency
from council.extensions import UTCDateTime, db, utc_now

ROLES = {
    "admin": "システム管理者",
    "hq": "本府省",
    "secretariat": "事務局",
    "member": "構成機関",
}


def hash_token(token: str) -> str:
    """Tokens are 32+ random bytes, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    role: Mapped[str] = mapped_column(sa.String(20))
    block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("blocks.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active_user: Mapped[bool] = mapped_column(
        "is_active", default=True, server_default=sa.true()
    )
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    feed_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Login failures before this moment no longer count (an administrator's unlock).
    login_unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    block = relationship("Block")
    agency = relationship("Agency")

    # password_hash is audited as "changed", never its value (see audit.hooks).
    audit_fields = (
        "email",
        "name",
        "role",
        "block_id",
        "agency_id",
        "is_active_user",
        "login_unlocked_at",
    )
    audit_secret_fields = ("password_hash", "feed_token_hash")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.is_active_user)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_hq(self) -> bool:
        return self.role == "hq"

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def is_member(self) -> bool:
        return self.role == "member"

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "hq")

    def audit_block_ids(self) -> set[int]:
        """The blocks whose secretariat sees changes to this account: a secretariat's block, and
        for a member the current blocks of its agency, before and after the change."""
        state = sa.inspect(self)
        blocks = set(state.attrs.block_id.history.deleted) | {self.block_id}
        agency_ids = set(state.attrs.agency_id.history.deleted) | {self.agency_id}
        session = state.session
        for agency_id in agency_ids - {None}:
            agency = session.get(Agency, agency_id) if session is not None else None
            if agency is not None:
                blocks |= agency.block_ids()
        return {b for b in blocks if b is not None}

    def audit_label(self) -> str:
        return f"{self.name} <{self.email}>"[:255]

    def get_id(self) -> str:
        # Flask-Login stores this in the cookie; accounts.sessions swaps it for a session row id.
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """A server-side login session; logout, password change and deactivation revoke it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Login attempts, kept in the database so that throttling holds across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str] = mapped_column(sa.String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    is_success: Mapped[bool] = mapped_column(default=False)
    is_refused: Mapped[bool] = mapped_column(default=False)
