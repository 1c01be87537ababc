"""Keeps search_documents in step with activities and minutes, through the model layer.

Whichever code path changes an Activity or Minutes through the ORM, the flush upserts the
matching search document; a soft-deleted activity leaves the index (with its minutes) and
comes back when restored. The full-text index over search_documents (FTS5 on SQLite, pg_trgm
on PostgreSQL) follows by itself: see migrations/versions/0003_search_index.py.
"""

import unicodedata

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite

from council.activities.models import Activity
from council.extensions import db, utc_now
from council.minutes.models import RECORD_FIELDS, Minutes
from council.search.models import SearchDocument

ACTIVITY_FIELDS = ("title", "venue", "description")
# Objects of the search index that the models do not declare: Alembic must leave them alone.
UNMODELLED_NAMES = frozenset(
    {
        "search_fts",
        "search_fts_data",
        "search_fts_idx",
        "search_fts_content",
        "search_fts_docsize",
        "search_fts_config",
        "ix_search_documents_title_trgm",
        "ix_search_documents_body_trgm",
    }
)

_installed = False


def normalize(text: str | None) -> str:
    """NFKC, so that full-width ＳＣＯＰＥ and half-width ｶﾀｶﾅ find their usual forms."""
    return unicodedata.normalize("NFKC", text or "")


def _join(*parts: str | None) -> str:
    return "\n".join(normalize(p) for p in parts if p)


def activity_document(activity) -> dict:
    return {
        "object_type": "activity",
        "object_id": activity.id,
        "activity_id": activity.id,
        "title": normalize(activity.title)[:200],
        "body": _join(activity.venue, activity.description),
    }


def minutes_document(minutes, activity_title: str) -> dict:
    return {
        "object_type": "minutes",
        "object_id": minutes.id,
        "activity_id": minutes.activity_id,
        "title": normalize(activity_title)[:200],
        "body": _join(*(getattr(minutes, f) for f in RECORD_FIELDS)),
    }


def _upsert(connection, documents: list[dict]) -> None:
    if not documents:
        return
    now = utc_now()
    rows = [{**d, "updated_at": now} for d in documents]
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SearchDocument.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["object_type", "object_id"],
        set_={
            "activity_id": stmt.excluded.activity_id,
            "title": stmt.excluded.title,
            "body": stmt.excluded.body,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    connection.execute(stmt, rows)


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _before_flush(session, flush_context, instances) -> None:
    # Hard deletes (rare: drafts, test clean-up) must drop the documents before the row goes,
    # or the foreign key from search_documents would refuse the delete.
    table = SearchDocument.__table__
    for obj in session.deleted:
        if isinstance(obj, Activity) and obj.id is not None:
            session.execute(sa.delete(table).where(table.c.activity_id == obj.id))
        elif isinstance(obj, Minutes) and obj.id is not None:
            session.execute(
                sa.delete(table).where(
                    table.c.object_type == "minutes", table.c.object_id == obj.id
                )
            )


def _after_flush(session, flush_context) -> None:
    table = SearchDocument.__table__
    documents: list[dict] = []
    gone: list[int] = []  # activities soft-deleted in this flush
    restored: list[int] = []
    retitled: dict[int, str] = {}
    minutes_to_index: list[Minutes] = []
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Activity):
            is_new = obj in session.new
            if obj.deleted_at is not None:
                if is_new or _changed(obj, ("deleted_at",)):
                    gone.append(obj.id)
                continue
            was_restored = not is_new and _changed(obj, ("deleted_at",))
            if is_new or was_restored or _changed(obj, ACTIVITY_FIELDS):
                documents.append(activity_document(obj))
            if was_restored:
                restored.append(obj.id)
            elif not is_new and _changed(obj, ("title",)):
                retitled[obj.id] = normalize(obj.title)[:200]
        elif isinstance(obj, Minutes) and (obj in session.new or _changed(obj, RECORD_FIELDS)):
            minutes_to_index.append(obj)
    connection = session.connection()
    if gone:
        connection.execute(sa.delete(table).where(table.c.activity_id.in_(gone)))
    if retitled:
        connection.execute(
            sa.update(table)
            .where(table.c.object_type == "minutes", table.c.activity_id == sa.bindparam("aid"))
            .values(title=sa.bindparam("new_title")),
            [{"aid": k, "new_title": v} for k, v in retitled.items()],
        )
    if restored:
        for minutes in session.scalars(sa.select(Minutes).where(Minutes.activity_id.in_(restored))):
            if minutes not in minutes_to_index:
                minutes_to_index.append(minutes)
    if minutes_to_index:
        ids = {m.activity_id for m in minutes_to_index}
        parents = dict(
            connection.execute(
                sa.select(Activity.id, Activity.title).where(
                    Activity.id.in_(ids), Activity.deleted_at.is_(None)
                )
            ).all()
        )
        documents.extend(
            minutes_document(m, parents[m.activity_id])
            for m in minutes_to_index
            if m.activity_id in parents
        )
    _upsert(connection, documents)


def install(session_class) -> None:
    global _installed
    if _installed:
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    _installed = True


def _include_name(name, type_, parent_names) -> bool:
    return name not in UNMODELLED_NAMES


def configure(app: Flask, session_class) -> None:
    """Keep the index in sync on every flush, and tell Alembic's autogenerate (and `flask db
    check`) that the index objects made by migration 0003 are not drift."""
    install(session_class)
    migrate_state = app.extensions.get("migrate")
    if migrate_state is not None:
        migrate_state.configure_args.setdefault("include_name", _include_name)


def rebuild() -> int:
    """Rebuild every document from the records (after bulk loads that bypass the ORM).
    Flushes; the caller commits. Returns the number of documents written."""
    connection = db.session.connection()
    connection.execute(sa.delete(SearchDocument.__table__))
    documents = [
        activity_document(a)
        for a in db.session.execute(
            sa.select(Activity.id, Activity.title, Activity.venue, Activity.description).where(
                Activity.deleted_at.is_(None)
            )
        )
    ]
    rows = db.session.execute(
        sa.select(Minutes, Activity.title)
        .join(Activity, Activity.id == Minutes.activity_id)
        .where(Activity.deleted_at.is_(None))
    )
    documents.extend(minutes_document(m, title) for m, title in rows)
    _upsert(connection, documents)
    return len(documents)
