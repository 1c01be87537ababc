"""Every kind of notice with each setting: immediately, daily digest, off."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from council import fiscal
from council.directory.models import Block
from council.extensions import db, utc_now
from council.minutes import services as minutes_services
from council.notices import daily, services
from council.notices.kinds import KINDS
from council.notices.models import Notice, OutboxMessage
from council.submissions import services as submissions
from tests.notices.conftest import by_recipient, expand, send_once

TODAY = fiscal.to_jst(utc_now()).date()


def _future(days=30):
    return (
        (fiscal.to_jst(utc_now()) + timedelta(days=days))
        .replace(hour=10, minute=0, second=0, microsecond=0, tzinfo=None)
        .isoformat(sep=" ", timespec="minutes")
    )


def _circulate(minutes, secretariat, deadline=date(2099, 12, 1)):
    minutes_services.circulate_minutes(
        minutes, actor=secretariat, expected_version=minutes.version, deadline=deadline
    )
    db.session.commit()


def _kanto():
    return db.session.scalar(sa.select(Block).where(Block.code == "kanto"))


def _daily(job):
    job(TODAY, utc_now())
    db.session.commit()


# Each trigger causes one notice of its kind and returns the user it is addressed to.
def circulated(ctx):
    _circulate(ctx["minutes"], ctx["secretariat"])
    return ctx["member"]


def reminder(ctx):
    _circulate(ctx["minutes"], ctx["secretariat"], deadline=TODAY + timedelta(days=2))
    expand()
    db.session.execute(sa.delete(OutboxMessage))  # the circulation itself is not the point
    db.session.commit()
    _daily(daily.reminders)
    return ctx["member"]


def overdue(ctx):
    _circulate(ctx["minutes"], ctx["secretariat"], deadline=TODAY)
    ctx["minutes"].comment_deadline_on = TODAY - timedelta(days=1)
    db.session.commit()
    _daily(daily.overdue_circulations)
    return ctx["secretariat"]


def confirmed(ctx):
    _circulate(ctx["minutes"], ctx["secretariat"])
    minutes_services.approve_minutes(
        ctx["minutes"], actor=ctx["secretariat"], expected_version=ctx["minutes"].version
    )
    db.session.commit()
    return ctx["member"]


def activity(ctx):
    ctx["make_activity"](
        title="関東幹事会",
        start=_future(),
        organizers=("関東経済産業局",),
        participants_of=("関東総合通信局",),
        actor=ctx["secretariat"],
    )
    return ctx["member"]


def followup(ctx):
    ctx["make_activity"](
        title="未作成の協議会", start=_future(-30), status="held", organizers=("関東経済産業局",)
    )
    _daily(daily.followups)
    return ctx["secretariat"]


def submitted(ctx):
    submissions.submit(
        _kanto(), 2008, "plan", actor=ctx["secretariat"], now=datetime(2008, 3, 1, tzinfo=UTC)
    )
    db.session.commit()
    return ctx["hq"]


def returned(ctx):
    snapshot = submissions.submit(
        _kanto(), 2008, "plan", actor=ctx["secretariat"], now=datetime(2008, 3, 1, tzinfo=UTC)
    )
    db.session.commit()
    submissions.return_submission(snapshot.submission, actor=ctx["hq"], reason="件数の確認を")
    db.session.commit()
    return ctx["secretariat"]


TRIGGERS = {
    "minutes_circulated": circulated,
    "minutes_reminder": reminder,
    "minutes_overdue": overdue,
    "minutes_confirmed": confirmed,
    "activity_changed": activity,
    "followup": followup,
    "submission_submitted": submitted,
    "submission_returned": returned,
}


def test_every_kind_has_a_trigger():
    assert set(TRIGGERS) == set(KINDS)


@pytest.fixture
def ctx(smtp, make_user, make_activity, draft_minutes, secretariat, member):
    return {
        "secretariat": secretariat,
        "member": member,
        "hq": make_user(role="hq", email="hq@example.jp"),
        "minutes": draft_minutes,
        "make_activity": make_activity,
    }


@pytest.mark.parametrize("mode", ["immediate", "digest", "off"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_honours_each_setting(ctx, smtp, kind, mode):
    trigger = TRIGGERS[kind]
    # Who receives it is decided by the trigger; set the choice on everyone involved.
    people = [ctx["secretariat"], ctx["member"], ctx["hq"]]
    if mode == "off" and KINDS[kind].is_mandatory:
        with pytest.raises(services.NoticeError, match="停止できません"):
            services.set_mode(kind=kind, mode="off", user=ctx["member"])
        db.session.rollback()
        expected_mail = True
    else:
        for person in people:
            services.set_mode(kind=kind, mode=mode, user=person)
        db.session.commit()
        expected_mail = mode == "immediate"
    user = trigger(ctx)
    send_once()
    mails = [m for m in by_recipient(smtp).get(user.email, []) if m["X-Council-Notice"] == kind]
    subjects = [m["Subject"] for m in mails]
    # On screen whatever the setting.
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Notice.user_id == user.id, Notice.kind == kind)
        )
        == 1
    )
    if expected_mail:
        assert len(mails) == 1, subjects
        return
    assert mails == [], subjects
    held = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.kind == kind)
    ).all()
    if mode == "off":
        assert held == []
        return
    assert [r.status for r in held] == ["held"]
    _daily(daily.digests)
    send_once()
    digest = [m for m in by_recipient(smtp)[user.email] if m["X-Council-Notice"] == "digest"]
    assert len(digest) == 1 and digest[0]["Subject"].startswith("【まとめ】")
    assert held[0].content.subject in digest[0].get_body(preferencelist=("plain",)).get_content()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, held[0].id).status == "digested"
