"""Activity pages: list, detail, create/edit/duplicate, status changes, attendance, files.

Every view: load → check access (permissions) → validate → one service → commit → respond.
An activity the user may not see answers 404, whether it exists or not.
"""

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from council import cache, fiscal, permissions, web
from council.activities import attachments as files
from council.activities import listing, queries, services
from council.activities.forms import (
    RSVP_CHOICES,
    ActivityForm,
    AttachmentForm,
    AttendanceForm,
    CancelForm,
    HeldForm,
    PostponeForm,
    RescheduleForm,
    RsvpForm,
    parse_attendance_rows,
)
from council.activities.models import NATIONAL, STATUSES, Activity
from council.audit.hooks import set_reason
from council.directory.models import Block
from council.extensions import db, login_manager, utc_now

bp = Blueprint("activities", __name__, url_prefix="/activities")

CONFLICT_MESSAGE = (
    "この活動は、あなたが画面を開いた後に他のユーザーが更新しました。"
    "下の表で変更内容を確認し、必要なら入力を直してから、もう一度保存してください。"
)


# --- loading and access ---------------------------------------------------------------------


def _load(activity_id: int) -> Activity:
    activity = queries.get_visible_activity(current_user, activity_id)
    if activity is None:
        if not current_user.is_authenticated:
            # The page may exist for members: ask to sign in first (for every id alike, so
            # that the answer does not tell which members-only activities exist).
            abort(login_manager.unauthorized())
        abort(404)
    return activity


def _load_editable(activity_id: int) -> Activity:
    activity = _load(activity_id)
    if not permissions.can_edit_activity(current_user, activity):
        abort(403)
    return activity


def _default_block_id() -> int | None:
    """Where this user logs activities: a secretariat its own block, hq headquarters."""
    return current_user.block_id if current_user.role == "secretariat" else None


def _requested_block_id(default: int | None) -> int | None:
    """The block a submitted form asks for. Only the admin's form has a block field; a
    "block" sent by anyone else is still read, so that asking for another block is refused
    (403) rather than silently redirected."""
    if request.method != "POST" or "block" not in request.form:
        return default
    raw = request.form.get("block", "").strip()
    # A national event (全国) belongs to no block: the same rules as headquarters meetings.
    if not raw or raw == NATIONAL:
        return None
    try:
        return int(raw)
    except ValueError:
        abort(400)


def _version(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        abort(400)


def _parse_moment(raw: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


# --- list and detail ------------------------------------------------------------------------


@bp.route("/")
def index():
    filters = listing.parse_filters(request.args)
    version = cache.data_version()
    page = listing.list_activities(
        current_user,
        filters,
        per_page=current_app.config.get("PAGE_SIZE", 50),
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        version=version,
    )
    lists = listing.filter_lists(version)
    keyset = (
        {"before": listing.cursor_of(page.items[0]), "after": listing.cursor_of(page.items[-1])}
        if page.items
        else {}
    )
    return render_template(
        "activities/index.html",
        page=page,
        keyset=keyset,
        fragment=cache.fragment,
        filters=filters,
        years=lists.years,
        blocks=lists.blocks,
        categories=lists.categories,
        statuses=STATUSES,
        hq_filter=listing.HQ_FILTER,
        can_create=current_user.is_authenticated
        and permissions.can_create_activity(current_user, _default_block_id()),
    )


def _render_detail(activity: Activity, status: int = 200, **forms):
    attendance = queries.attendance_by_agency(activity) if current_user.is_authenticated else {}
    rsvp_form = forms.get("rsvp_form")
    own = None
    if permissions.can_rsvp(current_user, activity):
        own = attendance.get(current_user.agency_id)
        if rsvp_form is None:
            rsvp_form = RsvpForm(
                formdata=None,
                data={"rsvp": own.rsvp if own else None, "persons": own.persons if own else ""},
            )
    manage_files = permissions.can_manage_attachments(current_user, activity)
    return render_template(
        "activities/detail.html",
        activity=activity,
        can_edit=permissions.can_edit_activity(current_user, activity),
        attachments=queries.list_attachments(activity),
        attendance=attendance,
        rsvp_form=rsvp_form,
        rsvp_labels=RSVP_CHOICES,
        own_attendance=own,
        upload_form=forms.get("upload_form") or (AttachmentForm() if manage_files else None),
        manage_files=manage_files,
        history=queries.status_history(activity),
        show_actors=permissions.can_view_audit(current_user),
        accept=files.ACCEPT_ATTR,
        allowed_label=files.ALLOWED_LABEL,
        max_bytes=_max_upload_bytes(),
        max_label=files.max_label(_max_upload_bytes()),
    ), status


@bp.route("/<int:activity_id>")
def detail(activity_id: int):
    activity = _load(activity_id)
    return _render_detail(activity)


# --- create, edit, duplicate ----------------------------------------------------------------


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
    block_id = _requested_block_id(_default_block_id())
    if not permissions.can_create_activity(current_user, block_id):
        abort(403)
    if request.method == "GET":
        category = request.args.get("category", "")
        form = _activity_form(block_id, data={"category": category, "visibility": "members"})
        return _render_form(form)
    form = _activity_form(block_id)
    if not form.validate_on_submit():
        return _render_form(form, status=400)
    activity = services.create_activity(actor=current_user, **form.service_values())
    db.session.commit()
    flash("活動を登録しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


def _initial_data(activity: Activity) -> dict:
    return {
        "block": NATIONAL if activity.is_national else str(activity.block_id or ""),
        "host_prefecture": str(activity.host_prefecture_id or ""),
        "host_city": activity.host_city,
        "region_block": str(activity.region_block_id or ""),
        "backers": [a.id for a in activity.backers],
        "category": activity.category.code,
        "kind": activity.kind or "",
        "title": activity.title,
        "venue": activity.venue,
        "visibility": activity.visibility,
        "participants": activity.participants,
        "organizers": [a.id for a in activity.organizers],
        "participant_agencies": [a.id for a in activity.participant_agencies],
        "measures": [m.id for m in activity.measures],
        "description": activity.description,
        "version": activity.version,
    }


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    loaded_at = utc_now()
    activity = _load_editable(activity_id)
    block_id = _requested_block_id(activity.block_id)
    if block_id != activity.block_id and not permissions.can_create_activity(
        current_user, block_id
    ):
        abort(403)
    if request.method == "GET":
        data = _initial_data(activity) | {"loaded_at": loaded_at.isoformat()}
        form = _activity_form(block_id, activity=activity, data=data, editing=True)
        form.fill_schedule(activity.starts_at, activity.ends_at, activity.is_all_day)
        return _render_form(form, activity=activity)
    form = _activity_form(block_id, activity=activity, editing=True)
    if not form.validate_on_submit():
        return _render_form(form, activity=activity, status=400)
    expected = _version(form.version.data)
    try:
        if form.reason.data:
            set_reason(db.session, form.reason.data)
        services.update_activity(
            activity, actor=current_user, expected_version=expected, **form.service_values()
        )
        db.session.commit()
    except (services.EditConflict, StaleDataError):
        db.session.rollback()
        activity = db.session.get(Activity, activity_id)
        rows = queries.conflict_rows(
            activity,
            since=_parse_moment(form.loaded_at.data) or loaded_at,
            yours=form.typed_values(),
        )
        # The form now carries the current version: saving again is a deliberate merge.
        form.version.data = activity.version
        form.loaded_at.data = loaded_at.isoformat()
        return _render_form(form, activity=activity, status=409, conflict=rows)
    flash("活動を更新しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/duplicate")
@login_required
def duplicate(activity_id: int):
    """The create form, pre-filled from this activity one year later (status: planned)."""
    source = _load_editable(activity_id)
    data = queries.duplicate_values(source)
    form = _activity_form(source.block_id, activity=source, data=data)
    starts_at, ends_at = queries.one_year_later(source.starts_at, source.ends_at)
    form.fill_schedule(starts_at, ends_at, source.is_all_day)
    return _render_form(form, duplicate_of=source)


# --- status changes -------------------------------------------------------------------------

STATUS_PAGES = {
    "held": ("実施済みにする", HeldForm),
    "postpone": ("延期する", PostponeForm),
    "reschedule": ("延期後の日程を登録する", RescheduleForm),
    "cancel": ("中止する", CancelForm),
}


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


def _no_attendance_reason(activity: Activity) -> str:
    if activity.status in ("cancelled", "postponed"):
        return f"{activity.status_label}の活動には出欠・参加者数を記録できません。"
    return (
        f"開催前の活動には出欠・参加者数を記録できません。開催日({fiscal.format_date(activity.start_on)})"
        "以降に記録してください。"
    )


def _status_view(activity_id: int, action: str, apply):
    activity = _load_editable(activity_id)
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
    if isinstance(form, PostponeForm | RescheduleForm):
        valid = form.validate_on_submit()
        if valid and form.start_date.data is not None:
            valid = form.compute_schedule(date_only=activity.category.is_date_only)
    else:
        valid = form.validate_on_submit()
    # The year's figures went to headquarters: every change needs a reason for the log.
    if valid and services.reason_required(activity) and not (form.reason.data or "").strip():
        form.reason.errors.append("提出済みの年度の活動です。変更理由を入力してください。")
        valid = False
    if not valid:
        return _render_status(action, activity, form, status=400)
    try:
        if action in ("held", "reschedule") and form.reason.data:
            set_reason(db.session, form.reason.data.strip())
        apply(activity, form, _version(form.version.data))
        db.session.commit()
    except services.EditConflict:
        db.session.rollback()
        form.version.data = db.session.get(Activity, activity_id).version
        return _render_status(
            action,
            activity,
            form,
            status=409,
            error="他のユーザーがこの活動を先に更新しました。最新の内容を確認してから、もう一度操作してください。",
        )
    except services.ActivityError as error:
        db.session.rollback()
        return _render_status(action, activity, form, status=409, error=str(error))
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.route("/<int:activity_id>/held", methods=["GET", "POST"])
@login_required
def held(activity_id: int):
    def apply(activity, form, version):
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


# --- attendance -----------------------------------------------------------------------------


def _attendance_updates(values: dict, shown: dict, roster) -> list:
    updates = []
    for agency in roster:
        for field in services.ATTENDANCE_FIELDS:
            updates.append((agency, field, shown[agency.id][field], values[agency.id][field]))
    return updates


@bp.route("/<int:activity_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(activity_id: int):
    activity = _load_editable(activity_id)
    if not activity.accepts_attendance:
        abort(409, description=_no_attendance_reason(activity))
    roster = queries.attendance_roster(activity)
    current = queries.attendance_by_agency(activity)
    status, error, row_errors, typed, shown = 200, None, {}, None, None
    if request.method == "GET":
        form = AttendanceForm(
            formdata=None, data={"participants": activity.participants, "version": activity.version}
        )
    else:
        form = AttendanceForm()
        typed, row_errors = parse_attendance_rows(request.form, roster)
        shown, shown_errors = parse_attendance_rows(_shown_values(request.form), roster)
        if shown_errors:
            abort(400)
        if not form.validate_on_submit() or row_errors:
            status = 400
        else:
            try:
                services.record_attendance(
                    activity,
                    _attendance_updates(typed, shown, roster),
                    actor=current_user,
                    participants=form.participants.data,
                    set_participants=True,
                    expected_version=_version(form.version.data),
                )
                db.session.commit()
            except services.AttendanceConflict as conflict:
                db.session.rollback()
                status = 409
                error = (
                    "他のユーザーが先に出欠を更新しました。"
                    + "、".join(f"{agency.name}" for agency, *_ in conflict.conflicts)
                    + "の欄を確認して、もう一度保存してください。"
                )
                current = queries.attendance_by_agency(activity)
            except services.EditConflict:
                db.session.rollback()
                status = 409
                error = "他のユーザーが先に参加者数を更新しました。現在の値を確認して、もう一度保存してください。"
                form.version.data = db.session.get(Activity, activity_id).version
            else:
                flash("出欠を記録しました。", "success")
                return redirect(url_for("activities.detail", activity_id=activity_id))
    return render_template(
        "activities/attendance.html",
        activity=activity,
        form=form,
        roster=roster,
        current=current,
        typed=typed,
        row_errors=row_errors,
        shown_rows=shown,
        error=error,
        rsvp_labels=RSVP_CHOICES,
    ), status


def _shown_values(formdata) -> dict:
    """The orig-* hidden inputs: what the page showed when it was loaded."""
    prefix = "orig-"
    return {key[len(prefix) :]: value for key, value in formdata.items() if key.startswith(prefix)}


@bp.route("/<int:activity_id>/rsvp", methods=["POST"])
@login_required
def rsvp(activity_id: int):
    activity = _load(activity_id)
    if not permissions.can_rsvp(current_user, activity):
        abort(403)
    form = RsvpForm()
    if not form.validate_on_submit():
        return _render_detail(activity, status=400, rsvp_form=form)
    services.set_rsvp(
        activity,
        current_user.agency,
        actor=current_user,
        rsvp=form.rsvp.data,
        persons=form.persons.data or "",
    )
    db.session.commit()
    flash(f"出欠({RSVP_CHOICES[form.rsvp.data]})を登録しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attendance")


# --- attachments ----------------------------------------------------------------------------


def _max_upload_bytes() -> int:
    return current_app.config.get("MAX_CONTENT_LENGTH") or files.DEFAULT_MAX_BYTES


@bp.route("/<int:activity_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(activity_id: int):
    activity = _load(activity_id)
    if not permissions.can_manage_attachments(current_user, activity):
        abort(403)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors.append("添付するファイルを選んでください。")
        return _render_detail(activity, status=400, upload_form=form)
    folder = current_app.config["UPLOAD_FOLDER"]
    try:
        attachment = files.store_attachment(
            activity,
            upload.stream,
            upload.filename,
            actor=current_user,
            upload_folder=folder,
            max_bytes=_max_upload_bytes(),
        )
    except files.UploadRefused as refused:
        db.session.rollback()
        form.file.errors.append(str(refused))
        too_large = "大きすぎます" in str(refused)
        return _render_detail(activity, status=413 if too_large else 400, upload_form=form)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        files.discard_file(folder, attachment)
        raise
    flash(f"「{attachment.original_name}」を添付しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attachments")


@bp.route("/<int:activity_id>/attachments/<int:attachment_id>")
def download_attachment(activity_id: int, attachment_id: int):
    activity = _load(activity_id)
    attachment = queries.get_attachment(activity, attachment_id)
    if attachment is None or not permissions.can_download_attachment(current_user, attachment):
        abort(404)
    path = files.path_of(current_app.config["UPLOAD_FOLDER"], attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    # Never rendered by the browser, whatever the bytes are.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:activity_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(activity_id: int, attachment_id: int):
    activity = _load(activity_id)
    if not permissions.can_manage_attachments(current_user, activity):
        abort(403)
    attachment = queries.get_attachment(activity, attachment_id)
    if attachment is None or attachment.deleted_at is not None:
        abort(404)
    files.delete_attachment(attachment, actor=current_user)
    db.session.commit()
    flash(f"「{attachment.original_name}」を削除しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attachments")


@bp.errorhandler(413)
def _too_large(error):
    """An upload over MAX_CONTENT_LENGTH is cut off before the view runs: say so plainly and
    lead back to the activity."""
    if request.endpoint != "activities.upload_attachment":
        return web.too_large_page(error)  # a form, not a file: the general page
    db.session.rollback()
    activity_id = (request.view_args or {}).get("activity_id")
    return render_template(
        "activities/too_large.html",
        activity_id=activity_id,
        max_label=files.max_label(_max_upload_bytes()),
    ), 413


@bp.app_template_filter("jschedule")
def _schedule_filter(activity: Activity) -> str:
    """2007年11月28日(水) 14:00〜16:00, or a date (range) for all-day activities."""
    return queries.schedule_text(activity.starts_at, activity.ends_at, activity.is_all_day)


@bp.app_template_global()
def fiscal_label_of(moment) -> str:
    return fiscal.fiscal_year_label(fiscal.fiscal_year_of(moment))
