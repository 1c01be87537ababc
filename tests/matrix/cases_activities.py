"""Matrix cases for the activity pages: every POST route, every role.

The target activity is kanto's and public, so that another block's secretariat and members
can see it and must get 403 (not only 404) when they try to change it; the RSVP case uses a
members-only meeting, which a member of another block does not even see.
"""

import io

import sqlalchemy as sa

from council.activities.models import Activity, Attachment, Attendance
from council.directory.models import Agency, Block
from council.extensions import db
from tests.matrix.framework import Case

PDF = b"%PDF-1.4\n%%EOF\n"


def _id(model, **key) -> int:
    return db.session.scalar(sa.select(model.id).filter_by(**key))


def _activity(w, **fields):
    defaults = {"title": "関東地域ブロック協議会", "visibility": "public"}
    w.objects["activity"] = w.factories["make_activity"](**(defaults | fields))


def _postponed(w):
    _activity(w)
    w.activity.status = "postponed"
    w.activity.original_starts_at = w.activity.starts_at
    w.activity.is_new_date_pending = True


def _with_attachment(w):
    _activity(w)
    attachment = Attachment(
        activity_id=w.activity.id,
        original_name="議事次第.pdf",
        stored_name="0" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    db.session.add(attachment)
    db.session.flush()
    w.objects["attachment"] = attachment


def _fresh(w) -> Activity:
    return db.session.get(Activity, w.activity.id)


def _picture(w):
    a = _fresh(w)
    return (a.title, a.status, a.version, a.participants, a.is_new_date_pending, a.venue)


def _count(model):
    return lambda w: db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _form(w, **overrides):
    data = {
        "block": str(_id(Block, code="kanto")),
        "category": "council",
        "kind": "council",
        "title": "平成19年度 第3回関東地域ブロック協議会",
        "start_date": "2007-12-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "venue": "さいたま新都心合同庁舎",
        "visibility": "members",
        "organizers": [str(_id(Agency, name="関東経済産業局"))],
    }
    return data | overrides


def _created(title, block_code):
    def check(w):
        activity = db.session.scalar(sa.select(Activity).where(Activity.title == title))
        assert activity is not None
        assert (activity.block.code if activity.block else None) == block_code

    return check


def _status_is(status):
    def check(w):
        assert _fresh(w).status == status

    return check


def _expect(predicate, message):
    def check(w):
        assert predicate(w), message

    return check


WRITERS = {"sec_own", "admin"}

CASES = [
    Case(
        name="activities.new[block]",
        url=lambda w: "/activities/new",
        data=lambda w: _form(w),
        allowed=WRITERS,
        state=_count(Activity),
        changed=_created("平成19年度 第3回関東地域ブロック協議会", "kanto"),
    ),
    Case(
        name="activities.new[hq]",
        url=lambda w: "/activities/new",
        data=lambda w: _form(w, block="", kind="wg", title="第4回WG", organizers=[]),
        allowed={"hq", "admin"},
        state=_count(Activity),
        changed=_created("第4回WG", None),
    ),
    Case(
        name="activities.edit",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/edit",
        data=lambda w: _form(w, title="改題した協議会", version=str(w.activity.version)),
        allowed=WRITERS,
        state=_picture,
        changed=_expect(lambda w: _fresh(w).title == "改題した協議会", "title not changed"),
    ),
    Case(
        name="activities.held",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/held",
        data=lambda w: {"version": str(w.activity.version), "participants": "23"},
        allowed=WRITERS,
        state=_picture,
        changed=_status_is("held"),
    ),
    Case(
        name="activities.postpone",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/postpone",
        data=lambda w: {"version": str(w.activity.version), "reason": "台風接近のため"},
        allowed=WRITERS,
        state=_picture,
        changed=_status_is("postponed"),
    ),
    Case(
        name="activities.reschedule",
        setup=_postponed,
        url=lambda w: f"/activities/{w.activity.id}/reschedule",
        data=lambda w: {"version": str(w.activity.version), "start_date": "2007-12-19"},
        allowed=WRITERS,
        state=_picture,
        changed=_expect(lambda w: not _fresh(w).is_new_date_pending, "still pending"),
    ),
    Case(
        name="activities.cancel",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/cancel",
        data=lambda w: {"version": str(w.activity.version), "reason": "重複登録のため"},
        allowed=WRITERS,
        state=_picture,
        changed=_status_is("cancelled"),
    ),
    Case(
        name="activities.attendance",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/attendance",
        data=lambda w: {
            "version": str(w.activity.version),
            "participants": "23",
            f"attended-{_id(Agency, name='関東総合通信局')}": "y",
        },
        allowed=WRITERS,
        state=lambda w: (_picture(w), _count(Attendance)(w)),
        changed=_expect(lambda w: _fresh(w).participants == 23, "head count not saved"),
    ),
    Case(
        name="activities.rsvp",
        setup=lambda w: _activity(w, visibility="members"),
        url=lambda w: f"/activities/{w.activity.id}/rsvp",
        data=lambda w: {"rsvp": "yes", "persons": "情報通信部長 山田太郎"},
        allowed={"member"},
        state=_count(Attendance),
        changed=_expect(lambda w: _count(Attendance)(w) == 1, "no answer stored"),
    ),
    Case(
        name="activities.upload_attachment",
        setup=_activity,
        url=lambda w: f"/activities/{w.activity.id}/attachments",
        files=lambda w: {"file": (io.BytesIO(PDF), "議事次第.pdf")},
        allowed=WRITERS,
        state=_count(Attachment),
        changed=_expect(lambda w: _count(Attachment)(w) == 1, "not stored"),
    ),
    Case(
        name="activities.delete_attachment",
        setup=_with_attachment,
        url=lambda w: f"/activities/{w.activity.id}/attachments/{w.attachment.id}/delete",
        allowed=WRITERS,
        state=lambda w: db.session.get(Attachment, w.attachment.id).deleted_at,
        changed=_expect(
            lambda w: db.session.get(Attachment, w.attachment.id).deleted_at is not None,
            "not deleted",
        ),
    ),
]
