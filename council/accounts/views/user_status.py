"""A manager's actions on an account, each with the reason recorded in the audit log:
deactivating, reactivating, and issuing a new password."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from council.accounts import services
from council.accounts.views.blueprint import bp
from council.accounts.views.users import edit_form, manageable_user_or_404, render_edit
from council.audit.hooks import with_reason
from council.formfields import ReasonForm
from council.web.forms import save_form


def _status_change(user_id: int, change, message: str):
    """Deactivate or reactivate: load, check, validate the reason, act, commit. A refusal
    (oneself, the last administrator) is shown above the actions with its status (409)."""
    user = manageable_user_or_404(user_id)
    reason_form = ReasonForm()
    saved = save_form(reason_form, with_reason(reason_form, lambda: change(user)))
    if not saved:
        return render_edit(user, edit_form(user), reason_form=reason_form, status=saved.status)
    flash(message.format(name=user.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate_user(user_id: int):
    return _status_change(
        user_id,
        lambda user: services.deactivate_user(user, actor=current_user),
        "{name}さんのアカウントを無効にしました。ログイン中のセッションとトークンはすべて失効しました。",
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate_user(user_id: int):
    return _status_change(
        user_id, services.reactivate_user, "{name}さんのアカウントを有効に戻しました。"
    )


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    user = manageable_user_or_404(user_id)
    reason_form = ReasonForm()
    saved = save_form(reason_form, with_reason(reason_form, lambda: services.reset_password(user)))
    if not saved:
        return render_edit(user, edit_form(user), reason_form=reason_form, status=saved.status)
    # Shown on this response only, to the manager who passes it on to the user.
    return render_template(
        "accounts/user_password.html", user=user, password=saved.result, created=False
    )
