"""Status changes: held, postponed, rescheduled, cancelled. Each page is a small form whose
refusal (a stale version, a transition the status forbids) is shown above it with a 409."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal
from council.activities import services
from council.activities.forms.status import CancelForm, HeldForm, PostponeForm, RescheduleForm
from council.activities.models import Activity
from council.activities.views.base import bp, load_editable, refusal, version_of
from council.audit.hooks import set_reason
from council.extensions import db
from council.locking import EditConflict
from council.web.forms import save_form

STATUS_PAGES = {
    "held": ("実施済みにする", HeldForm),
    "postpone": ("延期する", PostponeForm),
    "reschedule": ("延期後の日程を登録する", RescheduleForm),
    "cancel": ("中止する", CancelForm),
}
STALE = (
    "他のユーザーがこの活動を先に更新しました。最新の内容を確認してから、もう一度操作してください。"
)


def _render_status(action: str, activity, form, *, status=200, error=None):
    return render_template(
        "activities/status.html",
        action=action,
        heading=STATUS_PAGES[action][0],
        activity=activity,
        form=form,
        error=error,
        reason_required=services.reason_required(activity),
    ), status


def _status_view(activity_id: int, action: str, apply):
    """load → check → the page (GET) or the change (POST): `apply(activity, form, version)`
    calls the one service of this status change."""
    activity = load_editable(activity_id)
    if action == "held" and not activity.has_begun():
        abort(
            409,
            description=f"開催日({fiscal.format_date(activity.start_on)})より前に実施済みにはできません。"
            "開催日以降に操作してください。",
        )
    form_class = STATUS_PAGES[action][1]
    if request.method == "GET":
        data = {"version": activity.version}
        if action == "held":
            data["participants"] = activity.participants
        return _render_status(action, activity, form_class(formdata=None, data=data))
    form = form_class()
    form.date_only = activity.category.is_date_only
    form.reason_required = services.reason_required(activity)
    saved = save_form(form, lambda: apply(activity, form, version_of(form.version.data)))
    if saved:
        return redirect(url_for("activities.detail", activity_id=activity_id))
    error = refusal(form, saved)
    if isinstance(saved.error, EditConflict):
        form.version.data = db.session.get(Activity, activity_id).version
        error = STALE
    return _render_status(action, activity, form, status=saved.status, error=error)


def _log_reason(form) -> None:
    """The optional 変更理由 of held and reschedule goes to the audit log only (postpone and
    cancel keep their reason on the activity, through their services)."""
    if form.reason.data:
        set_reason(db.session, form.reason.data.strip())


@bp.route("/<int:activity_id>/held", methods=["GET", "POST"])
@login_required
def held(activity_id: int):
    def apply(activity, form, version):
        _log_reason(form)
        services.mark_held(
            activity,
            actor=current_user,
            participants=form.participants.data,
            expected_version=version,
        )
        flash("実施済みにしました。", "success")

    return _status_view(activity_id, "held", apply)


@bp.route("/<int:activity_id>/postpone", methods=["GET", "POST"])
@login_required
def postpone(activity_id: int):
    def apply(activity, form, version):
        starts_at, ends_at, is_all_day = form.schedule or (None, None, False)
        services.postpone_activity(
            activity,
            actor=current_user,
            starts_at=starts_at,
            ends_at=ends_at,
            is_all_day=is_all_day,
            reason=(form.reason.data or "").strip(),
            expected_version=version,
        )
        flash(
            "延期しました。"
            + ("" if starts_at else "新しい日程が決まったら「延期後の日程を登録」してください。"),
            "success",
        )

    return _status_view(activity_id, "postpone", apply)


@bp.route("/<int:activity_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(activity_id: int):
    def apply(activity, form, version):
        _log_reason(form)
        starts_at, ends_at, is_all_day = form.schedule
        services.reschedule_activity(
            activity,
            actor=current_user,
            starts_at=starts_at,
            ends_at=ends_at,
            is_all_day=is_all_day,
            expected_version=version,
        )
        flash("延期後の日程を登録しました。", "success")

    return _status_view(activity_id, "reschedule", apply)


@bp.route("/<int:activity_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(activity_id: int):
    def apply(activity, form, version):
        services.cancel_activity(
            activity, actor=current_user, reason=form.reason.data, expected_version=version
        )
        flash("中止にしました。予定表には「中止」として残ります。", "success")

    return _status_view(activity_id, "cancel", apply)
