"""Login, logout, the profile page and password change."""

import logging

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from council.accounts import auth, services, throttle
from council.accounts.forms import LoginForm, PasswordChangeForm
from council.accounts.models import User
from council.extensions import db

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)

LOCKED_MESSAGE = (
    "ログインに続けて失敗したため、しばらくログインできません。15分ほど待ってから、"
    "もう一度お試しください。"
)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        ip = request.remote_addr or ""
        if throttle.is_locked(email, ip):
            throttle.record_attempt(email, ip, success=False, refused=True)
            db.session.commit()
            log.warning("login refused (throttled) for %s from %s", email, ip)
            form.password.errors.append(LOCKED_MESSAGE)
            return render_template("accounts/login.html", form=form), 429
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if (
            user is not None
            and user.is_active
            and services.check_password(user, form.password.data)
        ):
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


@bp.route("/profile")
@login_required
def profile():
    return render_template("accounts/profile.html", user=current_user)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not services.check_password(current_user, form.current_password.data):
            form.current_password.errors.append("現在のパスワードが正しくありません。")
            return render_template("accounts/password.html", form=form), 400
        from council.accounts.passwords import hash_password

        current_user.password_hash = hash_password(form.new_password.data)
        # Every other session of this user ends; this one goes on.
        services.revoke_all_sessions(current_user, keep=session.get("sid"))
        db.session.commit()
        flash("パスワードを変更しました。他の端末のログインは終了しました。", "success")
        return redirect(url_for("accounts.profile"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/password.html", form=form), status
