"""Japanese full-text search over search_documents, and the documents of existing records;
an index on activities.updated_at for the calendar feeds' conditional requests.

SQLite: an external-content FTS5 table with the trigram tokenizer (substring search on text
without word breaks), kept in step with search_documents by triggers.
PostgreSQL: pg_trgm GIN indexes on title and body, which ILIKE '%…%' uses.

The documents themselves are written by the model layer (council/search/index.py); this
migration builds them once for the activities and minutes that already exist. The composition
below is a frozen copy of that module's, as a migration must not import application code.

Revision ID: 0003_search_index
Revises: 0002_insert_only
"""

import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_search_index"
down_revision = "0002_insert_only"
branch_labels = None
depends_on = None

SQLITE_STATEMENTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, content='search_documents', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_fts_update AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)


def _normalize(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def _join(*parts: str | None) -> str:
    return "\n".join(_normalize(p) for p in parts if p)


def _backfill(bind) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    documents = []
    titles = {}
    for row in bind.execute(
        sa.text("SELECT id, title, venue, description, deleted_at FROM activities")
    ):
        titles[row.id] = (row.title, row.deleted_at)
        if row.deleted_at is None:
            documents.append(
                {
                    "object_type": "activity",
                    "object_id": row.id,
                    "activity_id": row.id,
                    "title": _normalize(row.title)[:200],
                    "body": _join(row.venue, row.description),
                    "updated_at": now,
                }
            )
    for row in bind.execute(
        sa.text("SELECT id, activity_id, attendees, agenda, discussion, decisions FROM minutes")
    ):
        title, deleted_at = titles.get(row.activity_id, ("", None))
        if deleted_at is None:
            documents.append(
                {
                    "object_type": "minutes",
                    "object_id": row.id,
                    "activity_id": row.activity_id,
                    "title": _normalize(title)[:200],
                    "body": _join(row.attendees, row.agenda, row.discussion, row.decisions),
                    "updated_at": now,
                }
            )
    if documents:
        bind.execute(
            sa.text(
                "INSERT INTO search_documents "
                "(object_type, object_id, activity_id, title, body, updated_at) "
                "VALUES (:object_type, :object_id, :activity_id, :title, :body, :updated_at)"
            ),
            documents,
        )


def upgrade():
    bind = op.get_bind()
    # Feeds answer conditional requests from MAX(updated_at): one index probe (see
    # Activity.__table_args__).
    with op.batch_alter_table("activities") as batch_op:
        batch_op.create_index("ix_activities_updated_at", ["updated_at"], unique=False)
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_search_documents_title_trgm ON search_documents "
            "USING gin (title gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_body_trgm ON search_documents "
            "USING gin (body gin_trgm_ops)"
        )
    else:
        for statement in SQLITE_STATEMENTS:
            op.execute(statement)
    op.execute("DELETE FROM search_documents")
    _backfill(bind)


def downgrade():
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_index("ix_activities_updated_at")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_body_trgm")
        op.execute("DROP INDEX IF EXISTS ix_search_documents_title_trgm")
        # pg_trgm stays installed: other objects of the database may have come to rely on it.
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_documents_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DELETE FROM search_documents")
