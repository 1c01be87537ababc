"""The signed-in user's own page: API tokens issued and revoked, and the password change."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from council.accounts import services
from council.accounts.forms import PasswordChangeForm, TokenForm
from council.accounts.models import ApiToken
from council.accounts.views.blueprint import bp
from council.extensions import db
from council.web.forms import run_action, save_form


def _render_profile(*, token_form=None, new_token=None, status=200):
    return render_template(
        "accounts/profile.html",
        user=current_user,
        tokens=services.active_api_tokens(current_user),
        token_form=token_form or TokenForm(),
        new_token=new_token,
    ), status


@bp.route("/profile")
@login_required
def profile():
    return _render_profile()


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def issue_token():
    form = TokenForm()
    # The real User, not the proxy: the audit entry records the object's type.
    saved = save_form(
        form,
        lambda: services.issue_api_token(current_user._get_current_object(), form.name.data or ""),
    )
    if not saved:
        return _render_profile(token_form=form, status=saved.status)
    # Shown on this response only: the token is stored as a hash and cannot be shown again.
    return _render_profile(new_token=saved.result, status=201)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)  # another user's token: not even its existence is told
    run_action(lambda: services.revoke_api_token(token))
    flash(f"APIトークン {token.prefix}… を失効させました。", "success")
    return redirect(url_for("accounts.profile") + "#tokens")


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    saved = save_form(
        form,
        lambda: services.change_own_password(
            current_user,
            current=form.current_password.data,
            new=form.new_password.data,
            keep=session.get("sid"),
        ),
    )
    if saved:
        flash("パスワードを変更しました。他の端末のログインは終了しました。", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form), saved.status
