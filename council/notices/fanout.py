"""Deferred fan-out: the sender expands each change's event (notice_events, written by
council/notices/hooks.py in the change's transaction) into one notice per person, in the
outbox and on screen.

The expansion of an event loads its object by id, finds the people to tell, renders the
shared mail text once and writes the rows through services.enqueue, with the same keys and
Message-ID scheme as ever; then it stamps the event expanded. Each event is expanded in a
transaction of its own. On PostgreSQL the claim locks the event with FOR UPDATE SKIP LOCKED,
so two senders never expand the same event at once; on SQLite the sender's transactions
begin IMMEDIATE (council/database.py) and run one after the other. Should an event be
expanded twice all the same (an event armed again, see hooks.record), the notices' unique
keys write each notice once.

An event whose object is gone (deleted), or whose version is no longer the object's current
one, is stamped expanded and writes nothing: it is superseded. A meeting changed twice before
the sender came by is told once, at its latest SEQUENCE (the later change has its own event);
minutes circulated and then confirmed, returned to draft or circulated again are no longer
open for answers, so that 照会 is not sent; a return followed by a resubmission is dropped.
The mail shows the object as it is when the sender expands the event, normally a few seconds
after the change (NOTICES_POLL_SECONDS).
"""

from datetime import datetime

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models import Activity
from council.activities.models.activity import activity_organizers, activity_participants
from council.extensions import db, utc_now
from council.minutes.models import Minutes, MinutesRevision
from council.notices import mails, services
from council.notices.mails import MailContent, both_dates
from council.notices.models import NoticeEvent
from council.submissions.models import Snapshot, Submission

HQ_LABEL = "本府省"


def _place(activity) -> str:
    return activity.block.name + "ブロック" if activity.block is not None else HQ_LABEL


def taking_part_query(activity):
    """SELECT of the agency ids asked about a meeting: co-organisers and participants."""
    return sa.union_all(
        sa.select(activity_organizers.c.agency_id).where(
            activity_organizers.c.activity_id == activity.id
        ),
        sa.select(activity_participants.c.agency_id).where(
            activity_participants.c.activity_id == activity.id
        ),
    )


def taking_part(activity) -> list[int]:
    """Agency ids asked about a meeting (参加機関 and co-organisers), without duplicates."""
    return sorted(set(db.session.scalars(taking_part_query(activity))))


def activity_url(activity) -> str:
    return f"{mails.base_url()}/activities/{activity.id}"


def minutes_url(activity) -> str:
    return f"{mails.base_url()}/activities/{activity.id}/minutes"


def _when(activity) -> str:
    if activity.is_all_day:
        return both_dates(activity.start_on)
    return both_dates(activity.starts_at)


def _enqueue(event: NoticeEvent, people, content: MailContent, **options) -> int:
    """The event's notices: the same text for everyone, the actor left out."""
    return services.enqueue(
        event.kind,
        (event.object_type, event.object_id, event.object_version),
        people,
        lambda r: content,
        exclude_user_id=event.actor_user_id,
        **options,
    )


# --- minutes --------------------------------------------------------------------------------


def circulation_content(minutes, *, reminder: bool = False) -> MailContent:
    activity = minutes.activity
    deadline = both_dates(minutes.comment_deadline_on)
    tag = "【照会・回答期限間近】" if reminder else "【照会】"
    return MailContent(
        subject=f"{tag}{activity.title} 議事録の確認({fiscal.format_date(minutes.comment_deadline_on)}まで)",
        heading=(
            "議事録の照会の回答期限が近づいています。"
            if reminder
            else f"{_place(activity)}事務局から、会議の議事録(案)の照会がありました。"
        ),
        facts=[
            ("会議", activity.title),
            ("開催日", _when(activity)),
            ("回答期限", deadline),
        ],
        action=(
            "議事録(案)を確認し、回答期限までに、システムで「確認しました」"
            "または意見を登録してください。機関として一度の回答で結構です。"
        ),
        link_url=minutes_url(activity),
        link_label="議事録(案)を開いて回答する",
    )


def _live_minutes(event: NoticeEvent) -> Minutes | None:
    minutes = db.session.get(Minutes, event.object_id)
    if minutes is None or minutes.activity.deleted_at is not None:
        return None
    return minutes


def minutes_circulated(event: NoticeEvent) -> int:
    """照会: every agency taking part (its members and its directory contacts), while that
    circulation is still open."""
    minutes = _live_minutes(event)
    if (
        minutes is None
        or minutes.status != "circulated"
        or minutes.circulated_at is None
        or minutes.circulated_at.isoformat() != event.object_version
    ):
        return 0
    people = services.agency_recipients("minutes_circulated", taking_part_query(minutes.activity))
    return _enqueue(event, people, circulation_content(minutes))


def _numbered(parent_column, parent_id: int, event: NoticeEvent, prefix: str):
    """The numbered child (a minutes revision, a submission snapshot) that an event's version
    names as prefix + number ("r2", "s3"); None when it is gone."""
    model = parent_column.class_
    return db.session.scalar(
        sa.select(model).where(
            parent_column == parent_id,
            model.number == int(event.object_version.removeprefix(prefix)),
        )
    )


def minutes_confirmed(event: NoticeEvent) -> int:
    """確定 (revision 1) or 訂正 (later revisions): the agencies that took part."""
    minutes = _live_minutes(event)
    revision = minutes and _numbered(MinutesRevision.minutes_id, minutes.id, event, "r")
    if revision is None:
        return 0
    activity = minutes.activity
    corrected = revision.number > 1
    facts = [
        ("会議", activity.title),
        ("開催日", _when(activity)),
        ("版", f"第{revision.number}版"),
    ]
    if corrected:
        facts.append(("訂正の理由", revision.reason))
    content = MailContent(
        subject=f"【{'訂正' if corrected else '確定'}】{activity.title} 議事録",
        heading=(
            "確定した議事録が訂正されました。"
            if corrected
            else "照会していた議事録が確定しました。"
        ),
        facts=facts,
        link_url=minutes_url(activity),
        link_label="確定した議事録を見る",
    )
    people = services.agency_recipients(
        "minutes_confirmed", taking_part_query(activity), with_contacts=False
    )
    return _enqueue(event, people, content)


# --- meetings -------------------------------------------------------------------------------

CHANGE_LABELS = {
    "created": "開催のお知らせ",
    "changed": "変更",
    "postponed": "延期",
    "cancelled": "中止",
}
CHANGE_HEADINGS = {
    "created": "会議の開催が決まりました。",
    "changed": "会議の日時・場所などが変更されました。",
    "postponed": "会議が延期されました。",
    "cancelled": "会議は中止になりました。",
}


def _change(activity) -> str:
    if activity.status in ("cancelled", "postponed"):
        return activity.status
    return "created" if not activity.sequence else "changed"


def activity_content(activity) -> MailContent:
    change = _change(activity)
    facts = [("会議", activity.title), ("主催", _place(activity))]
    if change == "postponed" and activity.original_starts_at is not None:
        facts.append(("当初の日時", both_dates(activity.original_starts_at)))
    if activity.is_new_date_pending:
        facts.append(("新しい日時", "未定(決まり次第お知らせします)"))
    else:
        facts.append(("日時" if change != "postponed" else "新しい日時", _when(activity)))
    if activity.venue:
        facts.append(("場所", activity.venue))
    if activity.status_reason and change in ("postponed", "cancelled"):
        facts.append(("理由", activity.status_reason))
    return MailContent(
        subject=f"【{CHANGE_LABELS[change]}】{activity.title}({fiscal.format_date(activity.starts_at)})",
        heading=CHANGE_HEADINGS[change],
        facts=facts,
        paragraphs=["添付の招待状(invite.ics)で、お使いの予定表の予定を追加・更新できます。"],
        link_url=activity_url(activity),
        link_label="会議の詳細を見る",
    )


def activity_changed(event: NoticeEvent) -> int:
    """A meeting created, or changed in time, place or status: its co-organisers,
    participants and everyone who answered the RSVP, with an invitation (.ics) whose UID
    and SEQUENCE are the feeds'. Only the event of the meeting's current SEQUENCE is told;
    a meeting already past when the change was made is not news."""
    activity = db.session.get(Activity, event.object_id)
    if (
        activity is None
        or activity.deleted_at is not None
        or str(activity.sequence or 0) != event.object_version
        or (activity.starts_at < event.created_at and activity.status != "postponed")
    ):
        return 0
    agency_ids = taking_part(activity)
    for attendance in getattr(activity, "attendances", []):
        if attendance.rsvp and attendance.agency_id not in agency_ids:
            agency_ids.append(attendance.agency_id)
    people = services.agency_recipients(
        "activity_changed",
        agency_ids,
        with_contacts=activity.visibility != "secretariat",
        user_filter=lambda user: permissions.can_view_activity(user, activity),
    )
    return _enqueue(
        event, people, activity_content(activity), ics=lambda: mails.invitation(activity)
    )


# --- the annual submission ------------------------------------------------------------------

KIND_LABELS = {"record": "実績", "plan": "計画"}


def _submission_title(submission) -> str:
    return (
        f"{submission.block.name}ブロック {fiscal.fiscal_year_label(submission.fiscal_year)}"
        f"({submission.fiscal_year}) {KIND_LABELS.get(submission.kind, submission.kind)}"
    )


def _submission_url(submission, number: int) -> str:
    return (
        f"{mails.base_url()}/submissions/{submission.fiscal_year}/{submission.block.code}"
        f"/{submission.kind}/{number}"
    )


def submission_submitted(event: NoticeEvent) -> int:
    """A block submitted (or resubmitted) its record or plan: headquarters."""
    snapshot = _numbered(Snapshot.submission_id, event.object_id, event, "s")
    if snapshot is None:
        return 0
    submission = snapshot.submission
    facts = [("提出", _submission_title(submission)), ("版", f"第{snapshot.number}版")]
    facts.append(("提出日時", both_dates(snapshot.submitted_at)))
    if snapshot.comment:
        facts.append(("コメント", snapshot.comment))
    content = MailContent(
        subject=f"【{'再提出' if snapshot.number > 1 else '提出'}】{_submission_title(submission)}",
        heading="ブロックから年度の活動の提出がありました。",
        facts=facts,
        action="内容を確認し、必要であれば理由を添えて差し戻してください。",
        link_url=_submission_url(submission, snapshot.number),
        link_label="提出内容を見る",
    )
    return _enqueue(event, services.as_recipients(services.hq_users()), content)


def submission_returned(event: NoticeEvent) -> int:
    """Headquarters returned a submission: the block's secretariat, with the reason (while
    it is still returned: a resubmission since supersedes it)."""
    submission = db.session.get(Submission, event.object_id)
    number = int(event.object_version.removeprefix("r"))
    if submission is None or submission.state != "returned" or len(submission.snapshots) != number:
        return 0
    content = MailContent(
        subject=f"【差戻し】{_submission_title(submission)}",
        heading="本府省から提出が差し戻されました。",
        facts=[
            ("提出", _submission_title(submission)),
            ("差し戻した版", f"第{number}版"),
            ("差戻しの理由", submission.return_reason),
        ],
        action="理由を確認して活動の記録を修正し、もう一度提出してください。",
        link_url=_submission_url(submission, number),
        link_label="提出内容を見る",
    )
    people = services.as_recipients(services.secretariat_users(submission.block_id))
    return _enqueue(event, people, content)


EXPANSIONS = {
    "minutes_circulated": minutes_circulated,
    "minutes_confirmed": minutes_confirmed,
    "activity_changed": activity_changed,
    "submission_submitted": submission_submitted,
    "submission_returned": submission_returned,
}


# --- the sender's step ----------------------------------------------------------------------


def claim_event(skip=()) -> NoticeEvent | None:
    """The oldest event not yet expanded, locked for this transaction (PostgreSQL: other
    senders skip it; SQLite: the transaction began IMMEDIATE and holds the write lock)."""
    query = (
        sa.select(NoticeEvent)
        .where(NoticeEvent.expanded_at.is_(None))
        .order_by(NoticeEvent.id)
        .limit(1)
    )
    if skip:
        query = query.where(NoticeEvent.id.not_in(list(skip)))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def expand(event: NoticeEvent, now: datetime | None = None) -> int:
    """Write the event's notices and stamp it expanded (flushes; the caller commits).
    Returns the mails written."""
    expansion = EXPANSIONS.get(event.kind)
    written = expansion(event) if expansion is not None else 0
    event.expanded_at = now or utc_now()
    db.session.flush()
    return written


def expand_due(*, failed: set, log=print) -> int:
    """Expand every event not yet expanded, oldest first, each in its own transaction;
    commits. An event whose expansion raises (a bug, bad data) is rolled back, logged, and
    left for the next start of the sender, so that it cannot hold up the others' mail; the
    database being away (OperationalError) is the caller's to handle. Returns the mails
    written."""
    written = 0
    while True:
        event = claim_event(failed)
        if event is None:
            db.session.commit()
            return written
        event_id = event.id
        try:
            count = expand(event)
        except sa.exc.OperationalError:
            raise
        except Exception as error:  # noqa: BLE001 - one broken event must not stop the rest
            db.session.rollback()
            failed.add(event_id)
            log(f"notices: event {event_id} not expanded: {type(error).__name__}: {error}")
            continue
        db.session.commit()
        written += count
