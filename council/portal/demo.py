"""The portal's part of `flask demo`: exactly 621 measures, 579 facilities, 5,034 themes and
642 news items (news that follows public activities included), deterministic for a given day.

Rows are written with bulk inserts and the search index is rebuilt once at the end, so the
portal adds a few seconds to the demo. A second run finds the measures and writes nothing.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from council import fiscal
from council.directory.models import Agency, Block
from council.extensions import db, utc_now
from council.measures.models import Measure
from council.portal import demo_words as words
from council.portal import index
from council.portal.models import Facility, News, SupportMeasure, Theme
from council.portal.models.registers import (
    facility_fields,
    measure_blocks,
    measure_fields,
    measure_prefectures,
    theme_participants,
)
from council.reference.models import Prefecture, ResearchField

COUNTS = {"measures": 621, "facilities": 579, "themes": 5034, "news": 642}
TARGETS = ("company", "company", "company", "university", "public_lab", "consortium", "any")


def _short(pref_name: str) -> str:
    return pref_name if pref_name == "北海道" else pref_name[:-1]


def _insert(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), 2000):
        db.session.execute(sa.insert(model), rows[i : i + 2000])


def _organisations(prefs, existing: dict) -> dict[str, list]:
    """Companies, universities, public labs and support bodies in every prefecture."""
    wanted = []
    for p in prefs:
        short = _short(p.name)
        lab = "大阪府立産業技術総合研究所" if p.code == "27" else f"{p.name}産業技術センター"
        wanted += [
            (lab, "public_lab", p.id),
            (f"{p.name}産業振興センター", "support", p.id),
            (f"{short}大学", "university", p.id),
            (f"{short}工業高等専門学校", "university", p.id),
        ]
        wanted += [(f"{short}{suffix}", "company", p.id) for suffix in words.COMPANY_SUFFIXES]
    now = utc_now()
    new = [
        {
            "name": n,
            "kind": k,
            "prefecture_id": pid,
            "city": "",
            "is_active": True,
            "created_at": now,
            "updated_at": now,
        }
        for n, k, pid in wanted
        if n not in existing
    ]
    _insert(Agency, new)
    rows = db.session.execute(
        sa.select(Agency.id, Agency.name, Agency.kind, Agency.prefecture_id, Agency.ministry_id)
    ).all()
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    return by_kind


@dataclass
class _World:
    """What every register's rows are drawn from: one random stream, shared in a fixed order
    (measures, facilities, themes, news), so that the data set is the same on every run."""

    rng: random.Random
    today: date
    fy: int
    now: datetime
    pref_block: dict[int, int]
    blocks: dict[int, Block]
    fields: dict[str, int]
    measures_register: dict[str, Measure]
    orgs: dict[str, list]
    field_codes: list[str]

    def pick_field(self) -> tuple[str, str]:
        code = self.rng.choice(self.field_codes)
        return code, self.rng.choice(words.FIELD_WORDS[code][0])


def load_portal_demo(rng_seed: int = 2007) -> dict[str, int]:
    """Write the portal's demo registers (flushes; the command commits)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(SupportMeasure)):
        return {}
    world = _world(random.Random(rng_seed))
    _measures(world)
    _facilities(world)
    _themes(world)
    _news(world)
    index.rebuild()
    return {
        k: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for k, m in (
            ("measures", SupportMeasure),
            ("facilities", Facility),
            ("themes", Theme),
            ("news", News),
        )
    }


def _world(rng: random.Random) -> _World:
    prefs = db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)).all()
    fields = {f.code: f.id for f in db.session.scalars(sa.select(ResearchField))}
    existing = set(db.session.scalars(sa.select(Agency.name)))
    return _World(
        rng=rng,
        today=fiscal.to_jst(utc_now()).date(),
        fy=fiscal.current_fiscal_year(),
        now=utc_now(),
        pref_block={p.id: p.block_id for p in prefs},
        blocks={b.id: b for b in db.session.scalars(sa.select(Block))},
        fields=fields,
        measures_register={m.name: m for m in db.session.scalars(sa.select(Measure))},
        orgs=_organisations(prefs, existing),
        field_codes=[c for c in words.FIELD_WORDS if c in fields],
    )


def _measures(world: _World) -> None:
    """Support measures; the first eight are the journey's 燃料電池 calls open in 九州."""
    orgs = world.orgs
    offering = (
        orgs.get("branch", []) + orgs.get("iaa", []) + orgs.get("prefecture", []) + orgs["support"]
    )
    kyushu_meti = next(
        (o for o in orgs.get("branch", []) if o.name.startswith("九州経済産業局")), None
    )
    consortium = world.measures_register.get("地域新生コンソーシアム研究開発事業")
    measure_rows, links = [], []
    keys = set()
    while len(measure_rows) < COUNTS["measures"]:
        i = len(measure_rows)
        if i < 8 and kyushu_meti is not None:  # the journey: 燃料電池 calls open in 九州
            org, code, kw = kyushu_meti, "energy", "燃料電池"
            opens = world.today - timedelta(days=10 + i)
            closes = world.today + timedelta(days=15 + 3 * i)
        else:
            org = world.rng.choice(offering)
            code, kw = world.pick_field()
            opens = world.today + timedelta(days=world.rng.randint(-200, 60))
            closes = opens + timedelta(days=world.rng.randint(20, 75))
        row = _measure_row(world, i, org, kw, opens, closes, keys, consortium)
        measure_rows.append(row)
        links.append(
            (
                code,
                row["block_id"] if org.kind not in ("prefecture", "support") else None,
                org.prefecture_id if org.kind in ("prefecture", "support") else None,
            )
        )
    _insert(SupportMeasure, measure_rows)
    _link_measures(measure_rows, links, world.fields)


def _measure_row(world: _World, i: int, org, kw: str, opens, closes, keys, consortium) -> dict:
    """One measure, named after its template and keyword; a name the same agency already uses
    in that year gets a running number (the register's natural key)."""
    rng = world.rng
    template = words.MEASURE_TEMPLATES[i % len(words.MEASURE_TEMPLATES)]
    name = template.format(kw=kw)
    year = fiscal.fiscal_year_of(opens)
    n = 1
    while (org.id, name, year) in keys:
        n += 1
        name = f"{template.format(kw=kw)}(第{n}回)"
    keys.add((org.id, name, year))
    region = world.pref_block.get(org.prefecture_id) if org.kind != "iaa" else None
    low = rng.choice((500, 1000, 3000, 5000, 10000))
    return {
        "offering_agency_id": org.id,
        "name": name,
        "fiscal_year": year,
        "ministry_id": org.ministry_id,
        "target": rng.choice(TARGETS),
        "measure_id": consortium.id
        if consortium and org.name.endswith("経済産業局") and i % 3 == 0
        else None,
        "amount_min": low,
        "amount_max": low * rng.choice((2, 5, 10)),
        "opens_on": opens,
        "closes_on": closes,
        "status": "published",
        "block_id": region,
        "url": f"https://example.jp/measures/{i + 1}",
        "contact": f"{org.name} 産業技術課",
        "description": f"{kw}に関する技術開発を行う{rng.choice(('中小企業', '産学官の共同体', '大学等'))}を支援します。",
        "created_at": world.now,
        "updated_at": world.now,
    }


def _link_measures(measure_rows: list[dict], links: list[tuple], fields: dict[str, int]) -> None:
    """The measures' field, block and prefecture links, by the ids the bulk insert gave."""
    ids = {
        (r.offering_agency_id, r.name, r.fiscal_year): r.id
        for r in db.session.execute(
            sa.select(
                SupportMeasure.offering_agency_id,
                SupportMeasure.name,
                SupportMeasure.fiscal_year,
                SupportMeasure.id,
            )
        )
    }
    mf, mb, mp = [], [], []
    for row, (code, block_id, pref_id) in zip(measure_rows, links, strict=True):
        mid = ids[(row["offering_agency_id"], row["name"], row["fiscal_year"])]
        mf.append({"measure_id": mid, "field_id": fields[code]})
        if block_id is not None:
            mb.append({"measure_id": mid, "block_id": block_id})
        if pref_id is not None:
            mp.append({"measure_id": mid, "prefecture_id": pref_id})
    for table, rows in ((measure_fields, mf), (measure_blocks, mb), (measure_prefectures, mp)):
        if rows:
            db.session.execute(table.insert(), rows)


def _facilities(world: _World) -> None:
    rng, orgs = world.rng, world.orgs
    owners = orgs["public_lab"] + orgs["university"] + orgs["support"]
    facility_rows, facility_codes, fkeys = [], [], set()
    while len(facility_rows) < COUNTS["facilities"]:
        owner = owners[len(facility_rows) % len(owners)]
        kind = rng.choice(list(words.EQUIPMENT))
        name = rng.choice(words.EQUIPMENT[kind])
        if (owner.id, name) in fkeys:
            continue
        fkeys.add((owner.id, name))
        facility_rows.append(
            {
                "owner_agency_id": owner.id,
                "name": name,
                "prefecture_id": owner.prefecture_id,
                "kind": kind,
                "block_id": world.pref_block[owner.prefecture_id],
                "status": "published",
                "conditions": "事前に利用相談のうえ、申込書を提出してください。県内中小企業を優先します。",
                "fees": f"1時間 {rng.choice((1500, 3000, 4800, 8000)):,}円(県外 2倍)",
                "contact": f"{owner.name} 企画連携室",
                "description": f"{owner.name}の{name}です。",
                "created_at": world.now,
                "updated_at": world.now,
            }
        )
        facility_codes.append(rng.choice(world.field_codes))
    _insert(Facility, facility_rows)
    fids = {
        (r.owner_agency_id, r.name): r.id
        for r in db.session.execute(sa.select(Facility.owner_agency_id, Facility.name, Facility.id))
    }
    db.session.execute(
        facility_fields.insert(),
        [
            {"facility_id": fids[(r["owner_agency_id"], r["name"])], "field_id": world.fields[c]}
            for r, c in zip(facility_rows, facility_codes, strict=True)
        ],
    )


def _themes(world: _World) -> None:
    """Adopted themes, each with one to three partners from the lead's block."""
    rng = world.rng
    programmes = [n for n in world.measures_register if "事業" in n or "制度" in n or "推進費" in n]
    leads = world.orgs["company"] + world.orgs["university"] + world.orgs["public_lab"]
    by_block: dict[int, list] = {}
    for o in leads:
        by_block.setdefault(world.pref_block.get(o.prefecture_id), []).append(o)
    theme_rows, participants, tkeys = [], [], set()
    while len(theme_rows) < COUNTS["themes"]:
        code, kw = world.pick_field()
        application = rng.choice(words.FIELD_WORDS[code][1])
        title = f"{kw}を用いた{application}向け技術{rng.choice(words.THEME_VERBS)}"
        lead = rng.choice(leads)
        programme = rng.choice(programmes)
        year = rng.randint(world.fy - 5, world.fy)
        key = (programme, year, title, lead.id)
        if key in tkeys:
            continue
        tkeys.add(key)
        block_id = world.pref_block.get(lead.prefecture_id)
        theme_rows.append(
            {
                "programme": programme,
                "measure_id": world.measures_register[programme].id,
                "fiscal_year": year,
                "title": title,
                "lead_agency_id": lead.id,
                "field_id": world.fields[code],
                "block_id": block_id,
                "status": "published",
                "budget": rng.choice((None, 20000, 30000, 50000, 80000, 100000)),
                "summary": f"{application}に向けて、{kw}の技術を産学官の連携で開発する。",
                "created_at": world.now,
                "updated_at": world.now,
            }
        )
        partners = [o for o in by_block.get(block_id, []) if o.id != lead.id]
        participants.append(rng.sample(partners, min(len(partners), rng.randint(1, 3))))
    _insert(Theme, theme_rows)
    _link_participants(theme_rows, participants)


def _link_participants(theme_rows: list[dict], participants: list[list]) -> None:
    tids = {
        (r.programme, r.fiscal_year, r.title, r.lead_agency_id): r.id
        for r in db.session.execute(
            sa.select(
                Theme.programme, Theme.fiscal_year, Theme.title, Theme.lead_agency_id, Theme.id
            )
        )
    }
    db.session.execute(
        theme_participants.insert(),
        [
            {
                "theme_id": tids[
                    (r["programme"], r["fiscal_year"], r["title"], r["lead_agency_id"])
                ],
                "agency_id": p.id,
            }
            for r, ps in zip(theme_rows, participants, strict=True)
            for p in ps
        ],
    )


def _news(world: _World) -> None:
    """News written by hand, up to the count: the rest follows public activities."""
    rng = world.rng
    following = db.session.scalar(sa.select(sa.func.count()).select_from(News))
    block_list = sorted(world.blocks.values(), key=lambda b: b.sort_order)
    news_rows, nkeys = [], set()
    while following + len(news_rows) < COUNTS["news"]:
        code, kw = world.pick_field()
        kind, template = rng.choice(words.NEWS_TEMPLATES)
        block = rng.choice(block_list + [None])
        title = template.format(kw=kw, block=block.name if block else "全国")
        day = world.today + timedelta(days=rng.randint(-600, 90))
        if (day, title) in nkeys:
            continue
        nkeys.add((day, title))
        news_rows.append(
            {
                "kind": kind,
                "title": title,
                "news_on": day,
                "place": f"{block.seat}市内" if block else "東京都内",
                "block_id": block.id if block else None,
                "field_id": world.fields[code],
                "status": "published",
                "body": f"{kw}に関する最新の動向を紹介します。参加無料、事前申込制です。",
                "url": "",
                "created_at": world.now,
                "updated_at": world.now,
            }
        )
    _insert(News, news_rows)
