"""The minutes blueprint and the first steps every minutes page shares: load the meeting and
its minutes or 404, refuse approved minutes, go back to the minutes page."""

from flask import Blueprint, abort, redirect, url_for

from council.activities.models import Activity
from council.extensions import db
from council.minutes import services
from council.minutes.models import MinutesResponse

bp = Blueprint("minutes", __name__, url_prefix="/activities/<int:activity_id>/minutes")


# --- loading -------------------------------------------------------------------------------


def activity_or_404(activity_id: int) -> Activity:
    """The meeting; a deleted activity has no pages, so neither have its minutes."""
    activity = db.get_or_404(Activity, activity_id)
    if activity.deleted_at is not None:
        abort(404)
    return activity


def minutes_or_404(activity_id: int):
    """The meeting and its minutes, for every page but the first (show may offer to create)."""
    activity = activity_or_404(activity_id)
    if activity.minutes is None:
        abort(404)
    return activity, activity.minutes


def refuse_if_approved(minutes) -> None:
    # Checked before the form: approved minutes answer 409 whatever was posted.
    if minutes.is_locked:
        abort(409, description=services.LOCKED_APPROVED)


def back_to_minutes(activity_id: int):
    return redirect(url_for("minutes.show", activity_id=activity_id))


@bp.app_template_global()
def minutes_response_label(response: MinutesResponse | None) -> str:
    if response is None:
        return "未回答"
    return "確認済み" if response.is_confirmed else "意見あり"
