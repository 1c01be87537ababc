"""Search over activities and minutes, within what the user may see.

Terms are matched as substrings (Japanese has no word breaks): every term must occur in the
title or the body. On SQLite a term of 3 characters or more goes through the FTS5 trigram
index; shorter ones fall back to LIKE. On PostgreSQL, ILIKE uses the pg_trgm indexes.
"""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from council import cache, permissions
from council.activities.models import Activity
from council.cleaning import CONTROL_LINE
from council.directory.models import Block
from council.errors import DomainError
from council.extensions import db
from council.minutes.models import Minutes
from council.search.index import normalize
from council.search.models import SearchDocument

MAX_QUERY = 200
MAX_TERMS = 8
TRIGRAM = 3
SPLIT = re.compile(r"\s+")


class SearchQueryError(DomainError):
    """A query the search cannot take; the message is shown next to the box."""


def terms_of(query: str) -> list[str]:
    """The distinct terms of a query, NFKC-normalised like the documents (full-width spaces
    separate terms too)."""
    if len(query) > MAX_QUERY:
        raise SearchQueryError(f"検索語は{MAX_QUERY}文字以内で入力してください。")
    seen: list[str] = []
    # Control characters (NUL included, which PostgreSQL refuses) separate terms like spaces.
    query = CONTROL_LINE.sub(" ", query)
    for term in SPLIT.split(normalize(query).strip()):
        if term and term not in seen:
            seen.append(term)
    if len(seen) > MAX_TERMS:
        raise SearchQueryError(f"検索語は{MAX_TERMS}語までにしてください。")
    return seen


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    # A double-quoted FTS5 string is taken literally; a quote inside is doubled.
    return '"' + term.replace('"', '""') + '"'


def _term_clauses(terms: list[str], dialect: str) -> list:
    clauses = []
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    if dialect == "sqlite" and long_terms:
        match = " AND ".join(_fts_phrase(t) for t in long_terms)
        clauses.append(
            SearchDocument.id.in_(
                sa.select(sa.column("rowid"))
                .select_from(sa.table("search_fts"))
                .where(sa.text("search_fts MATCH :fts_query").bindparams(fts_query=match))
            )
        )
        like_terms = [t for t in terms if len(t) < TRIGRAM]
    else:
        like_terms = terms
    for term in like_terms:
        pattern = _like_pattern(term)
        if dialect == "postgresql":
            clauses.append(
                sa.or_(
                    SearchDocument.title.ilike(pattern, escape="\\"),
                    SearchDocument.body.ilike(pattern, escape="\\"),
                )
            )
        else:
            clauses.append(
                sa.or_(
                    SearchDocument.title.like(pattern, escape="\\"),
                    SearchDocument.body.like(pattern, escape="\\"),
                )
            )
    return clauses


@dataclass(frozen=True)
class SearchHit:
    object_type: str
    activity_id: int
    title: str
    body: str
    starts_at: datetime
    is_all_day: bool
    status: str
    block: str | None
    minutes_status: str | None


# Search results follow the activities and memberships (council/cache.py) and the minutes
# (their text and status): a page of results is kept per data version. A term of one or two
# characters is matched by a scan, which a busy site then runs once per change, not per visit.
MINUTES_VERSION = (
    sa.select(sa.func.max(Minutes.updated_at)).scalar_subquery(),
    sa.select(sa.func.max(Minutes.id)).scalar_subquery(),
)


def search(
    user, query: str, *, limit: int, offset: int = 0, version: tuple | None = None
) -> tuple[int, list[SearchHit]]:
    """(number of matches, one page of hits, newest first). One statement; none when this
    page of results is kept for the data `version` (cache.data_version(*MINUTES_VERSION),
    read by the caller; None keeps nothing)."""
    terms = terms_of(query)
    if not terms:
        return 0, []
    scope = (
        getattr(user, "role", None),
        getattr(user, "block_id", None),
        getattr(user, "agency_id", None),
        tuple(terms),
        limit,
        offset,
    )
    return cache.kept("search.hits", scope, version, lambda: _search(user, terms, limit, offset))


def _search(user, terms: list[str], limit: int, offset: int) -> tuple[int, list[SearchHit]]:
    dialect = db.session.get_bind().dialect.name
    visible = sa.or_(
        sa.and_(
            SearchDocument.object_type == "activity",
            permissions.visible_activities_clause(user),
        ),
        sa.and_(
            SearchDocument.object_type == "minutes",
            Minutes.id.is_not(None),
            permissions.visible_minutes_clause(user),
        ),
    )
    base = (
        sa.select(SearchDocument.id)
        .join(Activity, Activity.id == SearchDocument.activity_id)
        .outerjoin(
            Minutes,
            sa.and_(
                SearchDocument.object_type == "minutes", Minutes.id == SearchDocument.object_id
            ),
        )
        .where(visible, *_term_clauses(terms, dialect))
    )
    rows = db.session.execute(
        base.with_only_columns(
            SearchDocument.object_type,
            SearchDocument.activity_id,
            SearchDocument.title,
            SearchDocument.body,
            Activity.starts_at,
            Activity.is_all_day,
            Activity.status,
            Block.name,
            Minutes.status,
            # The number of matches comes with the page, in the same statement.
            sa.func.count().over().label("total"),
        )
        .outerjoin(Block, Block.id == Activity.block_id)
        .order_by(Activity.starts_at.desc(), SearchDocument.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    if rows:
        total = rows[0].total
    elif offset:  # a page past the end: count alone
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    else:
        total = 0
    return total or 0, [SearchHit(*row[:-1]) for row in rows]


def snippet(text: str, terms: list[str], width: int = 60) -> tuple[str, str, str]:
    """(before, match, after) around the first term found in text, for highlighting with
    escaping intact; ("", "", start of text) when no term occurs in it."""
    folded = text.casefold()
    best = None
    for term in terms:
        at = folded.find(term.casefold())
        if at >= 0 and (best is None or at < best[0]):
            best = (at, len(term))
    flat = text.replace("\n", " ")
    if best is None:
        return "", "", flat[: width * 2] + ("…" if len(flat) > width * 2 else "")
    at, length = best
    start = max(0, at - width)
    before = ("…" if start else "") + flat[start:at]
    after_end = at + length + width
    after = flat[at + length : after_end] + ("…" if after_end < len(flat) else "")
    return before, flat[at : at + length], after
