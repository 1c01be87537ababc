"""Security (issue 17): the administrators' unlock of a login lock (users.login_unlocked_at).

Revision ID: 0010_login_unlock
Revises: 0003_search_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_login_unlock"
down_revision = "0003_search_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("login_unlocked_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("login_unlocked_at")
