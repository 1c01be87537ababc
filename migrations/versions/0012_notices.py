"""Notices: the outbox and the contents it shares, its delivery attempts, users' choices, on-screen notices and the
record of each day's time-driven run.

Revision ID: 0012_notices
Revises: 0014_national_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_notices"
down_revision = "0014_national_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_daily_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("enqueued", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_daily_runs")),
        sa.UniqueConstraint("run_on", name=op.f("uq_notice_daily_runs_run_on")),
    )
    op.create_table(
        "notice_contents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("ics", sa.Text(), nullable=True),
        sa.Column("link_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_contents")),
    )
    op.create_table(
        "notice_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("object_version", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["notice_contents.id"],
            name=op.f("fk_notice_outbox_content_id_notice_contents"),
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["notice_outbox.id"],
            name=op.f("fk_notice_outbox_digest_id_notice_outbox"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_outbox_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_outbox")),
        sa.UniqueConstraint(
            "kind",
            "object_type",
            "object_id",
            "recipient",
            "object_version",
            name="uq_notice_outbox_key",
        ),
    )
    op.create_index("ix_notice_outbox_due", "notice_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "notice_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_preferences")),
        sa.UniqueConstraint("email", "kind", name="uq_notice_preferences_email_kind"),
        sa.UniqueConstraint("user_id", "kind", name="uq_notice_preferences_user_kind"),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("object_version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint(
            "user_id", "kind", "object_type", "object_id", "object_version", name="uq_notices_key"
        ),
    )
    op.create_index("ix_notices_unread", "notices", ["user_id", "read_at"])
    op.create_table(
        "notice_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["notice_outbox.id"],
            name=op.f("fk_notice_attempts_outbox_id_notice_outbox"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attempts")),
    )
    op.create_index("ix_notice_attempts_outbox_id", "notice_attempts", ["outbox_id"])


def downgrade():
    op.drop_index("ix_notice_attempts_outbox_id", table_name="notice_attempts")
    op.drop_table("notice_attempts")
    op.drop_index("ix_notices_unread", table_name="notices")
    op.drop_table("notices")
    op.drop_table("notice_preferences")
    op.drop_index("ix_notice_outbox_due", table_name="notice_outbox")
    op.drop_table("notice_outbox")
    op.drop_table("notice_contents")
    op.drop_table("notice_daily_runs")
