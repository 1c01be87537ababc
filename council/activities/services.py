"""Writes on activities. Services flush, never commit; the view commits once."""

from datetime import datetime

from council.activities.models import Activity
from council.extensions import db


class ActivityError(Exception):
    """A refused change; the message is shown to the user."""


class EditConflict(Exception):
    """Someone else saved the object after the user loaded it (stale version)."""

    def __init__(self, obj, expected_version: int):
        super().__init__("他のユーザーが先に更新しました。")
        self.obj = obj
        self.expected_version = expected_version


EDITABLE_FIELDS = (
    "block_id",
    "category_id",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "is_all_day",
    "venue",
    "visibility",
    "participants",
    "description",
)


def check_version(obj, expected_version: int | None) -> None:
    """The form carries the version the user loaded; a stale one is a conflict."""
    if expected_version is not None and obj.version != expected_version:
        raise EditConflict(obj, expected_version)


def create_activity(
    *,
    actor,
    category_id: int,
    title: str,
    starts_at: datetime,
    block_id: int | None = None,
    organizers=(),
    participant_agencies=(),
    measures=(),
    **fields,
) -> Activity:
    """Log a new activity."""
    activity = Activity(
        block_id=block_id,
        category_id=category_id,
        title=title,
        starts_at=starts_at,
        created_by_id=getattr(actor, "id", None),
        updated_by_id=getattr(actor, "id", None),
        **fields,
    )
    activity.organizers = list(organizers)
    activity.participant_agencies = list(participant_agencies)
    activity.measures = list(measures)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(
    activity: Activity,
    *,
    actor,
    expected_version: int | None = None,
    organizers=None,
    participant_agencies=None,
    measures=None,
    **fields,
) -> Activity:
    """Apply an edit. Raises EditConflict when the activity changed since it was loaded."""
    check_version(activity, expected_version)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        if getattr(activity, name) != value:
            setattr(activity, name, value)
    if organizers is not None:
        activity.organizers = list(organizers)
    if participant_agencies is not None:
        activity.participant_agencies = list(participant_agencies)
    if measures is not None:
        activity.measures = list(measures)
    activity.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    return activity
