"""Writing the minutes: create and edit the draft with its action items, correct approved
minutes by a new revision, and the conflict page when someone saved in between."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.accounts.models import User
from council.extensions import db
from council.locking import EditConflict
from council.minutes import diffs, queries, services
from council.minutes.forms import CorrectionForm, MinutesForm, NewMinutesForm
from council.minutes.models import RECORD_FIELDS
from council.minutes.views.common import activity_or_404, back_to_minutes, bp, minutes_or_404
from council.web.forms import save_form
from council.web.requests import require

# --- writing a draft -----------------------------------------------------------------------


def _draft(form) -> dict:
    """What the draft editor posted, as the services take it: the record and the rows."""
    return {"action_items": _action_item_rows(form), **form.record_data()}


def _action_item_rows(form) -> list[services.ActionItemInput]:
    return [
        services.ActionItemInput(
            id=entry.form.id.data,
            description=entry.form.description.data or "",
            owner_agency_id=entry.form.owner_agency_id.data,
            due_on=entry.form.due_on.data,
            remove=bool(entry.form.remove.data),
        )
        for entry in form.action_items
    ]


def _blank_rows_only(form) -> bool:
    """A GET, or the 行を追加 button (which saves nothing): the editor with more empty rows."""
    if request.method == "POST" and "add_rows" not in request.form:
        return False
    form.add_blank_rows()
    return True


def _render_edit(activity, minutes, form, *, status=200, creating=False):
    form.set_owner_choices(queries.owner_agency_choices(activity))
    return render_template(
        "minutes/edit.html",
        activity=activity,
        minutes=minutes,
        form=form,
        creating=creating,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(activity_id: int):
    activity = activity_or_404(activity_id)
    require(permissions.can_manage_minutes(current_user, activity))
    if not activity.is_meeting:
        abort(404)
    if request.method == "GET":
        if activity.minutes is not None:
            return redirect(url_for("minutes.edit", activity_id=activity_id))
        attendees = queries.default_attendees(activity)
        form = NewMinutesForm(formdata=None, data={"attendees": attendees})
    else:
        form = NewMinutesForm()
    if _blank_rows_only(form):
        return _render_edit(activity, None, form, creating=True)
    form.set_owner_choices(queries.owner_agency_choices(activity))
    saved = save_form(
        form,
        lambda: services.create_minutes(activity, actor=current_user, **_draft(form)),
    )
    if not saved:
        return _render_edit(activity, None, form, status=saved.status, creating=True)
    flash("議事録(案)を作成しました。", "success")
    return back_to_minutes(activity_id)


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_manage_minutes(current_user, activity))
    if request.method == "GET":
        if minutes.status != "draft":
            flash(
                services.LOCKED_APPROVED
                if minutes.status == "approved"
                else services.LOCKED_CIRCULATED,
                "warning",
            )
            return back_to_minutes(activity_id)
        form = MinutesForm(formdata=None, obj=minutes)
    else:
        form = MinutesForm()
    if _blank_rows_only(form):
        return _render_edit(activity, minutes, form)
    form.set_owner_choices(queries.owner_agency_choices(activity))
    saved = save_form(
        form,
        lambda: services.update_minutes(
            minutes, actor=current_user, expected_version=form.version.data, **_draft(form)
        ),
    )
    if isinstance(saved.error, EditConflict):
        return _render_conflict(activity, minutes, form)
    if not saved:
        return _render_edit(activity, minutes, form, status=saved.status)
    flash("議事録(案)を保存しました。", "success")
    return back_to_minutes(activity_id)


def _render_conflict(activity, minutes, form, *, correcting=False):
    """409: what is saved now, how it differs from the user's text, and that text kept in an
    editable form carrying the current version, so the user can merge and save again."""
    saved = {name: getattr(minutes, name) for name in RECORD_FIELDS}
    mine = form.record_data()
    form.version.data = minutes.version
    if not correcting:
        form.set_owner_choices(queries.owner_agency_choices(activity))
    saved_by = db.session.get(User, minutes.updated_by_id) if minutes.updated_by_id else None
    return render_template(
        "minutes/conflict.html",
        activity=activity,
        minutes=minutes,
        form=form,
        saved=saved,
        diffs=diffs.field_diffs(saved, mine),
        saved_by=saved_by,
        correcting=correcting,
    ), 409


# --- corrections and revisions -------------------------------------------------------------


@bp.route("/correct", methods=["GET", "POST"])
@login_required
def correct(activity_id: int):
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_manage_minutes(current_user, activity))
    if minutes.status != "approved":
        if request.method == "GET":
            flash("訂正は確定した議事録について行います。", "warning")
            return back_to_minutes(activity_id)
        abort(409, description="訂正は確定した議事録について行います。")
    if request.method == "GET":
        form = CorrectionForm(formdata=None, obj=minutes)
        form.reason.data = ""
    else:
        form = CorrectionForm()
    saved = save_form(
        form,
        lambda: services.correct_minutes(
            minutes,
            actor=current_user,
            expected_version=form.version.data,
            reason=form.reason.data,
            **form.record_data(),
        ),
    )
    if isinstance(saved.error, EditConflict):
        return _render_conflict(activity, minutes, form, correcting=True)
    if not saved:
        return render_template(
            "minutes/correct.html", activity=activity, minutes=minutes, form=form
        ), saved.status
    number = saved.result.number
    flash(f"議事録を訂正しました(第{number}版)。", "success")
    return redirect(url_for("minutes.revision", activity_id=activity_id, number=number))
