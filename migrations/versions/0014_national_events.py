"""National events (全国), backing (後援), and a measures register that tells its history.

- activities: `is_national` (headquarters' own events: no block, any category), the host
  prefecture and city, the region block a national event is linked to (never counted for it);
  `activity_backers` records 後援 as a relation of its own.
- measures: first and last fiscal year, successor, parent programme, flags; a measure cannot
  end before it starts.
- published_totals: a note that explains how the register's lines make up the published
  count and total.

Revision ID: 0014_national_events
Revises: 0010_security
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_national_events"
down_revision = "0010_security"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_national", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("host_prefecture_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("host_city", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("region_block_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_activities_host_prefecture_id_prefectures"),
            "prefectures",
            ["host_prefecture_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_activities_region_block_id_blocks"),
            "blocks",
            ["region_block_id"],
            ["id"],
        )
        batch_op.create_check_constraint("national_no_block", "NOT is_national OR block_id IS NULL")

    op.create_table(
        "activity_backers",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_backers_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_activity_backers_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("activity_id", "agency_id", name=op.f("pk_activity_backers")),
    )
    with op.batch_alter_table("activity_backers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_backers_agency_id"), ["agency_id"])

    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_fy", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_fy", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("flags", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_measures_successor_id"), ["successor_id"])
        batch_op.create_index(batch_op.f("ix_measures_parent_id"), ["parent_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_measures_successor_id_measures"), "measures", ["successor_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_measures_parent_id_measures"), "measures", ["parent_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "life_order", "first_fy IS NULL OR last_fy IS NULL OR first_fy <= last_fy"
        )

    with op.batch_alter_table("published_totals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("published_totals", schema=None) as batch_op:
        batch_op.drop_column("note")

    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_constraint("life_order", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_measures_parent_id_measures"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_measures_successor_id_measures"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_measures_parent_id"))
        batch_op.drop_index(batch_op.f("ix_measures_successor_id"))
        batch_op.drop_column("flags")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("successor_id")
        batch_op.drop_column("last_fy")
        batch_op.drop_column("first_fy")

    with op.batch_alter_table("activity_backers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_backers_agency_id"))
    op.drop_table("activity_backers")

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint("national_no_block", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_activities_region_block_id_blocks"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_activities_host_prefecture_id_prefectures"), type_="foreignkey"
        )
        batch_op.drop_column("region_block_id")
        batch_op.drop_column("host_city")
        batch_op.drop_column("host_prefecture_id")
        batch_op.drop_column("is_national")
