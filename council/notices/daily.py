"""The time-driven notices, enqueued once a Japan day at NOTICES_DAILY_HOUR (08:00 default):
reminders before a comment deadline, the agencies still silent after it, the secretariat's
follow-up digest (meetings without minutes, overdue action items) and each user's digest of
the notices they chose to take once a day.

The day's row in notice_daily_runs is the lock: whichever sender inserts it runs the day, in
the same transaction, and every other attempt that day finds it and does nothing.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from council import fiscal
from council.activities.models import Activity, Category
from council.directory.models import Agency, Block
from council.extensions import db
from council.minutes.models import ActionItem, Minutes, MinutesResponse
from council.notices import fanout, mails, services
from council.notices.kinds import DIGEST_KIND, KINDS
from council.notices.models import DailyRun, NoticeContent, OutboxMessage


def run_if_due(now: datetime) -> int:
    """Run today's notices if the hour has come and nobody ran them yet; commits."""
    local = fiscal.to_jst(now)
    if local.hour < int(current_app.config["NOTICES_DAILY_HOUR"]):
        return 0
    today = local.date()
    if db.session.scalar(sa.select(DailyRun.id).where(DailyRun.run_on == today)) is not None:
        db.session.rollback()
        return 0
    table = DailyRun.__table__
    if not services._insert_ignore(table, [{"run_on": today, "started_at": now, "enqueued": 0}]):
        db.session.rollback()
        return 0
    count = run_day(today, now)
    db.session.execute(sa.update(table).where(table.c.run_on == today).values(enqueued=count))
    db.session.commit()
    return count


def run_day(today: date, now: datetime) -> int:
    return sum(
        (
            reminders(today, now),
            overdue_circulations(today, now),
            followups(today, now),
            digests(today, now),
        )
    )


def _silent_agencies(minutes: Minutes) -> list[Agency]:
    answered = set(
        db.session.scalars(
            sa.select(MinutesResponse.agency_id).where(
                MinutesResponse.minutes_id == minutes.id,
                MinutesResponse.responded_at >= minutes.circulated_at,
            )
        )
    )
    activity = minutes.activity
    agencies: dict[int, Agency] = {}
    for agency in [*activity.organizers, *activity.participant_agencies]:
        if agency.id not in answered:
            agencies.setdefault(agency.id, agency)
    return list(agencies.values())


def _circulated(*clauses) -> list[Minutes]:
    return list(
        db.session.scalars(
            sa.select(Minutes)
            .join(Activity, Activity.id == Minutes.activity_id)
            .where(Minutes.status == "circulated", Activity.deleted_at.is_(None), *clauses)
            .order_by(Minutes.id)
        )
    )


def reminders(today: date, now: datetime) -> int:
    """N days before the comment deadline: the agencies that have not answered."""
    days = int(current_app.config["NOTICES_REMINDER_DAYS"])
    count = 0
    for minutes in _circulated(
        Minutes.comment_deadline_on >= today,
        Minutes.comment_deadline_on <= today + timedelta(days=days),
    ):
        silent = [a.id for a in _silent_agencies(minutes)]
        people = services.agency_recipients("minutes_reminder", silent)
        content = fanout.circulation_content(minutes, reminder=True)
        count += services.enqueue(
            "minutes_reminder",
            ("minutes", minutes.id, minutes.circulated_at.isoformat()),
            people,
            lambda r, c=content: c,
            now=now,
        )
    return count


def overdue_circulations(today: date, now: datetime) -> int:
    """After the deadline: the secretariat, with the agencies still silent."""
    count = 0
    for minutes in _circulated(Minutes.comment_deadline_on < today):
        silent = _silent_agencies(minutes)
        if not silent:
            continue
        activity = minutes.activity
        content = mails.MailContent(
            subject=f"【未回答】{activity.title} 議事録照会の回答期限を過ぎました",
            heading="議事録照会の回答期限を過ぎましたが、まだ回答していない機関があります。",
            facts=[
                ("会議", activity.title),
                ("回答期限", mails.both_dates(minutes.comment_deadline_on)),
                ("未回答", f"{len(silent)}機関"),
            ],
            items=[a.name for a in silent],
            action="未回答の機関に確認するか、回答を待たずに確定するかを判断してください。",
            link_url=fanout.minutes_url(activity),
            link_label="照会の状況を見る",
        )
        count += services.enqueue(
            "minutes_overdue",
            ("minutes", minutes.id, minutes.circulated_at.isoformat()),
            services.as_recipients(services.secretariat_users(activity.block_id)),
            lambda r, c=content: c,
            now=now,
        )
    return count


def followups(today: date, now: datetime) -> int:
    """One digest per block: meetings held N days ago or more without minutes, and action
    items past their due date."""
    due_days = int(current_app.config["NOTICES_MINUTES_DUE_DAYS"])
    since = fiscal.jst_datetime(today - timedelta(days=365))
    until = fiscal.jst_datetime(today - timedelta(days=due_days))
    meetings = db.session.execute(
        sa.select(Activity.block_id, Activity.title, Activity.starts_at)
        .join(Category, Category.id == Activity.category_id)
        .outerjoin(Minutes, Minutes.activity_id == Activity.id)
        .where(
            Activity.status == "held",
            Activity.deleted_at.is_(None),
            sa.or_(Category.is_meeting, Activity.block_id.is_(None)),
            Activity.starts_at >= since,
            Activity.starts_at < until,
            Minutes.id.is_(None),
        )
        .order_by(Activity.starts_at)
    ).all()
    items = db.session.execute(
        sa.select(Activity.block_id, Activity.title, ActionItem.description, ActionItem.due_on)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .join(Activity, Activity.id == Minutes.activity_id)
        .where(
            ActionItem.is_done.is_(False),
            ActionItem.due_on < today,
            Activity.deleted_at.is_(None),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    ).all()
    lines: dict[int | None, list[str]] = defaultdict(list)
    for block_id, title, starts_at in meetings:
        lines[block_id].append(f"議事録未作成: {title}({fiscal.format_date(starts_at)}開催)")
    for block_id, title, description, due_on in items:
        lines[block_id].append(
            f"対応期限切れ: {description}(期限 {fiscal.format_date(due_on)}、{title})"
        )
    count = 0
    base = mails.base_url()
    for block_id, block_lines in lines.items():
        block = db.session.get(Block, block_id) if block_id is not None else None
        content = mails.MailContent(
            subject=f"【要対応】{block.name + 'ブロック' if block else '本府省'}"
            f" 議事録・対応事項の確認({fiscal.format_date(today)})",
            heading="開催後に議事録が作成されていない会議と、期限を過ぎた対応事項があります。",
            items=block_lines,
            action="議事録の作成や対応事項の完了登録をお願いします。",
            link_url=f"{base}/",
            link_label="ホーム画面で確認する",
        )
        count += services.enqueue(
            "followup",
            ("block", block_id or 0, today.isoformat()),
            services.as_recipients(services.secretariat_users(block_id)),
            lambda r, c=content: c,
            now=now,
        )
    return count


def digests(today: date, now: datetime) -> int:
    """Each user's notices held for the daily digest, in one mail; the held rows are then
    marked as having gone out in it."""
    by_person: dict[str, list] = defaultdict(list)
    for row in _held():
        by_person[row.recipient].append(row)
    base = mails.base_url()
    domain = mails.message_id_domain()
    for email, rows in by_person.items():
        content_id = _digest_content(today, now, rows, base)
        digest_id = _queue_digest(today, now, email, rows[0], content_id, domain)
        table = OutboxMessage.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id.in_([r.id for r in rows]), table.c.status == "held")
            .values(status="digested", digest_id=digest_id)
        )
    return len(by_person)


def _held() -> list:
    """The held notices with their subject and link, by recipient in the order they came."""
    table, contents = OutboxMessage.__table__, NoticeContent.__table__
    return db.session.execute(
        sa.select(
            table.c.id,
            table.c.user_id,
            table.c.recipient,
            table.c.recipient_name,
            table.c.kind,
            contents.c.subject,
            contents.c.link_url,
        )
        .join(contents, contents.c.id == table.c.content_id)
        .where(table.c.status == "held")
        .order_by(table.c.recipient, table.c.id)
    ).all()


def _digest_content(today: date, now: datetime, rows: list, base: str) -> int:
    """The digest mail, rendered once: one line per held notice."""
    content = mails.MailContent(
        subject=f"【まとめ】{fiscal.format_date(today)}のお知らせ({len(rows)}件)",
        heading="1日1回まとめて受け取る設定のお知らせです。",
        items=[f"{r.subject} ({KINDS[r.kind].label}) {r.link_url}" for r in rows],
        link_url=f"{base}/notices",
        link_label="お知らせの一覧を見る",
    )
    rendered = mails.render_once(content, with_unsubscribe=False)
    return db.session.execute(
        sa.insert(NoticeContent.__table__).values(
            kind=DIGEST_KIND,
            subject=content.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            link_url=content.link_url,
            created_at=now,
        )
    ).inserted_primary_key[0]


def _queue_digest(today, now, email: str, first, content_id: int, domain: str) -> int:
    """The digest's outbox row, keyed by user and day so that a second run the same day adds
    none; its id, whether this run or an earlier one wrote it."""
    table = OutboxMessage.__table__
    key = {
        "kind": DIGEST_KIND,
        "object_type": "user",
        "object_id": first.user_id or 0,
        "recipient": email,
        "object_version": today.isoformat(),
    }
    services._insert_ignore(
        table,
        [
            {
                **key,
                "recipient_name": first.recipient_name,
                "user_id": first.user_id,
                "content_id": content_id,
                "message_id": mails.new_message_id(domain),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
        ],
    )
    return db.session.scalar(
        sa.select(table.c.id).where(*(table.c[name] == value for name, value in key.items()))
    )
