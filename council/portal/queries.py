"""Reads of the public portal: the search with facets, the top page, record pages and feeds.

Every read goes through portal_docs (only published records have a document) or filters on
status == "published" itself: a draft or a withdrawn record is never public.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from council import cache
from council.cleaning import CONTROL_LINE
from council.directory.models import Block, Ministry
from council.extensions import db
from council.portal.index import normalize, today_jst
from council.portal.models import (
    FACILITY_KINDS,
    MEASURE_TARGETS,
    NEWS_KINDS,
    TYPES,
    Facility,
    News,
    PortalDoc,
    PortalDocFacet,
    SupportMeasure,
    Theme,
)
from council.reference.models import Prefecture, ResearchField

FACETS = ("type", "block", "pref", "field", "ministry", "kind", "fy")
PAGE_SIZE = 20
Q_MAX = 200
_SPACES = re.compile(r"[\s\u3000]+")
_REFS_TTL = 60.0


@dataclass
class Labels:
    """Display names of facet values (reference data, cached a minute per app)."""

    block: dict[str, str]
    block_ids: dict[str, int]
    field_ids: dict[str, int]
    pref: dict[str, str]
    field: dict[str, str]
    ministry: dict[str, str]
    kind: dict[str, str]
    block_by_name: dict[str, str]
    pref_by_name: dict[str, str]

    def of(self, facet: str, value: str) -> str:
        if facet == "type":
            return TYPES.get(value, value)
        if facet == "fy":
            from council import fiscal

            return fiscal.fiscal_year_label(int(value)) if value.isdigit() else value
        return getattr(self, facet).get(value, value)


def labels() -> Labels:
    return cache.for_a_while("portal.labels", _REFS_TTL, _read_labels)


def _read_labels() -> Labels:
    blocks = db.session.execute(
        sa.select(Block.code, Block.name, Block.id).order_by(Block.sort_order)
    ).all()
    prefs = db.session.execute(
        sa.select(Prefecture.code, Prefecture.name).order_by(Prefecture.id)
    ).all()
    fields = db.session.execute(
        sa.select(ResearchField.code, ResearchField.name, ResearchField.id).order_by(
            ResearchField.sort_order
        )
    ).all()
    ministries = db.session.execute(
        sa.select(Ministry.id, Ministry.name).order_by(Ministry.sort_order)
    ).all()
    return Labels(
        block={b.code: b.name for b in blocks},
        block_ids={b.code: b.id for b in blocks},
        field_ids={f.code: f.id for f in fields},
        pref={p.code: p.name for p in prefs},
        field={f.code: f.name for f in fields},
        ministry={str(m.id): m.name for m in ministries},
        kind={**MEASURE_TARGETS, **FACILITY_KINDS, **NEWS_KINDS},
        block_by_name={b.name: b.code for b in blocks},
        pref_by_name={p.name: p.code for p in prefs},
    )


def clean_text(value: str | None, limit: int = Q_MAX) -> str:
    """Control characters (NUL …) never reach the database; over-long input is cut."""
    return CONTROL_LINE.sub(" ", value or "")[:limit].strip()


@dataclass
class SearchParams:
    terms: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    is_open: bool = False
    page: int = 1
    # Terms of q that named a block or a prefecture and became that filter.
    converted: bool = False

    @property
    def q(self) -> str:
        return " ".join(self.terms)

    def args(self, **change) -> dict:
        """Query-string arguments of this search, with some changed (None removes)."""
        out = {"q": self.q or None, **self.filters, "open": "1" if self.is_open else None}
        out.update(change)
        return {k: v for k, v in out.items() if v not in (None, "")}


def parse_params(args, refs: Labels) -> SearchParams:
    params = SearchParams()
    for name in FACETS:
        value = clean_text(args.get(name), 40)
        if not value:
            continue
        valid = {
            "type": TYPES,
            "block": refs.block,
            "pref": refs.pref,
            "field": refs.field,
            "ministry": refs.ministry,
            "kind": refs.kind,
        }.get(name)
        if name == "fy":
            if value.isdigit() and 1900 < int(value) < 2200:
                params.filters[name] = value
        elif name == "pref" and value.isdigit() and value.zfill(2) in refs.pref:
            params.filters[name] = value.zfill(2)
        elif value in valid:
            params.filters[name] = value
    params.is_open = args.get("open") in ("1", "on", "true")
    page = args.get("page", "1")
    params.page = max(1, min(int(page), 500)) if page.isdigit() else 1
    for term in _SPACES.split(clean_text(args.get("q"))):
        if not term:
            continue
        if term in refs.block_by_name:
            params.filters["block"] = refs.block_by_name[term]
            params.converted = True
        elif term in refs.pref_by_name:
            params.filters["pref"] = refs.pref_by_name[term]
            params.converted = True
        elif term not in params.terms and len(params.terms) < 8:
            params.terms.append(term)
    return params


def _like(term: str):
    escaped = normalize(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return PortalDoc.text.like(f"%{escaped}%", escape="\\")


def open_clause(today: date):
    return sa.and_(PortalDoc.opens_on <= today, PortalDoc.closes_on >= today)


def _conditions(params: SearchParams, today: date) -> list:
    conds = [_like(t) for t in params.terms]
    for facet, value in params.filters.items():
        conds.append(
            sa.exists().where(
                PortalDocFacet.doc_id == PortalDoc.id,
                PortalDocFacet.facet == facet,
                PortalDocFacet.value == value,
            )
        )
    if params.is_open:
        conds.append(open_clause(today))
    return conds


@dataclass
class SearchResult:
    total: int
    open_count: int
    facets: dict[str, dict[str, int]]
    docs: list
    params: SearchParams


def search(params: SearchParams, *, page_size: int = PAGE_SIZE) -> SearchResult:
    """Three statements whatever the data: the totals, every facet's counts, one page."""
    today = today_jst()
    conds = _conditions(params, today)
    is_open = sa.case((open_clause(today), 1), else_=0)
    total, open_count = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(is_open), 0))
        .select_from(PortalDoc)
        .where(*conds)
    ).one()
    matching = sa.select(PortalDoc.id).where(*conds)
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    rows = db.session.execute(
        sa.select(PortalDocFacet.facet, PortalDocFacet.value, sa.func.count())
        .where(PortalDocFacet.doc_id.in_(matching))
        .group_by(PortalDocFacet.facet, PortalDocFacet.value)
    )
    for facet, value, n in rows:
        facets.setdefault(facet, {})[value] = n
    order = (
        (PortalDoc.closes_on, PortalDoc.id)
        if params.is_open
        else (sa.nulls_last(PortalDoc.sort_on.desc()), PortalDoc.id.desc())
    )
    docs = db.session.execute(
        sa.select(
            PortalDoc.type,
            PortalDoc.record_id,
            PortalDoc.title,
            PortalDoc.summary,
            PortalDoc.opens_on,
            PortalDoc.closes_on,
        )
        .where(*conds)
        .order_by(*order)
        .limit(page_size)
        .offset((params.page - 1) * page_size)
    ).all()
    return SearchResult(int(total), int(open_count), facets, docs, params)


def sorted_facet(name: str, counts: dict[str, int], refs: Labels) -> list[tuple[str, str, int]]:
    """(value, label, count) in the reference order (fiscal years newest first)."""
    if name == "fy":
        keys = sorted(counts, reverse=True)
    else:
        order = {
            "type": list(TYPES),
            "block": list(refs.block),
            "pref": list(refs.pref),
            "field": list(refs.field),
            "ministry": list(refs.ministry),
            "kind": list(refs.kind),
        }[name]
        keys = [k for k in order if k in counts]
    return [(k, refs.of(name, k), counts[k]) for k in keys]


# --- the top page --------------------------------------------------------------------------


def open_calls(limit: int = 10) -> list:
    """Measures whose application period includes today, the nearest deadline first."""
    today = today_jst()
    return db.session.execute(
        sa.select(PortalDoc.record_id, PortalDoc.title, PortalDoc.summary, PortalDoc.closes_on)
        .where(PortalDoc.type == "measure", open_clause(today))
        .order_by(PortalDoc.closes_on, PortalDoc.id)
        .limit(limit)
    ).all()


def latest_news(limit: int = 10) -> list:
    """The newest news up to two months ahead (events planned further out wait their turn)."""
    horizon = today_jst() + timedelta(days=60)
    return db.session.execute(
        sa.select(PortalDoc.record_id, PortalDoc.title, PortalDoc.summary, PortalDoc.sort_on)
        .where(PortalDoc.type == "news", PortalDoc.sort_on <= horizon)
        .order_by(sa.nulls_last(PortalDoc.sort_on.desc()), PortalDoc.id.desc())
        .limit(limit)
    ).all()


def counts_by_type() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(PortalDoc.type, sa.func.count()).group_by(PortalDoc.type)
    ).all()
    return {t: 0 for t in TYPES} | dict(rows)


# --- record pages --------------------------------------------------------------------------


def _published(model, record_id: int, *options):
    return db.session.scalar(
        sa.select(model).where(model.id == record_id, model.status == "published").options(*options)
    )


def get_public_measure(record_id: int) -> SupportMeasure | None:
    return _published(
        SupportMeasure,
        record_id,
        joinedload(SupportMeasure.offering_agency),
        joinedload(SupportMeasure.ministry),
        joinedload(SupportMeasure.measure),
        selectinload(SupportMeasure.fields),
        selectinload(SupportMeasure.blocks),
        selectinload(SupportMeasure.prefectures),
    )


def get_public_facility(record_id: int) -> Facility | None:
    return _published(
        Facility,
        record_id,
        joinedload(Facility.owner_agency),
        joinedload(Facility.prefecture),
        joinedload(Facility.block),
        selectinload(Facility.fields),
    )


def get_public_theme(record_id: int) -> Theme | None:
    return _published(
        Theme,
        record_id,
        joinedload(Theme.lead_agency),
        joinedload(Theme.field),
        joinedload(Theme.block),
        selectinload(Theme.participants),
    )


def get_public_news(record_id: int) -> News | None:
    return _published(News, record_id, joinedload(News.block), joinedload(News.field))
