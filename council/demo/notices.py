"""What `flask demo` adds so that `flask notices send --once` has real mail to deliver:
minutes of a kanto meeting in circulation with a deadline two days away, a kanto plan
returned by headquarters, and an overdue action item. Idempotent, like the rest of the demo.
Goes through the services, so the changes' events are recorded exactly as in real use; the
sender's next pass expands them into the mails and on-screen notices."""

import uuid
from datetime import time, timedelta

import sqlalchemy as sa

from council import fiscal
from council.accounts.models import User
from council.activities.models import Activity, Category
from council.directory.models import Block
from council.extensions import db, utc_now
from council.minutes import services as minutes_services
from council.minutes.models import ActionItem, Minutes
from council.submissions import services as submissions
from council.submissions.models import Submission

BLOCK = "kanto"


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def load(secretariat_email: str, hq_email: str) -> list[str]:
    """Returns what was added, for the command's output."""
    block = db.session.scalar(sa.select(Block).where(Block.code == BLOCK))
    secretariat, hq = _user(secretariat_email), _user(hq_email)
    if block is None or secretariat is None or hq is None:
        return []
    now = utc_now()
    today = fiscal.to_jst(now).date()
    done = []
    if _circulate(block, secretariat, today):
        done.append("minutes in circulation")
    if _returned_plan(block, secretariat, hq, now):
        done.append("a returned plan")
    if _overdue_item(block, today):
        done.append("an overdue action item")
    return done


def _circulate(block, secretariat, today) -> bool:
    already = db.session.scalar(
        sa.select(Minutes.id)
        .join(Activity, Activity.id == Minutes.activity_id)
        .where(Activity.block_id == block.id, Minutes.status == "circulated")
    )
    if already is not None:
        return False
    meeting = db.session.scalar(
        sa.select(Activity)
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Minutes, Minutes.activity_id == Activity.id)
        .where(
            Activity.block_id == block.id,
            Activity.status == "held",
            Activity.deleted_at.is_(None),
            Category.is_meeting,
            Minutes.id.is_(None),
        )
        .order_by(Activity.starts_at.desc())
        .limit(1)
    )
    if meeting is None:
        meeting = _new_meeting(block, secretariat, today)
    minutes = minutes_services.create_minutes(
        meeting,
        actor=secretariat,
        attendees="\n".join(a.name for a in [*meeting.organizers, *meeting.participant_agencies]),
        agenda="1. 関係府省施策の実施状況について\n2. 今後の予定について",
        discussion="## 関係府省施策の実施状況\n\n各機関から、施策の採択状況と公募予定が報告された。",
        decisions="次回までに各機関の施策一覧を更新する。",
    )
    minutes_services.circulate_minutes(
        minutes,
        actor=secretariat,
        expected_version=minutes.version,
        deadline=today + timedelta(days=2),
    )
    return True


def _new_meeting(block, secretariat, today) -> Activity:
    """A 幹事会 held five days ago by the block's secretariat agency with all its members."""
    from council.activities.services import create_activity
    from council.directory.models import Agency, Membership

    members = db.session.execute(
        sa.select(Agency, Membership.is_secretariat)
        .join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.block_id == block.id, Membership.last_fy.is_(None), Agency.is_active)
        .order_by(Agency.id)
    ).all()
    organizers = [a for a, is_secretariat in members if is_secretariat] or [members[0][0]]
    category = db.session.scalar(sa.select(Category).where(Category.code == "council"))
    starts_at = fiscal.jst_datetime(today - timedelta(days=5), time(14, 0))
    return create_activity(
        actor=secretariat,
        uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"block-council-demo:notices:{block.code}")),
        block_id=block.id,
        category_id=category.id,
        kind="secretariat",
        title=f"{block.name}地域ブロック協議会 幹事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue="さいたま新都心合同庁舎1号館",
        status="held",
        visibility="members",
        participants=len(members),
        organizers=organizers,
        participant_agencies=[a for a, _ in members if a not in organizers],
    )


def _returned_plan(block, secretariat, hq, now) -> bool:
    year = fiscal.current_fiscal_year(now) + 1
    exists = db.session.scalar(
        sa.select(Submission.id).where(
            Submission.block_id == block.id, Submission.fiscal_year == year
        )
    )
    if exists is not None:
        return False
    try:
        snapshot = submissions.submit(
            block, year, "plan", actor=secretariat, comment="来年度の計画を提出します。", now=now
        )
    except submissions.SubmissionError:
        return False
    submissions.return_submission(
        snapshot.submission,
        actor=hq,
        reason="合同公募説明会の開催時期を、各府省の公募開始にあわせて見直してください。",
        now=now,
    )
    return True


def _overdue_item(block, today) -> bool:
    open_overdue = db.session.scalar(
        sa.select(ActionItem.id)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .join(Activity, Activity.id == Minutes.activity_id)
        .where(
            Activity.block_id == block.id,
            ActionItem.is_done.is_(False),
            ActionItem.due_on < today,
        )
        .limit(1)
    )
    if open_overdue is not None:
        return False
    minutes = db.session.scalar(
        sa.select(Minutes)
        .join(Activity, Activity.id == Minutes.activity_id)
        .where(Activity.block_id == block.id, Minutes.status == "approved")
        .order_by(Activity.starts_at.desc())
        .limit(1)
    )
    if minutes is None:
        return False
    minutes.action_items.append(
        ActionItem(
            description="合同公募説明会の会場候補を調整する",
            owner_agency_id=None,
            due_on=today - timedelta(days=7),
        )
    )
    db.session.flush()
    return True
