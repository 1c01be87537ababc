"""Reference data: blocks, ministries, categories, the directory and the measures register.

Idempotent: every row is found by its natural key and updated in place, so running it twice
leaves the same rows. The data lives in council/data/*.json.
"""

import json
from importlib import resources

import sqlalchemy as sa

from council.activities.models import Category
from council.directory.models import Agency, Block, Contact, Membership, Ministry
from council.extensions import db
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure
from council.reference.models import Prefecture
from council.reference.seed import seed_reference_lists

FIRST_FY = 2005


def load_json(name: str) -> dict:
    return json.loads(resources.files("council.data").joinpath(name).read_text("utf-8"))


def _upsert(model, key: dict, **values):
    obj = db.session.scalar(sa.select(model).filter_by(**key))
    if obj is None:
        obj = model(**key, **values)
        db.session.add(obj)
    else:
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
    return obj


def seed_reference() -> None:
    ref = load_json("reference.json")
    for order, (code, name, secretariat, seat) in enumerate(ref["blocks"], start=1):
        _upsert(
            Block,
            {"code": code},
            name=name,
            secretariat_name=secretariat,
            seat=seat,
            sort_order=order,
        )
    for order, name in enumerate(ref["ministries"], start=1):
        _upsert(Ministry, {"name": name}, sort_order=order)
    for order, cat in enumerate(ref["categories"], start=1):
        _upsert(
            Category,
            {"code": cat["code"]},
            name=cat["name"],
            short_name=cat["short_name"],
            sort_order=order,
            is_date_only=cat.get("is_date_only", False),
            expects_organizers=cat.get("expects_organizers", False),
            is_meeting=cat.get("is_meeting", False),
        )
    db.session.flush()


def seed_directory() -> None:
    data = load_json("directory.json")
    blocks = {b.code: b for b in db.session.scalars(sa.select(Block))}
    ministries = {m.name: m for m in db.session.scalars(sa.select(Ministry))}
    prefectures = {p.code: p.id for p in db.session.scalars(sa.select(Prefecture))}
    city_prefectures = data["city_prefectures"]
    existing = set(db.session.scalars(sa.select(Agency.name)))
    _fill_prefectures(city_prefectures, prefectures)
    for row in data["agencies"]:
        # Only the first load creates an agency; later edits by secretariats are kept.
        if row["name"] in existing:
            continue
        city = row.get("city", "")
        agency = Agency(
            name=row["name"],
            kind=row["kind"],
            ministry=ministries[row["ministry"]] if row.get("ministry") else None,
            prefecture_id=prefectures.get(city_prefectures.get(city, "")),
            city=city,
        )
        for contact in row.get("contacts", []):
            agency.contacts.append(Contact(**contact))
        secretariat_for = set(row.get("is_secretariat_for", []))
        for code in row["blocks"]:
            agency.memberships.append(
                Membership(
                    block=blocks[code], first_fy=FIRST_FY, is_secretariat=code in secretariat_for
                )
            )
        db.session.add(agency)
    db.session.flush()


def _fill_prefectures(city_prefectures: dict[str, str], prefectures: dict[str, int]) -> None:
    """Give a prefecture to the organisations that have none yet, from their city (rows that
    predate prefectures, or were created before the reference lists were loaded)."""
    for agency in db.session.scalars(sa.select(Agency).where(Agency.prefecture_id.is_(None))):
        pref_id = prefectures.get(city_prefectures.get(agency.city, ""))
        if pref_id is not None:
            agency.prefecture_id = pref_id


def seed_measures() -> None:
    data = load_json("measures.json")
    ministries = {m.name: m for m in db.session.scalars(sa.select(Ministry))}
    for order, row in enumerate(data["measures"], start=1):
        measure = _upsert(
            Measure,
            {"name": row["name"]},
            ministry_id=ministries[row["ministry"]].id,
            note=row.get("note", ""),
            sort_order=order,
        )
        db.session.flush()
        for year, amount in row["budgets"].items():
            existing = db.session.scalar(
                sa.select(MeasureBudget).filter_by(measure_id=measure.id, fiscal_year=int(year))
            )
            # Budgets are editable by hq: the reference data only fills what is missing.
            if existing is None:
                db.session.add(
                    MeasureBudget(
                        measure_id=measure.id, fiscal_year=int(year), amount_million=amount
                    )
                )
    _seed_measure_history(data["measures"])
    for row in data["published_totals"]:
        total = db.session.scalar(
            sa.select(PublishedTotal).filter_by(fiscal_year=row["fiscal_year"])
        )
        if total is None:
            db.session.add(PublishedTotal(**row))
        elif not total.note:
            total.note = row.get("note", "")
    for row in data["slot_figures"]:
        key = {"programme": row["programme"], "fiscal_year": row["fiscal_year"]}
        if db.session.scalar(sa.select(SlotFigure).filter_by(**key)) is None:
            db.session.add(SlotFigure(**row))
    db.session.flush()


def _seed_measure_history(rows: list[dict]) -> None:
    """Life, successor, programme and flags from the reference data, where none is set yet
    (headquarters completes and corrects them; a re-seed never overwrites that)."""
    measures = {m.name: m for m in db.session.scalars(sa.select(Measure))}
    for row in rows:
        measure = measures[row["name"]]
        if measure.first_fy is None and row.get("first_fy"):
            measure.first_fy = row["first_fy"]
        if measure.last_fy is None and row.get("last_fy"):
            measure.last_fy = row["last_fy"]
        if measure.successor_id is None and row.get("successor"):
            measure.successor = measures[row["successor"]]
        if measure.parent_id is None and row.get("parent"):
            measure.parent = measures[row["parent"]]
        if not measure.flags and row.get("flags"):
            measure.flags = ",".join(row["flags"])


def seed_all() -> None:
    seed_reference()
    seed_reference_lists()
    seed_directory()
    seed_measures()
