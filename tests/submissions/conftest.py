"""Fixtures for the submission cycle: quick ways to make a fiscal year complete (approved
minutes) or to submit it."""

import pytest
import sqlalchemy as sa

from council.directory.models import Block
from council.extensions import db, utc_now
from council.minutes.models import Minutes


@pytest.fixture
def block(seeded):
    def lookup(code: str) -> Block:
        return db.session.scalar(sa.select(Block).where(Block.code == code))

    return lookup


def approve_minutes(activity, status: str = "approved") -> Minutes:
    """Minutes for a held meeting, in the given state (written directly: the minutes workflow
    has its own tests)."""
    minutes = Minutes(
        activity=activity,
        status=status,
        discussion="議事概要",
        approved_at=utc_now() if status == "approved" else None,
    )
    db.session.add(minutes)
    db.session.flush()
    return minutes


@pytest.fixture
def held_meeting(make_activity):
    """A held kanto council meeting of FY2007 with approved minutes: nothing to report."""

    def factory(**fields):
        fields.setdefault("status", "held")
        fields.setdefault("participants", 30)
        activity = make_activity(**fields)
        approve_minutes(activity)
        db.session.commit()
        return activity

    return factory


def edit_form(activity, **overrides) -> dict:
    """The activity's edit form as its page would send it (version included)."""
    from council import fiscal

    start = fiscal.to_jst(activity.starts_at)
    end = fiscal.to_jst(activity.ends_at) if activity.ends_at else None
    data = {
        "category": activity.category.code,
        "kind": activity.kind or "",
        "title": activity.title,
        "start_date": start.date().isoformat(),
        "start_time": "" if activity.is_all_day else start.strftime("%H:%M"),
        "end_date": end.date().isoformat() if end and end.date() != start.date() else "",
        "end_time": end.strftime("%H:%M") if end and not activity.is_all_day else "",
        "venue": activity.venue,
        "visibility": activity.visibility,
        "participants": "" if activity.participants is None else str(activity.participants),
        "organizers": [a.id for a in activity.organizers],
        "participant_agencies": [a.id for a in activity.participant_agencies],
        "measures": [m.id for m in activity.measures],
        "description": activity.description,
        "version": str(activity.version),
        "reason": "",
    }
    data.update(overrides)
    return data
