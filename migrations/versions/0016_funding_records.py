"""Funding records (資金投入状況): one project or grant of one fiscal year, by block, research
field and measure, in million yen with one decimal (stored as
an integer count of ¥100,000).

`theme_id` names an adopted research theme of the portal; it is a plain integer until the
portal's `research_themes` table is on the same branch (the merge adds the foreign key).

Revision ID: 0016_funding_records
Revises: 0015_portal
"""

import sqlalchemy as sa
from alembic import op

import council.extensions

revision = "0016_funding_records"
down_revision = "0015_portal"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "funding_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ministry_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("prefecture_id", sa.Integer(), nullable=True),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount_tenths", sa.BigInteger(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", council.extensions.UTCDateTime(), nullable=False),
        sa.Column("updated_at", council.extensions.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('large', 'grant')", name=op.f("ck_funding_records_kind")),
        sa.CheckConstraint(
            "amount_tenths >= 0", name=op.f("ck_funding_records_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_funding_records_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["research_fields.id"],
            name=op.f("fk_funding_records_field_id_research_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_funding_records_measure_id_measures")
        ),
        sa.ForeignKeyConstraint(
            ["ministry_id"],
            ["ministries.id"],
            name=op.f("fk_funding_records_ministry_id_ministries"),
        ),
        sa.ForeignKeyConstraint(
            ["prefecture_id"],
            ["prefectures.id"],
            name=op.f("fk_funding_records_prefecture_id_prefectures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_records")),
        sa.UniqueConstraint(
            "fiscal_year",
            "kind",
            "ministry_id",
            "block_id",
            "title",
            name=op.f("uq_funding_records_fiscal_year"),
        ),
    )
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funding_records_block_id"), ["block_id"])
        batch_op.create_index(batch_op.f("ix_funding_records_ministry_id"), ["ministry_id"])
        batch_op.create_index(batch_op.f("ix_funding_records_theme_id"), ["theme_id"])
        batch_op.create_index(
            "ix_funding_records_year",
            ["fiscal_year", "kind", "block_id", "field_id", "amount_tenths"],
        )
        batch_op.create_index(
            "ix_funding_records_measure", ["fiscal_year", "measure_id", "amount_tenths"]
        )


def downgrade():
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_records_measure")
        batch_op.drop_index("ix_funding_records_year")
        batch_op.drop_index(batch_op.f("ix_funding_records_theme_id"))
        batch_op.drop_index(batch_op.f("ix_funding_records_ministry_id"))
        batch_op.drop_index(batch_op.f("ix_funding_records_block_id"))
    op.drop_table("funding_records")
