"""Settings from the environment; secrets from instance/."""

import contextlib
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("COUNCIL_INSTANCE", ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        _create_secret_key(path)
    return path.read_text().strip()


def _create_secret_key(path: Path) -> None:
    """Write a new key unless another process (a second gunicorn worker, the notices sender
    starting beside it) has just done so: the key is written to a file of its own and then
    linked into place, which fails if the name exists, so every process ends up reading the
    one complete key that won."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    # Written with 0600 so the key is readable by the service user only.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        # If another process won, its key is complete, since it was linked after writing.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()


def _mail_settings(instance: Path) -> dict:
    """Notices (SPEC "Notices"): SMTP when MAIL_SERVER is set, else .eml files."""
    env = os.environ.get
    return {
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "587")),
        "MAIL_USE_STARTTLS": env("MAIL_USE_STARTTLS", "1") not in ("0", "false", "False", ""),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_FROM": env("MAIL_FROM", "council@localhost"),
        "MAIL_FOLDER": env("MAIL_FOLDER", str(instance / "mail")),
        # Absolute links in mails and calendar invitations (a mail has no request to ask).
        "BASE_URL": env("COUNCIL_BASE_URL", "http://127.0.0.1:5000"),
        "NOTICES_DAILY_HOUR": int(env("NOTICES_DAILY_HOUR", "8")),  # Japan time
        "NOTICES_MINUTES_DUE_DAYS": 14,  # a held meeting without minutes after N days
        "NOTICES_REMINDER_DAYS": 2,  # before the comment deadline
        "NOTICES_BATCH": 50,
        "NOTICES_MAX_ATTEMPTS": 8,
        "NOTICES_BACKOFF_SECONDS": 60,  # doubled after each failed attempt, up to 6 hours
        "NOTICES_LEASE_SECONDS": 600,  # a claim older than this is taken over (crashed sender)
        "NOTICES_POLL_SECONDS": 5,
    }


def load_config(instance: Path = INSTANCE) -> dict:
    """The default configuration, overridden by instance/config.py and the environment."""
    config = {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'council.db'}",
        # No pre-ping: it costs a round trip on every checkout, and a request is a few
        # statements. A connection the server dropped fails one request, and SQLAlchemy then
        # replaces the whole pool; recycling keeps connections from growing stale meanwhile.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("COUNCIL_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # The CSRF token lives as long as the session: a long minutes edit must not expire.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("COUNCIL_ENV") == "production",
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        "REMEMBER_COOKIE_SECURE": os.environ.get("COUNCIL_ENV") == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "LOGIN_ACCOUNT_MAX_FAILURES": 20,
        "LOGIN_ACCOUNT_WINDOW_MINUTES": 60,
        "FEED_WINDOW_DAYS_BACK": 365,
        "FEED_WINDOW_DAYS_AHEAD": 730,
        "PAGE_SIZE": 50,
        "PROXY_FIX": os.environ.get("COUNCIL_PROXY_FIX") == "1",
        **_mail_settings(instance),
    }
    if os.environ.get("DATABASE_URL", "").startswith("postgres://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + os.environ[
            "DATABASE_URL"
        ].removeprefix("postgres://")
    override = instance / "config.py"
    if override.exists():
        namespace: dict = {}
        exec(compile(override.read_text(), str(override), "exec"), namespace)  # noqa: S102
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    return config
