"""The one call each domain service makes after its change: it records that the change
happened, as one row of notice_events in the caller's transaction, and nothing more.

Who hears of it and what the mail says is worked out later by the sender, which expands each
event into outbox rows and on-screen notices (council/notices/fanout.py). A circulation to
thirty people thus costs its request one small insert, whatever the number of people; a
rolled-back change takes its event with it. The on-screen notices appear when the sender has
expanded the event: within NOTICES_POLL_SECONDS (5 s) of the commit while it runs.
"""

import functools

import sqlalchemy as sa

from council.extensions import UTCDateTime, db, utc_now
from council.notices import services


def _unless_suppressed(hook):
    """A hook records nothing while notices are suppressed (the demo loader, a bulk
    migration, NOTICES_ENABLED = False)."""

    @functools.wraps(hook)
    def wrapper(*args, **kwargs) -> int:
        if services.is_suppressed(db.session):
            return 0
        return hook(*args, **kwargs)

    return wrapper


# The one statement a change pays for its notices, built once: the same SQL on SQLite and
# PostgreSQL. (Built per call, the Core insert with its ON CONFLICT clause cost the request
# about 0.1 ms of Python, four times the statement itself.)
RECORD = sa.text(
    "INSERT INTO notice_events"
    " (kind, object_type, object_id, object_version, actor_user_id, created_at)"
    " VALUES (:kind, :object_type, :object_id, :object_version, :actor_user_id, :created_at)"
    " ON CONFLICT (kind, object_type, object_id, object_version)"
    " DO UPDATE SET expanded_at = NULL WHERE notice_events.expanded_at IS NOT NULL"
).bindparams(sa.bindparam("created_at", type_=UTCDateTime))


def record(kind: str, obj: tuple[str, int, str], actor) -> int:
    """Write the event (kind, object type, id, version) in the caller's transaction.

    A second record of the same version (a retried request, or an edit of a meeting that
    leaves its SEQUENCE alone, such as a new participating agency) arms the event again, so
    the sender expands it once more: the notices' own keys make that write only what is new
    (the new agency's people). On PostgreSQL, arming an event that a sender is expanding
    at that moment waits for that expansion's commit (its row is locked), then arms it
    again, so nothing the edit changed is missed. Returns 1."""
    db.session.execute(
        RECORD,
        {
            "kind": kind,
            "object_type": obj[0],
            "object_id": obj[1],
            "object_version": obj[2],
            "actor_user_id": getattr(actor, "id", None),
            "created_at": utc_now(),
        },
    )
    return 1


@_unless_suppressed
def minutes_circulated(minutes, *, actor) -> int:
    """照会: every agency taking part (its members and its directory contacts)."""
    return record(
        "minutes_circulated", ("minutes", minutes.id, minutes.circulated_at.isoformat()), actor
    )


@_unless_suppressed
def minutes_confirmed(minutes, revision, *, actor) -> int:
    """確定 (revision 1) or 訂正 (later revisions): the agencies that took part."""
    return record("minutes_confirmed", ("minutes", minutes.id, f"r{revision.number}"), actor)


@_unless_suppressed
def activity_changed(activity, *, actor) -> int:
    """A meeting created, or changed in time, place or status: its co-organisers,
    participants and everyone who answered the RSVP. Past activities (a historical import)
    and deleted ones are not news: no event for them."""
    if activity.deleted_at is not None:
        return 0
    if activity.starts_at < utc_now() and activity.status != "postponed":
        return 0
    return record("activity_changed", ("activity", activity.id, str(activity.sequence or 0)), actor)


@_unless_suppressed
def submission_submitted(snapshot, *, actor) -> int:
    """A block submitted (or resubmitted) its record or plan: headquarters."""
    return record(
        "submission_submitted", ("submission", snapshot.submission_id, f"s{snapshot.number}"), actor
    )


@_unless_suppressed
def submission_returned(submission, *, actor) -> int:
    """Headquarters returned a submission: the block's secretariat, with the reason."""
    number = len(submission.snapshots)
    return record("submission_returned", ("submission", submission.id, f"r{number}"), actor)
