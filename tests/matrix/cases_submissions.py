"""Matrix cases for the submission cycle: only the block's own secretariat submits; only hq
and admin return a submission; the pages and the API are for hq/admin and the block's own
secretariat. No route edits or deletes a snapshot (the database refuses it as well)."""

from datetime import UTC, datetime

import sqlalchemy as sa

from council.directory.models import Block
from council.extensions import db
from council.submissions import services
from council.submissions.models import Snapshot, Submission
from tests.matrix.framework import Case

STAFF = {"hq", "admin"}
OWN_AND_STAFF = {"sec_own", "hq", "admin"}


def _kanto() -> Block:
    return db.session.scalar(sa.select(Block).where(Block.code == "kanto"))


def _submitted(w):
    services.submit(
        _kanto(),
        2007,
        "record",
        actor=w.users["sec_own"],
        now=datetime(2008, 5, 15, tzinfo=UTC),
    )


def _snapshots(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot))


def _state(w):
    return db.session.scalar(sa.select(Submission.state))


def _one_snapshot(w):
    assert _snapshots(w) == 1 and _state(w) == "submitted"


def _returned(w):
    assert _state(w) == "returned"


CASES = [
    Case(
        name="submissions.submit",
        url=lambda w: "/submissions/2007/kanto/record/submit",
        data=lambda w: {"record-comment": "平成19年度分"},
        allowed={"sec_own"},
        state=_snapshots,
        changed=_one_snapshot,
    ),
    Case(
        name="submissions.submit[plan]",
        url=lambda w: "/submissions/2008/kanto/plan/submit",
        data=lambda w: {},
        allowed={"sec_own"},
        state=_snapshots,
        changed=_one_snapshot,
    ),
    Case(
        name="submissions.return_submission",
        url=lambda w: "/submissions/2007/kanto/record/return",
        data=lambda w: {"return-record-reason": "件数を確認してください"},
        setup=_submitted,
        allowed=STAFF,
        state=_state,
        changed=_returned,
    ),
    Case(
        name="submissions.block[GET]",
        method="GET",
        url=lambda w: "/submissions/2007/kanto",
        allowed=OWN_AND_STAFF,
    ),
    Case(
        name="submissions.snapshot[GET]",
        method="GET",
        url=lambda w: "/submissions/2007/kanto/record/1",
        setup=_submitted,
        allowed=OWN_AND_STAFF,
    ),
    Case(
        name="submissions.export[GET]",
        method="GET",
        url=lambda w: "/submissions/2007.xlsx",
        allowed=STAFF,
    ),
    Case(
        name="api.submissions",
        method="GET",
        url=lambda w: "/api/v1/submissions/2007",
        # sec_other sees its own block (kinki) only: 200, checked in tests/submissions.
        allowed=OWN_AND_STAFF | {"sec_other"},
        anonymous=401,
    ),
]
