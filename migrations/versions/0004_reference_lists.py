"""Reference lists shared by the directory, the portal and the analysis: research fields,
prefectures (each in one block) and the cluster regions of the network study. The rows
themselves come from `flask seed` (council/data/reference_lists.json).

Revision ID: 0004_reference_lists
Revises: 0003_search_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_reference_lists"
down_revision = "0003_search_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "research_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_fields")),
        sa.UniqueConstraint("code", name=op.f("uq_research_fields_code")),
    )
    op.create_table(
        "cluster_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_cluster_regions_block_id_blocks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_regions")),
        sa.UniqueConstraint("code", name=op.f("uq_cluster_regions_code")),
    )
    with op.batch_alter_table("cluster_regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_regions_block_id"), ["block_id"], unique=False)

    op.create_table(
        "prefectures",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=10), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_prefectures_block_id_blocks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prefectures")),
        sa.UniqueConstraint("code", name=op.f("uq_prefectures_code")),
        sa.UniqueConstraint("name", name=op.f("uq_prefectures_name")),
    )
    with op.batch_alter_table("prefectures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prefectures_block_id"), ["block_id"], unique=False)

    op.create_table(
        "cluster_region_prefectures",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("prefecture_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prefecture_id"],
            ["prefectures.id"],
            name=op.f("fk_cluster_region_prefectures_prefecture_id_prefectures"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["cluster_regions.id"],
            name=op.f("fk_cluster_region_prefectures_region_id_cluster_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "region_id", "prefecture_id", name=op.f("pk_cluster_region_prefectures")
        ),
    )


def downgrade():
    op.drop_table("cluster_region_prefectures")
    with op.batch_alter_table("prefectures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prefectures_block_id"))

    op.drop_table("prefectures")
    with op.batch_alter_table("cluster_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_regions_block_id"))

    op.drop_table("cluster_regions")
    op.drop_table("research_fields")
