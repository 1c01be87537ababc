"""Model-layer rules that hold whichever code path changes an activity."""

from sqlalchemy import event, inspect

from council.activities.models import Activity


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def install(session_class) -> None:
    @event.listens_for(session_class, "before_flush")
    def _activity_rules(session, flush_context, instances):
        for obj in session.dirty:
            if not isinstance(obj, Activity) or not session.is_modified(obj):
                continue
            # Calendar clients only take an update when SEQUENCE rises.
            if _changed(obj, Activity.sequence_fields):
                obj.sequence = (obj.sequence or 0) + 1
            if obj.ics_cache is not None and not _changed(obj, ("ics_cache",)):
                obj.ics_cache = None
