"""Agencies carry an integer `version` (council.locking, SQLAlchemy's version_id_col), which
replaces the last update time as what the edit form compares to refuse a stale save. Existing
rows start at 1.

Revision ID: 0017_agency_version
Revises: 0016_funding_records
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_agency_version"
down_revision = "0016_funding_records"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("version")
