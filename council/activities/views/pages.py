"""The activity list and an activity's page."""

from flask import current_app, render_template, request
from flask_login import current_user

from council import cache, permissions
from council.activities import attachments as files
from council.activities import listing, queries
from council.activities.forms.attachment import AttachmentForm
from council.activities.forms.attendance import RsvpForm
from council.activities.models import STATUSES, Activity
from council.activities.rules import RSVP_CHOICES
from council.activities.views.base import bp, default_block_id, load


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
        and permissions.can_create_activity(current_user, default_block_id()),
    )


def max_upload_bytes() -> int:
    return current_app.config.get("MAX_CONTENT_LENGTH") or files.DEFAULT_MAX_BYTES


def render_detail(activity: Activity, status: int = 200, **forms):
    """The activity's page; the RSVP and upload forms come back with their errors when one
    of them was refused."""
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
        max_bytes=max_upload_bytes(),
        max_label=files.max_label(max_upload_bytes()),
    ), status


@bp.route("/<int:activity_id>")
def detail(activity_id: int):
    activity = load(activity_id)
    return render_detail(activity)
