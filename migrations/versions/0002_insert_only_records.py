"""Official records are insert-only: the database refuses UPDATE and DELETE on them.

Revision ID: 0002_insert_only
Revises: 0001_initial
"""

from alembic import op

revision = "0002_insert_only"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TABLES = ("audit_entries", "minutes_revisions", "snapshots")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION council_refuse_change() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION '% is an insert-only record table', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION council_refuse_change()"
            )
    else:
        for table in TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is an insert-only record table'); END"
                )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS council_refuse_change()")
    else:
        for table in TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
