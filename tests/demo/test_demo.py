"""`flask demo`: a deterministic, re-runnable multi-year data set for every block."""

from datetime import date, timedelta

import sqlalchemy as sa

from council import fiscal
from council.activities.models import Activity, Category
from council.demo import load_demo
from council.demo.places import SEMINARS, VENUES
from council.demo.plan import Directory, build_plan
from council.directory.models import Block
from council.extensions import db, utc_now
from council.minutes.models import ActionItem, Minutes, MinutesRevision


def _counts() -> dict:
    rows = db.session.execute(
        sa.select(
            Activity.fiscal_year,
            Block.code,
            Category.code,
            Activity.status,
            sa.func.count(),
        )
        .outerjoin(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .group_by(Activity.fiscal_year, Block.code, Category.code, Activity.status)
    ).all()
    return {tuple(r[:4]): r[4] for r in rows}


def _total(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _councils(block_code: str | None = None, fy: int | None = None):
    query = (
        sa.select(Activity.kind, sa.func.count())
        .join(Category, Category.id == Activity.category_id)
        .where(Category.code == "council")
        .group_by(Activity.kind)
    )
    if block_code is not None:
        query = query.join(Block, Block.id == Activity.block_id).where(Block.code == block_code)
    if fy is not None:
        query = query.where(Activity.fiscal_year == fy)
    return dict(db.session.execute(query).all())


def test_running_it_again_changes_nothing(demo):
    before = _counts()
    totals = [_total(m) for m in (Activity, Minutes, MinutesRevision, ActionItem)]
    assert sum(before.values()) > 3000

    logins = load_demo()
    db.session.commit()

    assert _counts() == before
    assert [_total(m) for m in (Activity, Minutes, MinutesRevision, ActionItem)] == totals
    assert logins == demo


def test_the_active_block_holds_3_councils_and_10_secretariat_meetings_in_fy2007(demo):
    assert _councils("kanto", 2007) == {"council": 3, "secretariat": 10}
    meeting = db.session.scalar(
        sa.select(Activity).where(Activity.title == "平成19年度 第2回関東地域ブロック協議会")
    )
    assert fiscal.format_datetime(meeting.starts_at) == "2007年11月28日(水) 14:00"
    assert meeting.status == "held" and meeting.participants > 0
    assert meeting.minutes.status == "approved"
    assert [r.number for r in meeting.minutes.revisions] == [1]
    assert len(meeting.minutes.action_items) == 2


def test_every_block_holds_one_or_two_council_meetings_every_year(demo):
    last_fy = fiscal.current_fiscal_year() + 1
    rows = db.session.execute(
        sa.select(Block.code, Activity.fiscal_year, sa.func.count())
        .join(Block, Block.id == Activity.block_id)
        .join(Category, Category.id == Activity.category_id)
        .where(Category.code == "council", Activity.status != "cancelled")
        .group_by(Block.code, Activity.fiscal_year)
    ).all()
    per_year = {(code, fy): n for code, fy, n in rows}
    codes = db.session.scalars(sa.select(Block.code)).all()
    assert len(codes) == 10
    for code in codes:
        for fy in range(2005, last_fy + 1):
            if (code, fy) == ("kanto", 2007):
                continue
            assert 1 <= per_year.get((code, fy), 0) <= 2, (code, fy)
    assert max(fy for _, fy in per_year) == last_fy


def test_headquarters_meetings_are_wg_then_pt_with_some_tf(demo):
    rows = db.session.execute(
        sa.select(Activity.fiscal_year, Activity.kind, sa.func.count())
        .where(Activity.block_id.is_(None))
        .group_by(Activity.fiscal_year, Activity.kind)
    ).all()
    kinds = {(fy, kind) for fy, kind, _ in rows}
    assert {fy for fy, kind in kinds if kind == "wg"} == {2005, 2006}
    assert {fy for fy, kind in kinds if kind == "pt"} == set(
        range(2007, fiscal.current_fiscal_year() + 2)
    )
    assert any(kind == "tf" for _, kind in kinds)


def test_the_regional_cluster_seminars_are_held_in_their_blocks(demo):
    rows = db.session.execute(
        sa.select(Activity, Block.code)
        .join(Block, Block.id == Activity.block_id)
        .where(Activity.title.like("地域クラスターセミナー in %"))
    ).all()
    found = {
        (a.fiscal_year, a.title.removeprefix("地域クラスターセミナー in "), code)
        for a, code in rows
    }
    assert found == {(fy, city, block) for fy, city, block, *_ in SEMINARS}
    assert all(a.status == "held" and a.visibility == "public" for a, _ in rows)


def test_this_month_and_next_month_are_not_empty_even_for_the_public(demo):
    today = fiscal.to_jst(utc_now()).date()
    this_month = today.replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    after = (next_month + timedelta(days=32)).replace(day=1)
    for start, end in ((this_month, next_month), (next_month, after)):
        public = db.session.scalar(
            sa.select(sa.func.count()).where(
                Activity.visibility == "public",
                Activity.starts_at >= fiscal.jst_datetime(start),
                Activity.starts_at < fiscal.jst_datetime(end),
            )
        )
        assert public >= 3, start


def test_past_is_held_next_year_is_planned_and_nothing_was_created_in_the_future(demo):
    now = utc_now()
    next_fy = fiscal.current_fiscal_year() + 1
    statuses = dict(
        db.session.execute(
            sa.select(Activity.status, sa.func.count())
            .where(Activity.fiscal_year == next_fy)
            .group_by(Activity.status)
        ).all()
    )
    assert set(statuses) <= {"planned", "postponed"} and statuses["planned"] > 50
    past = dict(
        db.session.execute(
            sa.select(Activity.status, sa.func.count())
            .where(Activity.fiscal_year == 2007)
            .group_by(Activity.status)
        ).all()
    )
    assert past["held"] > 10 * past.get("cancelled", 0) > 0
    assert db.session.scalar(sa.select(sa.func.count()).where(Activity.created_at > now)) == 0
    # The year's plan was drawn up before the year began; some activities were added later.
    fy_start = fiscal.fiscal_year_start(2007)
    in_advance = db.session.scalar(
        sa.select(sa.func.count()).where(
            Activity.fiscal_year == 2007, Activity.created_at < fy_start
        )
    )
    added = db.session.scalar(
        sa.select(sa.func.count()).where(
            Activity.fiscal_year == 2007, Activity.created_at >= fy_start
        )
    )
    assert in_advance > 0 and added > 0
    cancelled = db.session.scalars(sa.select(Activity).where(Activity.status == "cancelled"))
    assert all(a.status_reason for a in cancelled)
    postponed = db.session.scalars(sa.select(Activity).where(Activity.status == "postponed"))
    assert all(a.original_starts_at < a.starts_at for a in postponed)


def test_briefings_name_their_measures_and_joint_events_their_co_organisers(demo):
    briefings = db.session.scalars(
        sa.select(Activity)
        .join(Category, Category.id == Activity.category_id)
        .where(Category.code == "briefing", Activity.fiscal_year == 2007)
    ).all()
    assert briefings and all(b.measures for b in briefings)
    assert all(len(b.organizers) >= 2 for b in briefings)
    visibilities = set(db.session.scalars(sa.select(Activity.visibility).distinct()))
    assert visibilities == {"public", "members", "secretariat"}


def test_one_login_per_role(demo):
    assert {role for role, _, _ in demo} == {"admin", "hq", "secretariat", "member"}


def test_the_plan_is_the_same_on_every_run():
    directory = Directory(
        block_names={code: code for code in VENUES},
        members={code: [(f"{code}-{i}", "branch", "総務省") for i in range(8)] for code in VENUES},
        secretariat={code: f"{code}-0" for code in VENUES},
        measures=["施策A", "施策B", "施策C", "施策D"],
    )
    first = build_plan(date(2026, 11, 28), directory, 2027)
    second = build_plan(date(2026, 11, 28), directory, 2027)
    assert first == second
    assert len({p.key for p in first}) == len(first)
    # The CSV import's natural key (block, start, title) is unique too.
    assert len({(p.block, p.starts_at, p.title) for p in first}) == len(first)
