"""The notices pages: the list with its unread count, the settings, and unsubscribe."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council.extensions import csrf, db
from council.notices import services
from council.notices.forms import settings_form
from council.notices.kinds import KINDS, MODES, kinds_for
from council.notices.models import Notice
from council.web.forms import run_action, save_form

bp = Blueprint("notices", __name__, url_prefix="/notices")
PAGE = 100


@bp.route("")
@login_required
def index():
    notices = db.session.scalars(
        sa.select(Notice)
        .where(Notice.user_id == current_user.id)
        .order_by(Notice.read_at.is_not(None), Notice.created_at.desc(), Notice.id.desc())
        .limit(PAGE)
    ).all()
    return render_template("notices/index.html", notices=notices, kinds=KINDS)


@bp.route("/read", methods=["POST"])
@login_required
def read():
    notice_id = request.form.get("notice_id", type=int)
    run_action(lambda: services.mark_read(current_user, notice_id))
    return redirect(url_for("notices.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = settings_form(
        current_user.role,
        services.user_modes(current_user),
        formdata=request.form if request.method == "POST" else None,
    )
    chosen = {kind.code: getattr(form, kind.code).data for kind in kinds_for(current_user.role)}
    saved = save_form(form, lambda: services.set_modes(current_user, chosen))
    if saved:
        flash("お知らせの受け取り方を保存しました。", "success")
        return redirect(url_for("notices.settings"))
    return render_template("notices/settings.html", form=form, kinds=KINDS), saved.status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058: a GET only shows the choice (mail scanners follow links); a POST carrying
    List-Unsubscribe=One-Click acts. The signed token is the authorisation, so this is the
    one POST route without a CSRF token, and no login is needed."""
    data = services.read_unsubscribe_token(token)
    if data is None:
        abort(404)
    kind = KINDS[data["k"]]
    if kind.is_mandatory:
        abort(400)  # never issued: a 照会 cannot be switched off
    if request.method == "POST":
        if request.form.get("List-Unsubscribe") != "One-Click":
            abort(400)
        run_action(lambda: services.unsubscribe(data))
        return render_template("notices/unsubscribe.html", kind=kind, done=True, token=token)
    return render_template(
        "notices/unsubscribe.html", kind=kind, done=False, token=token, off_label=MODES["off"]
    )
