"""The minutes page and what is done from it: the workflow buttons (circulate, return to
draft, answer, approve), the revisions, the print view and the action items' done flags."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.extensions import db
from council.minutes import diffs, queries, services
from council.minutes.forms import (
    ActionItemDoneForm,
    CirculateForm,
    RespondForm,
    WorkflowForm,
    default_deadline,
    today,
)
from council.minutes.models import RECORD_FIELDS, ActionItem
from council.minutes.views.common import (
    activity_or_404,
    back_to_minutes,
    bp,
    minutes_or_404,
    refuse_if_approved,
)
from council.web.forms import save_form
from council.web.requests import require

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
        rows=queries.response_rows(minutes)
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
    activity = activity_or_404(activity_id)
    minutes = activity.minutes
    if minutes is None:
        if permissions.can_manage_minutes(current_user, activity) and activity.is_meeting:
            return redirect(url_for("minutes.create", activity_id=activity_id))
        abort(404)
    require(permissions.can_view_minutes(current_user, minutes))
    return _render_show(activity, minutes)


# --- workflow ------------------------------------------------------------------------------


def _workflow_step(activity, minutes, form, action, done: str, *, form_name=None):
    """The one path of the workflow buttons (circulate, return to draft, answer, approve).
    An invalid post shows the page again with the form's errors (`form_name`: which form of
    the page it is) or, for the buttons that post only the version, is a plain 400; a refused
    step is a 409 page when the minutes' state or version forbids it, else the page with the
    message above it."""
    saved = save_form(form, action)
    if saved:
        flash(done, "success")
        return back_to_minutes(activity.id)
    if saved.error is None:
        if form_name is None:
            abort(400)
        return _render_show(activity, minutes, status=400, **{form_name: form})
    if saved.status == 409:
        abort(409, description=str(saved.error))
    return _render_show(activity, minutes, status=400, error=str(saved.error))


def _managed_before_approval(activity_id: int):
    """The minutes a secretariat's workflow button acts on: the user manages them, and approved
    minutes answer 409 before the form is looked at."""
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_manage_minutes(current_user, activity))
    refuse_if_approved(minutes)
    return activity, minutes


def _version_only_step(activity_id: int, service, done: str):
    """Return to draft and approve: buttons that post only the version the user saw."""
    activity, minutes = _managed_before_approval(activity_id)
    form = WorkflowForm()
    return _workflow_step(
        activity,
        minutes,
        form,
        lambda: service(minutes, actor=current_user, expected_version=form.version.data),
        done,
    )


@bp.route("/circulate", methods=["POST"])
@login_required
def circulate(activity_id: int):
    activity, minutes = _managed_before_approval(activity_id)
    form = CirculateForm()
    return _workflow_step(
        activity,
        minutes,
        form,
        lambda: services.circulate_minutes(
            minutes,
            actor=current_user,
            expected_version=form.version.data,
            deadline=form.comment_deadline_on.data,
        ),
        "議事録を構成機関に照会しました。",
        form_name="circulate_form",
    )


@bp.route("/return", methods=["POST"])
@login_required
def return_to_draft(activity_id: int):
    return _version_only_step(
        activity_id,
        services.return_to_draft,
        "議事録を案に戻しました。修正後、改めて照会してください。",
    )


@bp.route("/respond", methods=["POST"])
@login_required
def respond(activity_id: int):
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_respond_to_minutes(current_user, minutes))
    form = RespondForm()
    return _workflow_step(
        activity,
        minutes,
        form,
        lambda: services.respond_to_minutes(
            minutes,
            actor=current_user,
            agency_id=current_user.agency_id,
            confirmed=form.answer.data == "confirm",
            comment=form.comment.data or "",
        ),
        "回答を送信しました。",
        form_name="respond_form",
    )


@bp.route("/approve", methods=["POST"])
@login_required
def approve(activity_id: int):
    return _version_only_step(
        activity_id, services.approve_minutes, "議事録を確定しました(第1版)。"
    )


@bp.route("/revisions/<int:number>")
@login_required
def revision(activity_id: int, number: int):
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_view_minutes(current_user, minutes))
    current = queries.get_revision(minutes, number)
    if current is None:
        abort(404)
    previous = queries.get_revision(minutes, number - 1)
    changes = {}
    if previous is not None:
        changes = diffs.field_diffs(
            {name: getattr(previous, name) for name in RECORD_FIELDS},
            {name: getattr(current, name) for name in RECORD_FIELDS},
        )
    return render_template(
        "minutes/revision.html",
        activity=activity,
        minutes=minutes,
        revision=current,
        previous=previous,
        diffs=changes,
    )


@bp.route("/print")
@login_required
def print_view(activity_id: int):
    activity, minutes = minutes_or_404(activity_id)
    require(permissions.can_view_minutes(current_user, minutes))
    number = request.args.get("revision", type=int)
    revision = None
    if number is not None:
        revision = queries.get_revision(minutes, number)
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
        heading=queries.minutes_heading(activity),
    )


# --- action items --------------------------------------------------------------------------


@bp.route("/action-items/<int:item_id>/done", methods=["POST"])
@login_required
def set_action_item_done(activity_id: int, item_id: int):
    activity, minutes = minutes_or_404(activity_id)
    item = db.session.scalar(
        sa.select(ActionItem).where(ActionItem.id == item_id, ActionItem.minutes_id == minutes.id)
    )
    if item is None:
        abort(404)
    require(permissions.can_update_action_item(current_user, item))
    form = ActionItemDoneForm()
    saved = save_form(
        form,
        lambda: services.set_action_item_done(item, actor=current_user, done=form.done.data == "1"),
    )
    if not saved:
        abort(saved.status)
    flash("対応状況を更新しました。", "success")
    if request.form.get("return_to") == "home":
        return redirect(url_for("home.index"))
    return back_to_minutes(activity_id)
