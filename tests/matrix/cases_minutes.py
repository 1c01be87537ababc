"""Matrix cases for the minutes routes: every POST, every role.

The target is a held kanto council meeting organised by 関東経済産業局 with 関東総合通信局 (the
matrix "member") participating; 近畿総合通信局 ("member_other") takes no part.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from council.extensions import db
from tests.matrix.framework import Case

KANTO_WRITERS = {"sec_own", "admin"}


def _meeting(w):
    return w.factories["make_activity"](
        title="関東地域ブロック協議会",
        start="2007-11-28 14:00",
        status="held",
        organizers=["関東経済産業局"],
        participants_of=["関東総合通信局"],
    )


def _setup(status=None, with_item=False):
    def setup(w):
        from council.directory.models import Agency
        from council.minutes import services

        activity = _meeting(w)
        w.objects["activity"] = activity
        if status is None:
            return
        actor = w.users["sec_own"]
        items = []
        if with_item:
            owner = db.session.scalar(sa.select(Agency.id).where(Agency.name == "関東総合通信局"))
            items = [services.ActionItemInput(None, "報告書の提出", owner, None)]
        minutes = services.create_minutes(
            activity, actor=actor, discussion="議事概要", action_items=items
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
        db.session.flush()
        w.objects["minutes_id"] = minutes.id
        w.objects["item_id"] = minutes.action_items[0].id if with_item else None

    return setup


def _minutes(w):
    from council.minutes.models import Minutes

    return db.session.get(Minutes, w.minutes_id)


def _url(suffix=""):
    return lambda w: f"/activities/{w.activity.id}/minutes{suffix}"


def _version(w):
    return {"version": str(_minutes(w).version)}


def _record(w, **extra):
    return {"attendees": "", "agenda": "", "discussion": "マトリクス", "decisions": "", **extra}


def _status(w):
    return _minutes(w).status


def _count_minutes(w):
    from council.minutes.models import Minutes

    return db.session.scalar(
        sa.select(sa.func.count(Minutes.id)).where(Minutes.activity_id == w.activity.id)
    )


def _count_responses(w):
    from council.minutes.models import MinutesResponse

    return db.session.scalar(sa.select(sa.func.count(MinutesResponse.id)))


def _revisions(w):
    return [r.number for r in _minutes(w).revisions]


def _item_done(w):
    from council.minutes.models import ActionItem

    return db.session.get(ActionItem, w.item_id).is_done


def _assert(check):
    def changed(w):
        assert check(w), "the allowed request did not take effect"

    return changed


CASES = [
    Case(
        name="minutes.create",
        setup=_setup(),
        url=_url("/new"),
        data=_record,
        allowed=KANTO_WRITERS,
        state=_count_minutes,
        changed=_assert(lambda w: _count_minutes(w) == 1),
    ),
    Case(
        name="minutes.edit",
        setup=_setup("draft"),
        url=_url("/edit"),
        data=lambda w: _record(w, **_version(w)),
        allowed=KANTO_WRITERS,
        state=lambda w: _minutes(w).discussion,
        changed=_assert(lambda w: _minutes(w).discussion == "マトリクス"),
    ),
    Case(
        name="minutes.circulate",
        setup=_setup("draft"),
        url=_url("/circulate"),
        data=lambda w: {
            "comment_deadline_on": (date.today() + timedelta(days=7)).isoformat(),
            **_version(w),
        },
        allowed=KANTO_WRITERS,
        state=_status,
        changed=_assert(lambda w: _status(w) == "circulated"),
    ),
    Case(
        name="minutes.return_to_draft",
        setup=_setup("circulated"),
        url=_url("/return"),
        data=_version,
        allowed=KANTO_WRITERS,
        state=_status,
        changed=_assert(lambda w: _status(w) == "draft"),
    ),
    Case(
        name="minutes.respond",
        setup=_setup("circulated"),
        url=_url("/respond"),
        data=lambda w: {"answer": "confirm"},
        # Only members of an agency that took part answer; the secretariat asks.
        allowed={"member"},
        state=_count_responses,
        changed=_assert(lambda w: _count_responses(w) == 1),
    ),
    Case(
        name="minutes.approve",
        setup=_setup("circulated"),
        url=_url("/approve"),
        data=_version,
        allowed=KANTO_WRITERS,
        state=_status,
        changed=_assert(lambda w: _status(w) == "approved" and _revisions(w) == [1]),
    ),
    Case(
        name="minutes.correct",
        setup=_setup("approved"),
        url=_url("/correct"),
        data=lambda w: _record(w, reason="誤記の訂正", **_version(w)),
        allowed=KANTO_WRITERS,
        state=_revisions,
        changed=_assert(lambda w: _revisions(w) == [1, 2]),
    ),
    Case(
        name="minutes.set_action_item_done",
        setup=_setup("approved", with_item=True),
        url=lambda w: f"/activities/{w.activity.id}/minutes/action-items/{w.item_id}/done",
        data=lambda w: {"done": "1"},
        # The owner agency's members tick their own item; the block's secretariat any item.
        allowed={"member", "sec_own", "admin"},
        state=_item_done,
        changed=_assert(_item_done),
    ),
]
