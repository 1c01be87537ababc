"""Logging in (throttled against guessing) and out."""

import logging
from urllib.parse import urlsplit, urlunsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.accounts import auth, services, throttle
from council.accounts.forms import LoginForm
from council.accounts.views.blueprint import bp
from council.extensions import db

log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """A path on this host, rebuilt from its parsed parts, or the home page. Any whitespace or
    control character refuses the target: browsers drop tabs and newlines before resolving,
    so `/<TAB>/evil.example` would become `//evil.example`, and a newline cannot go in a header."""
    home = url_for("home.index")
    if not target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return home
    if "\\" in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return home
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        ip = request.remote_addr or ""
        # Check and record atomically: concurrent attempts must not all pass one check.
        throttle.serialize(email)
        wait = throttle.check(email, ip)
        if wait is not None:
            throttle.record_attempt(email, ip, success=False, refused=True)
            db.session.commit()
            log.warning("login refused (%s lock) for %s from %s", wait.scope, email, ip)
            form.password.errors.append(wait.message)
            return (
                render_template("accounts/login.html", form=form),
                429,
                {"Retry-After": str(wait.seconds_left)},
            )
        user = services.authenticate(email, form.password.data)
        if user is not None:
            throttle.record_attempt(email, ip, success=True)
            auth.login(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_attempt(email, ip, success=False)
        db.session.commit()
        log.info("login failed for %s from %s", email, ip)
        form.password.errors.append("メールアドレスまたはパスワードが正しくありません。")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        auth.logout()
        db.session.commit()
    flash("ログアウトしました。", "success")
    return redirect(url_for("home.index"))
