"""Matrix cases for the personal calendar feed: every signed-in user manages their own feed
token; anonymous callers are sent to the login page and change nothing."""

import sqlalchemy as sa

from council.accounts.models import User
from council.calendars import services
from council.extensions import db
from tests.matrix.framework import Case

ALL_SIGNED_IN = {"member", "member_other", "sec_own", "sec_other", "hq", "admin"}


def _tokens(w):
    return sorted(
        (u.id, u.feed_token_hash) for u in db.session.scalars(sa.select(User).order_by(User.id))
    )


def _issue_all(w):
    for user in w.users.values():
        services.regenerate_feed_token(user)


def _someone_has_a_new_token(before):
    def check(w):
        assert _tokens(w) != before[0]

    return check


def _snapshot_then(setup):
    """Keep the state taken after setup, so that `changed` can compare against it."""
    before = []

    def wrapped(w):
        if setup:
            setup(w)
        db.session.flush()
        before[:] = [_tokens(w)]

    return wrapped, before


_regenerate_setup, _regenerate_before = _snapshot_then(_issue_all)
_stop_setup, _stop_before = _snapshot_then(_issue_all)

CASES = [
    Case(
        name="calendars.regenerate_feed_token",
        url=lambda w: "/profile/feed-token",
        allowed=ALL_SIGNED_IN,
        setup=_regenerate_setup,
        state=_tokens,
        changed=_someone_has_a_new_token(_regenerate_before),
    ),
    Case(
        name="calendars.stop_feed",
        url=lambda w: "/profile/feed-token/stop",
        allowed=ALL_SIGNED_IN,
        setup=_stop_setup,
        state=_tokens,
        changed=lambda w: _assert_one_stopped(w),
    ),
]


def _assert_one_stopped(w):
    assert sum(1 for _, token in _tokens(w) if token is None) == 1
