"""Attendance: the secretariat's sheet (every agency's answer, who attended, the head count)
and an agency's own RSVP on the activity's page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.activities import queries, services
from council.activities.forms.attendance import AttendanceForm, RsvpForm, parse_attendance_rows
from council.activities.models import Activity
from council.activities.rules import RSVP_CHOICES
from council.activities.views.base import bp, load, load_editable, refusal, version_of
from council.activities.views.pages import render_detail
from council.extensions import db
from council.locking import EditConflict
from council.web.forms import save_form
from council.web.requests import require

STALE_HEAD_COUNT = (
    "他のユーザーが先に参加者数を更新しました。現在の値を確認して、もう一度保存してください。"
)


def _no_attendance_reason(activity: Activity) -> str:
    if activity.status in ("cancelled", "postponed"):
        return f"{activity.status_label}の活動には出欠・参加者数を記録できません。"
    return (
        f"開催前の活動には出欠・参加者数を記録できません。開催日({fiscal.format_date(activity.start_on)})"
        "以降に記録してください。"
    )


def _attendance_updates(values: dict, shown: dict, roster) -> list:
    updates = []
    for agency in roster:
        for field in services.ATTENDANCE_FIELDS:
            updates.append((agency, field, shown[agency.id][field], values[agency.id][field]))
    return updates


def _shown_values(formdata) -> dict:
    """The orig-* hidden inputs: what the page showed when it was loaded."""
    prefix = "orig-"
    return {key[len(prefix) :]: value for key, value in formdata.items() if key.startswith(prefix)}


def _conflict_message(error) -> str:
    """Which agencies' rows someone else changed meanwhile, or that the head count was."""
    if isinstance(error, services.AttendanceConflict):
        return (
            "他のユーザーが先に出欠を更新しました。"
            + "、".join(f"{agency.name}" for agency, *_ in error.conflicts)
            + "の欄を確認して、もう一度保存してください。"
        )
    return STALE_HEAD_COUNT


@bp.route("/<int:activity_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(activity_id: int):
    activity = load_editable(activity_id)
    if not activity.accepts_attendance:
        abort(409, description=_no_attendance_reason(activity))
    roster = queries.attendance_roster(activity)
    page = {"typed": None, "shown_rows": None, "row_errors": {}, "error": None}
    if request.method == "GET":
        form = AttendanceForm(
            formdata=None, data={"participants": activity.participants, "version": activity.version}
        )
        return _render_attendance(activity, form, roster, page)
    form = AttendanceForm()
    page["typed"], form.row_errors = parse_attendance_rows(request.form, roster)
    page["row_errors"] = form.row_errors
    page["shown_rows"], shown_errors = parse_attendance_rows(_shown_values(request.form), roster)
    if shown_errors:
        abort(400)
    saved = save_form(
        form,
        lambda: services.record_attendance(
            activity,
            _attendance_updates(page["typed"], page["shown_rows"], roster),
            actor=current_user,
            participants=form.participants.data,
            set_participants=True,
            expected_version=version_of(form.version.data),
        ),
    )
    if saved:
        flash("出欠を記録しました。", "success")
        return redirect(url_for("activities.detail", activity_id=activity_id))
    if saved.error is not None:
        refusal(form, saved)
        page["error"] = _conflict_message(saved.error)
    if isinstance(saved.error, EditConflict):
        form.version.data = db.session.get(Activity, activity_id).version
    return _render_attendance(activity, form, roster, page, status=saved.status)


def _render_attendance(activity, form, roster, page: dict, status: int = 200):
    return render_template(
        "activities/attendance.html",
        activity=activity,
        form=form,
        roster=roster,
        current=queries.attendance_by_agency(activity),
        rsvp_labels=RSVP_CHOICES,
        **page,
    ), status


@bp.route("/<int:activity_id>/rsvp", methods=["POST"])
@login_required
def rsvp(activity_id: int):
    activity = load(activity_id)
    require(permissions.can_rsvp(current_user, activity))
    form = RsvpForm()
    saved = save_form(
        form,
        lambda: services.set_rsvp(
            activity,
            current_user.agency,
            actor=current_user,
            rsvp=form.rsvp.data,
            persons=form.persons.data or "",
        ),
    )
    if not saved:
        return render_detail(activity, status=saved.status, rsvp_form=form)
    flash(f"出欠({RSVP_CHOICES[form.rsvp.data]})を登録しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attendance")
