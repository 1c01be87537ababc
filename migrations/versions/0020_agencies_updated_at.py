"""An index on agencies.updated_at: the funding survey's and the networks' data versions read
MAX(agencies.updated_at) on every request, which without it is a scan of every organisation
(about half a millisecond per request on PostgreSQL with a few thousand of them).

Revision ID: 0020_agencies_updated_at
Revises: 0019_notice_events
"""

from alembic import op

revision = "0020_agencies_updated_at"
down_revision = "0019_notice_events"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index("ix_agencies_updated_at", ["updated_at"])


def downgrade():
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index("ix_agencies_updated_at")
