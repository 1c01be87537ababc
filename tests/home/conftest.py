"""Fixtures for the dashboard tests."""

from datetime import date, timedelta

import pytest

from council.extensions import db
from council.minutes import services


@pytest.fixture
def soon():
    """soon(days) → "YYYY-MM-DD 14:00", that many days from today."""
    return lambda days: f"{(date.today() + timedelta(days=days)).isoformat()} 14:00"


@pytest.fixture
def minutes_with_items(make_user):
    """minutes_with_items(activity, status, [(description, agency name, due, done)])."""
    import sqlalchemy as sa

    from council.accounts.models import User
    from council.directory.models import Agency

    def _agency(name):
        return db.session.scalar(sa.select(Agency).where(Agency.name == name))

    sec_by_block = {}

    def factory(activity, status, items):
        code = activity.block.code if activity.block else None
        if code not in sec_by_block:
            sec_by_block[code] = (
                make_user(role="secretariat", block=code) if code else make_user(role="hq")
            ).id
        # By id: a test may start a fresh session between calls.
        actor = db.session.get(User, sec_by_block[code])
        rows = [
            services.ActionItemInput(None, text, _agency(agency).id if agency else None, due)
            for text, agency, due, _done in items
        ]
        minutes = services.create_minutes(
            activity, actor=actor, discussion="議事概要", action_items=rows
        )
        if status in ("circulated", "approved"):
            services.circulate_minutes(
                minutes,
                actor=actor,
                expected_version=minutes.version,
                deadline=date.today() + timedelta(days=7),
            )
        if status == "approved":
            services.approve_minutes(minutes, actor=actor, expected_version=minutes.version)
        for item, (_t, _a, _d, done) in zip(minutes.action_items, items, strict=True):
            if done:
                services.set_action_item_done(item, actor=actor, done=True)
        db.session.commit()
        return minutes

    return factory
