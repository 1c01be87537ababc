"""Keeps the portal's search index (portal_docs, portal_doc_facets) in step with the registers.

Whichever code path changes a register record through the ORM, the flush re-writes its
document; a record that is not published has none. Bulk loads that bypass the ORM (the demo)
call rebuild() afterwards.
"""

import unicodedata
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import selectinload

from council import fiscal
from council.directory.models import Agency, Block, Ministry
from council.extensions import db
from council.portal import cache
from council.portal.models import (
    FACILITY_KINDS,
    MEASURE_TARGETS,
    NEWS_KINDS,
    Facility,
    News,
    PortalDoc,
    PortalDocFacet,
    SupportMeasure,
    Theme,
)
from council.reference.models import Prefecture, ResearchField

TYPE_OF = {SupportMeasure: "measure", Facility: "facility", Theme: "theme", News: "news"}
_installed = False


def normalize(text: str | None) -> str:
    """NFKC and lower case: full-width ＡＢＣ and half-width ｶﾅ find their usual forms."""
    return unicodedata.normalize("NFKC", text or "").lower()


class Refs:
    """The reference lists a document needs, read once per flush or rebuild."""

    def __init__(self, connection):
        self.blocks = dict(connection.execute(sa.select(Block.id, Block.code)).all())
        self.block_names = dict(connection.execute(sa.select(Block.id, Block.name)).all())
        prefs = connection.execute(
            sa.select(Prefecture.id, Prefecture.code, Prefecture.name, Prefecture.block_id)
        ).all()
        self.pref_code = {p.id: p.code for p in prefs}
        self.pref_name = {p.id: p.name for p in prefs}
        self.pref_block = {p.id: p.block_id for p in prefs}
        self.block_prefs: dict[int, list[int]] = {}
        for p in prefs:
            self.block_prefs.setdefault(p.block_id, []).append(p.id)
        self.fields = dict(
            connection.execute(sa.select(ResearchField.id, ResearchField.code)).all()
        )
        self.ministries = dict(connection.execute(sa.select(Ministry.id, Ministry.name)).all())


def _text(*parts) -> str:
    return normalize("\n".join(str(p) for p in parts if p))


def _facets(type_: str, *, blocks=(), prefs=(), fields=(), ministry=None, kind=None, fy=None):
    out = {("type", type_)}
    out |= {("block", b) for b in blocks if b}
    out |= {("pref", p) for p in prefs if p}
    out |= {("field", f) for f in fields if f}
    if ministry is not None:
        out.add(("ministry", str(ministry)))
    if kind:
        out.add(("kind", kind))
    if fy is not None:
        out.add(("fy", str(fy)))
    return out


def _agency_pref(agency: Agency | None) -> int | None:
    return agency.prefecture_id if agency is not None else None


def _agency(obj, agency_id: int | None) -> Agency | None:
    """By id: during a flush a new record's many-to-one relationships are not loaded yet."""
    if agency_id is None:
        return None
    session = sa.inspect(obj).session
    return session.get(Agency, agency_id) if session is not None else None


def document(obj, refs: Refs) -> tuple[dict, set] | None:
    """(document row, facet pairs) for a record, or None when it is not public."""
    if obj.status != "published":
        return None
    for model, build in _DOCUMENTS:
        if isinstance(obj, model):
            return build(obj, refs)
    return None


def _measure_document(obj: SupportMeasure, refs: Refs) -> tuple[dict, set]:
    block_ids = {b.id for b in obj.blocks} | {refs.pref_block[p.id] for p in obj.prefectures}
    pref_ids = {p.id for p in obj.prefectures}
    for b in (b.id for b in obj.blocks):
        pref_ids |= set(refs.block_prefs.get(b, ()))
    if not block_ids:  # open to every region
        block_ids, pref_ids = set(refs.blocks), set(refs.pref_code)
    agency = _agency(obj, obj.offering_agency_id)
    deadline = f"締切 {fiscal.format_date(obj.closes_on)}" if obj.closes_on else ""
    row = {
        "title": obj.name,
        "text": _text(
            obj.name,
            agency.name,
            refs.ministries.get(obj.ministry_id),
            obj.description,
            obj.contact,
            MEASURE_TARGETS.get(obj.target),
        ),
        "summary": " ・ ".join(x for x in (agency.name, deadline) if x),
        "sort_on": obj.closes_on or obj.opens_on,
        "opens_on": obj.opens_on,
        "closes_on": obj.closes_on,
    }
    facets = _facets(
        "measure",
        blocks=[refs.blocks[b] for b in block_ids],
        prefs=[refs.pref_code[p] for p in pref_ids],
        fields=[f.code for f in obj.fields],
        ministry=obj.ministry_id,
        kind=obj.target,
        fy=obj.fiscal_year,
    )
    return row, facets


def _facility_document(obj: Facility, refs: Refs) -> tuple[dict, set]:
    owner = _agency(obj, obj.owner_agency_id)
    pref = obj.prefecture_id
    row = {
        "title": obj.name,
        "text": _text(
            obj.name,
            owner.name,
            refs.pref_name.get(pref),
            obj.description,
            obj.conditions,
            FACILITY_KINDS.get(obj.kind),
        ),
        "summary": " ・ ".join(
            (owner.name, refs.pref_name.get(pref, ""), FACILITY_KINDS.get(obj.kind, ""))
        ),
        "sort_on": None,
        "opens_on": None,
        "closes_on": None,
    }
    facets = _facets(
        "facility",
        blocks=[refs.blocks.get(refs.pref_block.get(pref))],
        prefs=[refs.pref_code.get(pref)],
        fields=[f.code for f in obj.fields],
        ministry=owner.ministry_id,
        kind=obj.kind,
    )
    return row, facets


def _theme_document(obj: Theme, refs: Refs) -> tuple[dict, set]:
    lead = _agency(obj, obj.lead_agency_id)
    pref = _agency_pref(lead)
    names = [a.name for a in obj.participants]
    row = {
        "title": obj.title,
        "text": _text(obj.title, obj.programme, lead.name, *names, obj.summary),
        "summary": f"{obj.programme}({fiscal.fiscal_year_label(obj.fiscal_year)}採択) ・ {lead.name}",
        "sort_on": fiscal.fiscal_year_start(obj.fiscal_year).date(),
        "opens_on": None,
        "closes_on": None,
    }
    facets = _facets(
        "theme",
        blocks=[refs.blocks.get(obj.block_id)],
        prefs=[refs.pref_code.get(pref)],
        fields=[refs.fields.get(obj.field_id)],
        fy=obj.fiscal_year,
    )
    return row, facets


def _news_document(obj: News, refs: Refs) -> tuple[dict, set]:
    row = {
        "title": obj.title,
        "text": _text(obj.title, obj.place, obj.body, NEWS_KINDS.get(obj.kind)),
        "summary": " ・ ".join(x for x in (fiscal.format_date(obj.news_on), obj.place) if x),
        "sort_on": obj.news_on,
        "opens_on": None,
        "closes_on": None,
    }
    facets = _facets(
        "news",
        blocks=[refs.blocks.get(obj.block_id)],
        prefs=[],
        fields=[refs.fields.get(obj.field_id)],
        kind=obj.kind,
        fy=obj.fiscal_year,
    )
    return row, facets


_DOCUMENTS = (
    (SupportMeasure, _measure_document),
    (Facility, _facility_document),
    (Theme, _theme_document),
    (News, _news_document),
)


def _write(connection, entries: list[tuple[str, int, dict, set]]) -> None:
    if not entries:
        return
    docs = PortalDoc.__table__
    connection.execute(
        sa.insert(docs),
        [
            {
                "type": t,
                "record_id": rid,
                **{**row, "title": row["title"][:300], "summary": row["summary"][:500]},
            }
            for t, rid, row, _ in entries
        ],
    )
    ids = {}
    types = {t for t, *_ in entries}
    for t in types:
        wanted = [rid for tt, rid, *_ in entries if tt == t]
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            for doc_id, rid in connection.execute(
                sa.select(docs.c.id, docs.c.record_id).where(
                    docs.c.type == t, docs.c.record_id.in_(chunk)
                )
            ):
                ids[(t, rid)] = doc_id
    rows = [
        {"doc_id": ids[(t, rid)], "facet": f, "value": v}
        for t, rid, _, facets in entries
        for f, v in facets
    ]
    for i in range(0, len(rows), 5000):
        connection.execute(sa.insert(PortalDocFacet.__table__), rows[i : i + 5000])


def _drop(connection, keys: list[tuple[str, int]]) -> None:
    docs = PortalDoc.__table__
    for t in {t for t, _ in keys}:
        ids = [rid for tt, rid in keys if tt == t]
        doc_ids = sa.select(docs.c.id).where(docs.c.type == t, docs.c.record_id.in_(ids))
        connection.execute(
            sa.delete(PortalDocFacet.__table__).where(PortalDocFacet.doc_id.in_(doc_ids))
        )
        connection.execute(sa.delete(docs).where(docs.c.type == t, docs.c.record_id.in_(ids)))


def _after_flush(session, flush_context) -> None:
    touched = [
        obj for obj in (*session.new, *session.dirty, *session.deleted) if type(obj) in TYPE_OF
    ]
    if not touched:
        return
    connection = session.connection()
    _drop(connection, [(TYPE_OF[type(o)], o.id) for o in touched if o.id is not None])
    refs = Refs(connection)
    entries = []
    for obj in touched:
        if obj in session.deleted:
            continue
        built = document(obj, refs)
        if built is not None:
            entries.append((TYPE_OF[type(obj)], obj.id, *built))
    _write(connection, entries)
    cache.bump(connection)


def install(session_class) -> None:
    global _installed
    if not _installed:
        event.listen(session_class, "after_flush", _after_flush)
        _installed = True


def rebuild() -> int:
    """Rebuild every document from the registers. Flushes; the caller commits."""
    db.session.flush()
    connection = db.session.connection()
    connection.execute(sa.delete(PortalDocFacet.__table__))
    connection.execute(sa.delete(PortalDoc.__table__))
    refs = Refs(connection)
    loaders = {
        SupportMeasure: (
            selectinload(SupportMeasure.offering_agency),
            selectinload(SupportMeasure.fields),
            selectinload(SupportMeasure.blocks),
            selectinload(SupportMeasure.prefectures),
        ),
        Facility: (selectinload(Facility.owner_agency), selectinload(Facility.fields)),
        Theme: (selectinload(Theme.lead_agency), selectinload(Theme.participants)),
        News: (),
    }
    entries = []
    for model, options in loaders.items():
        query = sa.select(model).where(model.status == "published").options(*options)
        for obj in db.session.scalars(query):
            built = document(obj, refs)
            if built is not None:
                entries.append((TYPE_OF[model], obj.id, *built))
    _write(connection, entries)
    cache.bump(connection)
    return len(entries)


def today_jst() -> date:
    from council.extensions import utc_now

    return fiscal.to_jst(utc_now()).date()
