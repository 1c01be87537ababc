"""Minutes (議事録) pages: write, circulate, answer, approve, correct, print.

Every view: load → check access (permissions) → validate → one service → commit → respond.
Approved minutes are never changed in place: every write route refuses them with 409, except
the correction, which adds a revision.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from council import permissions
from council.accounts.models import User
from council.activities import minutes_services as services
from council.activities.minutes_forms import (
    ActionItemDoneForm,
    CirculateForm,
    CorrectionForm,
    MinutesForm,
    NewMinutesForm,
    RespondForm,
    WorkflowForm,
    default_deadline,
    today,
)
from council.activities.models import RECORD_FIELDS, ActionItem, Activity, MinutesResponse
from council.activities.services import EditConflict
from council.extensions import db

bp = Blueprint("minutes", __name__, url_prefix="/activities/<int:activity_id>/minutes")

CONFLICT_MESSAGE = (
    "他のユーザーが先に議事録を更新しました。最新の内容を確認してから、もう一度操作してください。"
)


# --- loading -------------------------------------------------------------------------------


def _activity(activity_id: int) -> Activity:
    activity = db.get_or_404(Activity, activity_id)
    if activity.deleted_at is not None:
        abort(404)
    return activity


def _minutes(activity_id: int):
    activity = _activity(activity_id)
    if activity.minutes is None:
        abort(404)
    return activity, activity.minutes


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _refuse_if_approved(minutes) -> None:
    # Checked before the form: approved minutes answer 409 whatever was posted.
    if minutes.is_locked:
        abort(409, description=services.LOCKED_APPROVED)


def _back(activity_id: int):
    return redirect(url_for("minutes.show", activity_id=activity_id))


# --- the minutes page ----------------------------------------------------------------------


def _render_show(activity, minutes, status=200, **forms):
    manage = permissions.can_manage_minutes(current_user, activity)
    respond_form = forms.get("respond_form")
    own_response = None
    if permissions.can_respond_to_minutes(current_user, minutes):
        own_response = next(
            (r for r in minutes.responses if r.agency_id == current_user.agency_id), None
        )
        if respond_form is None:
            respond_form = RespondForm(
                formdata=None,
                data={
                    "answer": None
                    if own_response is None
                    else ("confirm" if own_response.is_confirmed else "comment"),
                    "comment": own_response.comment if own_response else "",
                },
            )
    circulate_form = forms.get("circulate_form") or CirculateForm(
        formdata=None,
        data={"comment_deadline_on": default_deadline(), "version": minutes.version},
    )
    return render_template(
        "minutes/show.html",
        activity=activity,
        minutes=minutes,
        manage=manage,
        rows=services.response_rows(minutes)
        if (manage or permissions.is_staff(current_user)) and minutes.status != "draft"
        else [],
        circulate_form=circulate_form,
        workflow_form=WorkflowForm(formdata=None, data={"version": minutes.version}),
        respond_form=respond_form,
        own_response=own_response,
        done_form=ActionItemDoneForm(formdata=None),
        today=today(),
        error=forms.get("error"),
    ), status


@bp.route("")
@login_required
def show(activity_id: int):
    activity = _activity(activity_id)
    minutes = activity.minutes
    if minutes is None:
        if permissions.can_manage_minutes(current_user, activity) and activity.is_meeting:
            return redirect(url_for("minutes.create", activity_id=activity_id))
        abort(404)
    _require(permissions.can_view_minutes(current_user, minutes))
    return _render_show(activity, minutes)


# --- writing a draft -----------------------------------------------------------------------


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


def _render_edit(activity, minutes, form, *, status=200, error=None, creating=False):
    form.set_owner_choices(services.owner_agency_choices(activity))
    return render_template(
        "minutes/edit.html",
        activity=activity,
        minutes=minutes,
        form=form,
        creating=creating,
        error=error,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(activity_id: int):
    activity = _activity(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    if not activity.is_meeting:
        abort(404)
    if request.method == "GET":
        if activity.minutes is not None:
            return redirect(url_for("minutes.edit", activity_id=activity_id))
        form = NewMinutesForm(
            formdata=None, data={"attendees": services.default_attendees(activity)}
        )
        form.add_blank_rows()
        return _render_edit(activity, None, form, creating=True)
    form = NewMinutesForm()
    if "add_rows" in request.form:
        form.add_blank_rows()
        return _render_edit(activity, None, form, creating=True)
    form.set_owner_choices(services.owner_agency_choices(activity))
    if not form.validate():
        return _render_edit(activity, None, form, status=400, creating=True)
    try:
        services.create_minutes(
            activity,
            actor=current_user,
            action_items=_action_item_rows(form),
            **form.record_data(),
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _render_edit(
            activity,
            None,
            form,
            status=409,
            creating=True,
            error="他のユーザーが同時にこの会議の議事録を作成しました。入力内容を控えてから、作成済みの議事録を開いてください。",
        )
    except services.MinutesError as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, services.MinutesLocked) else 400
        return _render_edit(activity, None, form, status=status, creating=True, error=str(exc))
    flash("議事録(案)を作成しました。", "success")
    return _back(activity_id)


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    if request.method == "GET":
        if minutes.status != "draft":
            flash(
                services.LOCKED_APPROVED
                if minutes.status == "approved"
                else services.LOCKED_CIRCULATED,
                "warning",
            )
            return _back(activity_id)
        form = MinutesForm(formdata=None, obj=minutes)
        form.add_blank_rows()
        return _render_edit(activity, minutes, form)
    form = MinutesForm()
    if "add_rows" in request.form:
        form.add_blank_rows()
        return _render_edit(activity, minutes, form)
    form.set_owner_choices(services.owner_agency_choices(activity))
    if not form.validate():
        return _render_edit(activity, minutes, form, status=400)
    try:
        services.update_minutes(
            minutes,
            actor=current_user,
            expected_version=form.version.data,
            action_items=_action_item_rows(form),
            **form.record_data(),
        )
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        return _render_conflict(activity, minutes, form)
    except services.MinutesError as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, services.MinutesLocked) else 400
        return _render_edit(activity, minutes, form, status=status, error=str(exc))
    flash("議事録(案)を保存しました。", "success")
    return _back(activity_id)


def _render_conflict(activity, minutes, form, *, correcting=False):
    """409: what is saved now, how it differs from the user's text, and that text kept in an
    editable form carrying the current version, so the user can merge and save again."""
    saved = {name: getattr(minutes, name) for name in RECORD_FIELDS}
    mine = form.record_data()
    form.version.data = minutes.version
    if not correcting:
        form.set_owner_choices(services.owner_agency_choices(activity))
    saved_by = db.session.get(User, minutes.updated_by_id) if minutes.updated_by_id else None
    return render_template(
        "minutes/conflict.html",
        activity=activity,
        minutes=minutes,
        form=form,
        saved=saved,
        diffs=services.field_diffs(saved, mine),
        saved_by=saved_by,
        correcting=correcting,
    ), 409


# --- workflow ------------------------------------------------------------------------------


def _workflow_error(activity, minutes, exc: Exception):
    db.session.rollback()
    if isinstance(exc, EditConflict):
        abort(409, description=CONFLICT_MESSAGE)
    if isinstance(exc, services.MinutesLocked):
        abort(409, description=str(exc))
    return _render_show(activity, minutes, status=400, error=str(exc))


@bp.route("/circulate", methods=["POST"])
@login_required
def circulate(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    _refuse_if_approved(minutes)
    form = CirculateForm()
    if not form.validate():
        return _render_show(activity, minutes, status=400, circulate_form=form)
    try:
        services.circulate_minutes(
            minutes,
            actor=current_user,
            expected_version=form.version.data,
            deadline=form.comment_deadline_on.data,
        )
        db.session.commit()
    except (EditConflict, services.MinutesError) as exc:
        return _workflow_error(activity, minutes, exc)
    flash("議事録を構成機関に照会しました。", "success")
    return _back(activity_id)


@bp.route("/return", methods=["POST"])
@login_required
def return_to_draft(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    _refuse_if_approved(minutes)
    form = WorkflowForm()
    if not form.validate():
        abort(400)
    try:
        services.return_to_draft(minutes, actor=current_user, expected_version=form.version.data)
        db.session.commit()
    except (EditConflict, services.MinutesError) as exc:
        return _workflow_error(activity, minutes, exc)
    flash("議事録を案に戻しました。修正後、改めて照会してください。", "success")
    return _back(activity_id)


@bp.route("/respond", methods=["POST"])
@login_required
def respond(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_respond_to_minutes(current_user, minutes))
    form = RespondForm()
    if not form.validate():
        return _render_show(activity, minutes, status=400, respond_form=form)
    try:
        services.respond_to_minutes(
            minutes,
            actor=current_user,
            agency_id=current_user.agency_id,
            confirmed=form.answer.data == "confirm",
            comment=form.comment.data or "",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(
            409,
            description="同じ機関の回答が同時に送信されました。画面を開き直して確認してください。",
        )
    except services.MinutesError as exc:
        return _workflow_error(activity, minutes, exc)
    flash("回答を送信しました。", "success")
    return _back(activity_id)


@bp.route("/approve", methods=["POST"])
@login_required
def approve(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    _refuse_if_approved(minutes)
    form = WorkflowForm()
    if not form.validate():
        abort(400)
    try:
        services.approve_minutes(minutes, actor=current_user, expected_version=form.version.data)
        db.session.commit()
    except (EditConflict, services.MinutesError) as exc:
        return _workflow_error(activity, minutes, exc)
    flash("議事録を確定しました(第1版)。", "success")
    return _back(activity_id)


# --- corrections and revisions -------------------------------------------------------------


@bp.route("/correct", methods=["GET", "POST"])
@login_required
def correct(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_manage_minutes(current_user, activity))
    if minutes.status != "approved":
        if request.method == "GET":
            flash("訂正は確定した議事録について行います。", "warning")
            return _back(activity_id)
        abort(409, description="訂正は確定した議事録について行います。")
    if request.method == "GET":
        form = CorrectionForm(formdata=None, obj=minutes)
        form.reason.data = ""
        return render_template(
            "minutes/correct.html", activity=activity, minutes=minutes, form=form
        )
    form = CorrectionForm()
    if not form.validate():
        return render_template(
            "minutes/correct.html", activity=activity, minutes=minutes, form=form
        ), 400
    try:
        revision = services.correct_minutes(
            minutes,
            actor=current_user,
            expected_version=form.version.data,
            reason=form.reason.data,
            **form.record_data(),
        )
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        return _render_conflict(activity, minutes, form, correcting=True)
    except services.MinutesError as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, services.MinutesLocked) else 400
        return render_template(
            "minutes/correct.html", activity=activity, minutes=minutes, form=form, error=str(exc)
        ), status
    flash(f"議事録を訂正しました(第{revision.number}版)。", "success")
    return redirect(url_for("minutes.revision", activity_id=activity_id, number=revision.number))


@bp.route("/revisions/<int:number>")
@login_required
def revision(activity_id: int, number: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_view_minutes(current_user, minutes))
    current = services.get_revision(minutes, number)
    if current is None:
        abort(404)
    previous = services.get_revision(minutes, number - 1)
    diffs = {}
    if previous is not None:
        diffs = services.field_diffs(
            {name: getattr(previous, name) for name in RECORD_FIELDS},
            {name: getattr(current, name) for name in RECORD_FIELDS},
        )
    return render_template(
        "minutes/revision.html",
        activity=activity,
        minutes=minutes,
        revision=current,
        previous=previous,
        diffs=diffs,
    )


@bp.route("/print")
@login_required
def print_view(activity_id: int):
    activity, minutes = _minutes(activity_id)
    _require(permissions.can_view_minutes(current_user, minutes))
    number = request.args.get("revision", type=int)
    revision = None
    if number is not None:
        revision = services.get_revision(minutes, number)
        if revision is None:
            abort(404)
    source = revision or minutes
    latest = minutes.revisions[-1] if minutes.revisions else None
    return render_template(
        "minutes/print.html",
        activity=activity,
        minutes=minutes,
        record={name: getattr(source, name) for name in RECORD_FIELDS},
        revision=revision or latest,
        first=minutes.revisions[0] if minutes.revisions else None,
        heading=services.minutes_heading(activity),
    )


# --- action items --------------------------------------------------------------------------


@bp.route("/action-items/<int:item_id>/done", methods=["POST"])
@login_required
def set_action_item_done(activity_id: int, item_id: int):
    activity, minutes = _minutes(activity_id)
    item = db.session.scalar(
        sa.select(ActionItem).where(ActionItem.id == item_id, ActionItem.minutes_id == minutes.id)
    )
    if item is None:
        abort(404)
    _require(permissions.can_update_action_item(current_user, item))
    form = ActionItemDoneForm()
    if not form.validate():
        abort(400)
    services.set_action_item_done(item, actor=current_user, done=form.done.data == "1")
    db.session.commit()
    flash("対応状況を更新しました。", "success")
    if request.form.get("return_to") == "home":
        return redirect(url_for("home.index"))
    return _back(activity_id)


@bp.app_template_global()
def minutes_response_label(response: MinutesResponse | None) -> str:
    if response is None:
        return "未回答"
    return "確認済み" if response.is_confirmed else "意見あり"
