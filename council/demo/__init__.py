"""The deterministic demo data set behind `flask demo`.

council/demo/plan.py decides what exists; this module writes it. Every activity's uid is a
UUID5 of its plan key, so a re-run finds what an earlier run wrote and skips it: running the
command twice leaves the same rows. The plan depends on today's date only for what is
past (held) or future (planned), and for the near-term events of this and the next month.
"""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from council import fiscal
from council.accounts.demo_logins import ensure_demo_logins
from council.activities.models import Activity, Category
from council.activities.services import create_activity
from council.analysis.funding.demo import load_funding_demo
from council.demo import notices as notices_demo
from council.demo.national import load_national_events
from council.demo.plan import Directory, PlannedActivity, build_plan
from council.directory.models import Agency, Block, Membership
from council.extensions import db, utc_now
from council.measures.models import Measure
from council.minutes.models import ActionItem, Minutes, MinutesRevision
from council.notices import services as notices

DEMO_NAMESPACE = uuid.UUID("8f0c2a8e-2007-4b1d-9c3e-0d2a1b5c7e11")


def demo_uid(key: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"demo:{key}"))


def _directory() -> tuple[Directory, dict, dict, dict, dict]:
    blocks = {b.code: b for b in db.session.scalars(sa.select(Block).order_by(Block.sort_order))}
    rows = db.session.execute(
        sa.select(Membership.block_id, Membership.is_secretariat, Agency)
        .join(Agency, Agency.id == Membership.agency_id)
        .where(Membership.last_fy.is_(None), Agency.is_active)
        .order_by(Agency.id)
        .options(joinedload(Agency.ministry))
    ).all()
    code_of = {b.id: code for code, b in blocks.items()}
    members: dict[str, list] = {code: [] for code in blocks}
    secretariat: dict[str, str] = {}
    agencies: dict[str, Agency] = {}
    for block_id, is_secretariat, agency in rows:
        code = code_of[block_id]
        members[code].append((agency.name, agency.kind, agency.group_label))
        agencies[agency.name] = agency
        if is_secretariat:
            secretariat[code] = agency.name
    for code in blocks:
        # A block whose secretariat agency was edited away still needs an organiser.
        secretariat.setdefault(code, members[code][0][0])
    measures = {m.name: m for m in db.session.scalars(sa.select(Measure).order_by(Measure.id))}
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    directory = Directory(
        block_names={code: b.name for code, b in blocks.items()},
        members=members,
        secretariat=secretariat,
        measures=list(measures),
    )
    return directory, blocks, agencies, measures, categories


def _existing_uids(uids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(uids), 500):
        chunk = uids[i : i + 500]
        found.update(db.session.scalars(sa.select(Activity.uid).where(Activity.uid.in_(chunk))))
    return found


def _add_minutes(activity: Activity, plan: PlannedActivity, agencies: dict) -> None:
    """Approved minutes (revision 1) with their action items, as the secretariat left them."""
    planned = plan.minutes
    circulated_at = plan.starts_at + timedelta(days=7)
    approved_at = plan.starts_at + timedelta(days=14)
    minutes = Minutes(
        activity=activity,
        status="approved",
        attendees=planned.attendees,
        agenda=planned.agenda,
        discussion=planned.discussion,
        decisions=planned.decisions,
        comment_deadline_on=(plan.starts_at + timedelta(days=12)).date(),
        circulated_at=circulated_at,
        approved_at=approved_at,
        created_at=plan.starts_at + timedelta(days=2),
        updated_at=approved_at,
    )
    for description, owner, due_on, is_done in planned.action_items:
        minutes.action_items.append(
            ActionItem(
                description=description,
                owner_agency=agencies.get(owner),
                due_on=due_on,
                is_done=is_done,
                done_at=fiscal.jst_datetime(due_on) if is_done else None,
            )
        )
    minutes.revisions.append(
        MinutesRevision(
            number=1,
            attendees=planned.attendees,
            agenda=planned.agenda,
            discussion=planned.discussion,
            decisions=planned.decisions,
            reason="初版(確定)",
            created_at=approved_at,
        )
    )
    db.session.add(minutes)


def load_demo() -> list[tuple[str, str, str]]:
    """Write the demo data set (idempotent) and return one (role, email, password) per role.

    Flushes, never commits: the command commits once at the end.
    """
    now = utc_now()
    directory, blocks, agencies, measures, categories = _directory()
    plan = build_plan(
        fiscal.to_jst(now).date(), directory, last_fy=fiscal.current_fiscal_year(now) + 1
    )
    existing = _existing_uids([demo_uid(p.key) for p in plan])
    # History is not news: the data set itself sends no notices (see council/demo/notices.py).
    notices.suppress(db.session)
    for item in plan:
        uid = demo_uid(item.key)
        if uid in existing:
            continue
        activity = create_activity(
            actor=None,
            uid=uid,
            block_id=blocks[item.block].id if item.block else None,
            category_id=categories[item.category].id,
            kind=item.kind,
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            is_all_day=item.is_all_day,
            venue=item.venue,
            status=item.status,
            visibility=item.visibility,
            participants=item.participants,
            description=item.description,
            status_reason=item.status_reason,
            original_starts_at=item.original_starts_at,
            original_is_all_day=item.is_all_day if item.original_starts_at else None,
            organizers=[agencies[n] for n in item.organizers if n in agencies],
            participant_agencies=[agencies[n] for n in item.participant_agencies if n in agencies],
            measures=[measures[n] for n in item.measures if n in measures],
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
        if item.minutes is not None:
            _add_minutes(activity, item, agencies)
    db.session.flush()
    load_funding_demo()
    load_national_events()
    notices.suppress(db.session, False)
    logins = ensure_demo_logins()
    notices_demo.load("kanto@demo.example.jp", "hq@demo.example.jp")
    return logins
