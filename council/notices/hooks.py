"""The one call each domain service makes after its change: who hears of it, and what the
mail says. Everything lands in the caller's transaction (see services.enqueue)."""

import functools

import sqlalchemy as sa

from council import fiscal, permissions
from council.activities.models.activity import activity_organizers, activity_participants
from council.extensions import db, utc_now
from council.notices import mails, services
from council.notices.mails import MailContent, both_dates

HQ_LABEL = "本府省"


def _unless_suppressed(hook):
    """A hook does nothing, not even finding its recipients, while notices are suppressed
    (the demo loader, a bulk migration, NOTICES_ENABLED = False)."""

    @functools.wraps(hook)
    def wrapper(*args, **kwargs) -> int:
        if services.is_suppressed(db.session):
            return 0
        return hook(*args, **kwargs)

    return wrapper


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


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


@_unless_suppressed
def minutes_circulated(minutes, *, actor) -> int:
    """照会: every agency taking part (its members and its directory contacts)."""
    people = services.agency_recipients("minutes_circulated", taking_part_query(minutes.activity))
    content = circulation_content(minutes)
    return services.enqueue(
        "minutes_circulated",
        ("minutes", minutes.id, minutes.circulated_at.isoformat()),
        people,
        lambda r: content,
        exclude_user_id=_actor_id(actor),
        is_new_version=True,  # each circulation has its own timestamp
    )


@_unless_suppressed
def minutes_confirmed(minutes, revision, *, actor) -> int:
    """確定 (revision 1) or 訂正 (later revisions): the agencies that took part."""
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
    return services.enqueue(
        "minutes_confirmed",
        ("minutes", minutes.id, f"r{revision.number}"),
        people,
        lambda r: content,
        exclude_user_id=_actor_id(actor),
    )


# --- meetings -------------------------------------------------------------------------------

CHANGE_LABELS = {
    "created": "開催のお知らせ",
    "changed": "変更",
    "postponed": "延期",
    "cancelled": "中止",
}


def _change(activity) -> str:
    if activity.status in ("cancelled", "postponed"):
        return activity.status
    return "created" if not activity.sequence else "changed"


@_unless_suppressed
def activity_changed(activity, *, actor) -> int:
    """A meeting created, or changed in time, place or status: its co-organisers,
    participants and everyone who answered the RSVP, with an invitation (.ics) whose UID
    and SEQUENCE are the feeds'. Past activities (a historical import) are not news."""
    if activity.deleted_at is not None:
        return 0
    now = utc_now()
    if activity.starts_at < now and activity.status != "postponed":
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
    heading = {
        "created": "会議の開催が決まりました。",
        "changed": "会議の日時・場所などが変更されました。",
        "postponed": "会議が延期されました。",
        "cancelled": "会議は中止になりました。",
    }[change]
    content = MailContent(
        subject=f"【{CHANGE_LABELS[change]}】{activity.title}({fiscal.format_date(activity.starts_at)})",
        heading=heading,
        facts=facts,
        paragraphs=["添付の招待状(invite.ics)で、お使いの予定表の予定を追加・更新できます。"],
        link_url=activity_url(activity),
        link_label="会議の詳細を見る",
    )
    return services.enqueue(
        "activity_changed",
        ("activity", activity.id, str(activity.sequence or 0)),
        people,
        lambda r: content,
        ics=lambda: mails.invitation(activity),
        exclude_user_id=_actor_id(actor),
        now=now,
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


@_unless_suppressed
def submission_submitted(snapshot, *, actor) -> int:
    """A block submitted (or resubmitted) its record or plan: headquarters."""
    submission = snapshot.submission
    again = snapshot.number > 1
    facts = [("提出", _submission_title(submission)), ("版", f"第{snapshot.number}版")]
    facts.append(("提出日時", both_dates(snapshot.submitted_at)))
    if snapshot.comment:
        facts.append(("コメント", snapshot.comment))
    content = MailContent(
        subject=f"【{'再提出' if again else '提出'}】{_submission_title(submission)}",
        heading="ブロックから年度の活動の提出がありました。",
        facts=facts,
        action="内容を確認し、必要であれば理由を添えて差し戻してください。",
        link_url=_submission_url(submission, snapshot.number),
        link_label="提出内容を見る",
    )
    return services.enqueue(
        "submission_submitted",
        ("submission", submission.id, f"s{snapshot.number}"),
        services.as_recipients(services.hq_users()),
        lambda r: content,
        exclude_user_id=_actor_id(actor),
    )


@_unless_suppressed
def submission_returned(submission, *, actor) -> int:
    """Headquarters returned a submission: the block's secretariat, with the reason."""
    number = len(submission.snapshots)
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
    return services.enqueue(
        "submission_returned",
        ("submission", submission.id, f"r{number}"),
        services.as_recipients(services.secretariat_users(submission.block_id)),
        lambda r: content,
        exclude_user_id=_actor_id(actor),
    )
