"""The activities blueprint and what its views share: loading an activity the user may see
(or edit), the block a form asks for, the version a form carried back, the template helpers."""

from flask import Blueprint, abort, request
from flask_login import current_user

from council import fiscal, permissions
from council.activities import queries
from council.activities.models import NATIONAL, Activity
from council.extensions import login_manager
from council.web.requests import require

bp = Blueprint("activities", __name__, url_prefix="/activities")


def load(activity_id: int) -> Activity:
    activity = queries.get_visible_activity(current_user, activity_id)
    if activity is None:
        if not current_user.is_authenticated:
            # The page may exist for members: ask to sign in first (for every id alike, so
            # that the answer does not tell which members-only activities exist).
            abort(login_manager.unauthorized())
        abort(404)
    return activity


def load_editable(activity_id: int) -> Activity:
    activity = load(activity_id)
    require(permissions.can_edit_activity(current_user, activity))
    return activity


def default_block_id() -> int | None:
    """Where this user logs activities: a secretariat its own block, hq headquarters."""
    return current_user.block_id if current_user.role == "secretariat" else None


def requested_block_id(default: int | None) -> int | None:
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


def version_of(raw) -> int:
    """The version a form carried back; garbage is a malformed request, not "no check"."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        abort(400)


def refusal(form, saved) -> str | None:
    """The message of a refused action, for pages that show it in a box of its own above the
    form (status changes, attendance) rather than in the form's field summary."""
    if saved.error is None or saved.error.field is not None:
        return None
    form.form_errors.remove(str(saved.error))
    return str(saved.error)


@bp.app_template_filter("jschedule")
def _schedule_filter(activity: Activity) -> str:
    """2007年11月28日(水) 14:00〜16:00, or a date (range) for all-day activities."""
    return queries.schedule_text(activity.starts_at, activity.ends_at, activity.is_all_day)


@bp.app_template_global()
def fiscal_label_of(moment) -> str:
    return fiscal.fiscal_year_label(fiscal.fiscal_year_of(moment))
