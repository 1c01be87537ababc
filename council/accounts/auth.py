"""How a request is tied to a user: a server-side session row, or a Bearer API token.

The signed Flask cookie carries only the session secret ("sid"); the row behind it is what
logout, a password change and deactivation revoke, so a copied cookie dies with it.
"""

from datetime import timedelta

from flask import g, request, session

from council.accounts import services
from council.database import best_effort_commit
from council.extensions import db, login_manager, utc_now

login_manager.login_view = "accounts.login"
login_manager.login_message = "このページを見るにはログインしてください。"
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"

LAST_USED_RESOLUTION = timedelta(minutes=1)


@login_manager.user_loader
def load_user(user_id: str):
    secret = session.get("sid")
    if not secret:
        return None
    user = services.find_session(secret)
    if user is None or str(user.id) != user_id:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = services.find_api_token(header.removeprefix("Bearer ").strip())
    if token is None:
        return None
    now = utc_now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Shown on the profile page ("last used"). The loader runs before the view has changed
        # anything, so this commit carries the timestamp alone; once a minute is precise enough,
        # and a stamp that meets a concurrent write (SQLite) is left to the next request.
        token.last_used_at = now
        if not best_effort_commit():
            token = services.find_api_token(header.removeprefix("Bearer ").strip())
            if token is None:
                return None
    g.api_token = token
    return token.user


def login(user, *, remember: bool = False) -> None:
    """Start a server-side session for `user` in this request's cookie."""
    from flask_login import login_user

    session.clear()
    session["sid"] = services.start_session(
        user,
        ip=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", ""),
    )
    login_user(user, remember=remember)


def logout() -> None:
    from flask_login import logout_user

    secret = session.get("sid")
    if secret:
        services.end_session(secret)
    logout_user()
    session.clear()
    db.session.flush()
