"""Create, edit and duplicate an activity. An edit based on a stale copy is not saved: the
page shows what changed meanwhile next to what the user typed (409)."""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.activities import queries, services
from council.activities.forms.activity import ActivityForm
from council.activities.models import Activity
from council.activities.views.base import (
    bp,
    default_block_id,
    load_editable,
    refusal,
    requested_block_id,
    version_of,
)
from council.audit.hooks import set_reason
from council.directory.models import Block
from council.extensions import db, utc_now
from council.locking import EditConflict
from council.web.forms import save_form
from council.web.requests import require

CONFLICT_MESSAGE = (
    "この活動は、あなたが画面を開いた後に他のユーザーが更新しました。"
    "下の表で変更内容を確認し、必要なら入力を直してから、もう一度保存してください。"
)


def _activity_form(block_id: int | None, *, activity=None, data=None, editing=False):
    keep = (
        list(activity.organizers) + list(activity.participant_agencies) + list(activity.backers)
        if activity
        else []
    )
    kwargs = {"formdata": None, "data": data} if data is not None else {}
    form = ActivityForm(**kwargs)
    return form.setup(
        blocks=queries.list_blocks(),
        categories=queries.list_categories(),
        agencies=queries.agency_choices(
            block_id, everything=permissions.is_staff(current_user), keep=keep
        ),
        measures=queries.measure_choices(),
        fixed_block_id=block_id,
        choose_block=current_user.role in ("admin", "hq"),
        block_choices="all" if current_user.role == "admin" else "hq",
        prefectures=queries.list_prefectures(),
        choose_category=True,
        reason_required=editing and services.reason_required(activity),
        editing=editing,
    )


def _render_form(form, *, activity=None, duplicate_of=None, status=200, conflict=None):
    return render_template(
        "activities/form.html",
        form=form,
        activity=activity,
        duplicate_of=duplicate_of,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE if conflict is not None else None,
        categories=queries.list_categories(),
        agency_groups={a.id: a.group_label for a in form.agency_map.values()},
        measure_groups={m.id: m.ministry.name for m in form.measure_map.values()},
        fixed_block=None
        if "block" in form or form.fixed_block_id is None
        else db.session.get(Block, form.fixed_block_id),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    block_id = requested_block_id(default_block_id())
    require(permissions.can_create_activity(current_user, block_id))
    if request.method == "GET":
        category = request.args.get("category", "")
        form = _activity_form(block_id, data={"category": category, "visibility": "members"})
        return _render_form(form)
    form = _activity_form(block_id)
    saved = save_form(
        form, lambda: services.create_activity(actor=current_user, **form.service_values())
    )
    if not saved:
        return _render_form(form, status=saved.status)
    flash("活動を登録しました。", "success")
    return redirect(url_for("activities.detail", activity_id=saved.result.id))


def _initial_data(activity: Activity) -> dict:
    """The edit form's data: what a duplicate would keep, and what is this activity's own."""
    return queries.duplicate_values(activity) | {
        "title": activity.title,
        "participants": activity.participants,
        "description": activity.description,
        "version": activity.version,
    }


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    loaded_at = utc_now()
    activity = load_editable(activity_id)
    block_id = requested_block_id(activity.block_id)
    if block_id != activity.block_id:
        require(permissions.can_create_activity(current_user, block_id))
    if request.method == "GET":
        data = _initial_data(activity) | {"loaded_at": loaded_at.isoformat()}
        form = _activity_form(block_id, activity=activity, data=data, editing=True)
        form.fill_schedule(activity.starts_at, activity.ends_at, activity.is_all_day)
        return _render_form(form, activity=activity)
    form = _activity_form(block_id, activity=activity, editing=True)
    saved = save_form(form, lambda: _update(activity, form))
    if saved:
        flash("活動を更新しました。", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id))
    if isinstance(saved.error, EditConflict):
        refusal(form, saved)  # the page explains the conflict with its own table
        return _render_conflict(form, activity_id, loaded_at)
    return _render_form(form, activity=activity, status=saved.status)


def _update(activity: Activity, form) -> Activity:
    """Save the edit with the reason the user gave (for the audit log), refused with an
    EditConflict when the form carried a stale version."""
    expected = version_of(form.version.data)
    if form.reason.data:
        set_reason(db.session, form.reason.data)
    return services.update_activity(
        activity, actor=current_user, expected_version=expected, **form.service_values()
    )


def _render_conflict(form, activity_id: int, loaded_at: datetime):
    """The form as the user typed it, with what others changed since the page was loaded;
    it now carries the current version, so that saving again is a deliberate merge."""
    activity = db.session.get(Activity, activity_id)
    rows = queries.conflict_rows(
        activity,
        since=_parse_moment(form.loaded_at.data) or loaded_at,
        yours=form.typed_values(),
    )
    form.version.data = activity.version
    form.loaded_at.data = loaded_at.isoformat()
    return _render_form(form, activity=activity, status=409, conflict=rows)


def _parse_moment(raw: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@bp.route("/<int:activity_id>/duplicate")
@login_required
def duplicate(activity_id: int):
    """The create form, pre-filled from this activity one year later (status: planned)."""
    source = load_editable(activity_id)
    data = queries.duplicate_values(source)
    form = _activity_form(source.block_id, activity=source, data=data)
    starts_at, ends_at = queries.one_year_later(source.starts_at, source.ends_at)
    form.fill_schedule(starts_at, ends_at, source.is_all_day)
    return _render_form(form, duplicate_of=source)
