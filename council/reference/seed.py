"""Load the reference lists from council/data/reference_lists.json (idempotent)."""

import json
from importlib import resources

import sqlalchemy as sa

from council.directory.models import Block
from council.extensions import db
from council.reference.models import ClusterRegion, Prefecture, ResearchField


def _data() -> dict:
    text = resources.files("council.data").joinpath("reference_lists.json").read_text("utf-8")
    return json.loads(text)


def _set(obj, **values) -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def seed_reference_lists() -> None:
    """Research fields, prefectures and cluster regions, found by code and updated in place."""
    data = _data()
    blocks = {b.code: b for b in db.session.scalars(sa.select(Block))}
    fields = {f.code: f for f in db.session.scalars(sa.select(ResearchField))}
    for order, (code, name) in enumerate(data["research_fields"], start=1):
        field = fields.get(code)
        if field is None:
            field = ResearchField(code=code, name=name)
            db.session.add(field)
        _set(field, name=name, sort_order=order)
    prefectures = {p.code: p for p in db.session.scalars(sa.select(Prefecture))}
    for code, name, block_code in data["prefectures"]:
        pref = prefectures.get(code)
        if pref is None:
            pref = Prefecture(id=int(code), code=code, name=name, block=blocks[block_code])
            db.session.add(pref)
            prefectures[code] = pref
        _set(pref, name=name, block_id=blocks[block_code].id)
    db.session.flush()
    regions = {r.code: r for r in db.session.scalars(sa.select(ClusterRegion))}
    for order, (code, name, block_code, pref_codes) in enumerate(data["cluster_regions"], start=1):
        region = regions.get(code)
        if region is None:
            # HQ maintains the register: the reference data only adds missing regions.
            region = ClusterRegion(code=code, name=name, block_id=blocks[block_code].id)
            region.prefectures = [prefectures[c] for c in pref_codes]
            region.sort_order = order
            db.session.add(region)
    db.session.flush()
