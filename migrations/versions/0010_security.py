"""Security (issue 17): the administrators' unlock of a login lock (users.login_unlocked_at),
and the one-time token of the submit form that made a snapshot (snapshots.form_token).

Plain ADD COLUMN and CREATE INDEX, no batch rebuild: on SQLite a rebuilt snapshots table
would lose the triggers that keep it insert-only.

Revision ID: 0010_security
Revises: 0005_organisations
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_security"
down_revision = "0005_organisations"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("login_unlocked_at", sa.DateTime(), nullable=True))
    op.add_column("snapshots", sa.Column("form_token", sa.String(length=64), nullable=True))
    op.create_index("ix_snapshots_form_token", "snapshots", ["form_token"], unique=True)


def downgrade():
    op.drop_index("ix_snapshots_form_token", table_name="snapshots")
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("snapshots", "form_token")
    op.drop_column("users", "login_unlocked_at")
