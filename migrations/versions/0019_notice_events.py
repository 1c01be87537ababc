"""notice_events: one row per change that causes notices, written in the change's own
transaction; the sender expands it into notice_outbox and notices rows (deferred fan-out).

Events are new: existing outbox and on-screen rows stay as they are, and nothing needs a
backfill (every change before this revision already wrote its notices).

Revision ID: 0019_notice_events
Revises: 0018_funding_themes
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_notice_events"
down_revision = "0018_funding_themes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("object_version", sa.String(length=40), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expanded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_notice_events_actor_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
        sa.UniqueConstraint(
            "kind", "object_type", "object_id", "object_version", name="uq_notice_events_key"
        ),
    )
    with op.batch_alter_table("notice_events", schema=None) as batch_op:
        batch_op.create_index("ix_notice_events_due", ["expanded_at", "id"])


def downgrade():
    with op.batch_alter_table("notice_events", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_events_due")
    op.drop_table("notice_events")
