"""The public portal: support measures, facilities, adopted research themes and news (each with
a status: only `published` is public), the portal's search index (one document per public
record and its facet values) and its access log (no IP address is ever stored).

Revision ID: 0015_portal
Revises: 0012_notices
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_portal"
down_revision = "0012_notices"
branch_labels = None
depends_on = None


def upgrade():
    portal_state = op.create_table(
        "portal_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_state")),
    )
    op.bulk_insert(portal_state, [{"id": 1, "version": 0}])
    op.create_table(
        "portal_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("sort_on", sa.Date(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_docs")),
        sa.UniqueConstraint("type", "record_id", name=op.f("uq_portal_docs_type")),
    )
    with op.batch_alter_table("portal_docs", schema=None) as batch_op:
        batch_op.create_index("ix_portal_docs_sort", ["sort_on"], unique=False)

    op.create_table(
        "portal_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=False),
        sa.Column("page", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.String(length=200), nullable=True),
        sa.Column("results", sa.Integer(), nullable=True),
        sa.Column("is_crawler", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_hits")),
    )
    with op.batch_alter_table("portal_hits", schema=None) as batch_op:
        batch_op.create_index("ix_portal_hits_at", ["at"], unique=False)

    op.create_table(
        "portal_doc_facets",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["portal_docs.id"],
            name=op.f("fk_portal_doc_facets_doc_id_portal_docs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("doc_id", "facet", "value", name=op.f("pk_portal_doc_facets")),
    )
    with op.batch_alter_table("portal_doc_facets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_doc_facets_value", ["facet", "value", "doc_id"], unique=False
        )

    op.create_table(
        "portal_facilities",
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefecture_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("fees", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_portal_facilities_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_portal_facilities_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["prefecture_id"],
            ["prefectures.id"],
            name=op.f("fk_portal_facilities_prefecture_id_prefectures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_facilities")),
        sa.UniqueConstraint(
            "owner_agency_id", "name", name=op.f("uq_portal_facilities_owner_agency_id")
        ),
    )
    with op.batch_alter_table("portal_facilities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_facilities_block_id"), ["block_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_facilities_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_facilities_prefecture_id"), ["prefecture_id"], unique=False
        )

    op.create_table(
        "portal_measures",
        sa.Column("offering_agency_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("ministry_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("amount_min", sa.Integer(), nullable=True),
        sa.Column("amount_max", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_portal_measures_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_portal_measures_measure_id_measures")
        ),
        sa.ForeignKeyConstraint(
            ["ministry_id"],
            ["ministries.id"],
            name=op.f("fk_portal_measures_ministry_id_ministries"),
        ),
        sa.ForeignKeyConstraint(
            ["offering_agency_id"],
            ["agencies.id"],
            name=op.f("fk_portal_measures_offering_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_measures")),
        sa.UniqueConstraint(
            "offering_agency_id",
            "name",
            "fiscal_year",
            name=op.f("uq_portal_measures_offering_agency_id"),
        ),
    )
    with op.batch_alter_table("portal_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_measures_block_id"), ["block_id"], unique=False)
        batch_op.create_index("ix_portal_measures_closes_on", ["closes_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_portal_measures_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_measures_ministry_id"), ["ministry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_measures_offering_agency_id"),
            ["offering_agency_id"],
            unique=False,
        )

    op.create_table(
        "portal_themes",
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_agency_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_portal_themes_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["research_fields.id"],
            name=op.f("fk_portal_themes_field_id_research_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"],
            ["agencies.id"],
            name=op.f("fk_portal_themes_lead_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_portal_themes_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_themes")),
        sa.UniqueConstraint(
            "programme",
            "fiscal_year",
            "title",
            "lead_agency_id",
            name=op.f("uq_portal_themes_programme"),
        ),
    )
    with op.batch_alter_table("portal_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_themes_block_id"), ["block_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_portal_themes_field_id"), ["field_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_portal_themes_lead_agency_id"), ["lead_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_themes_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "portal_facility_fields",
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["portal_facilities.id"],
            name=op.f("fk_portal_facility_fields_facility_id_portal_facilities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["research_fields.id"],
            name=op.f("fk_portal_facility_fields_field_id_research_fields"),
        ),
        sa.PrimaryKeyConstraint("facility_id", "field_id", name=op.f("pk_portal_facility_fields")),
    )
    with op.batch_alter_table("portal_facility_fields", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_facility_fields_field_id"), ["field_id"], unique=False
        )

    op.create_table(
        "portal_measure_blocks",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_portal_measure_blocks_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["portal_measures.id"],
            name=op.f("fk_portal_measure_blocks_measure_id_portal_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "block_id", name=op.f("pk_portal_measure_blocks")),
    )
    with op.batch_alter_table("portal_measure_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_measure_blocks_block_id"), ["block_id"], unique=False
        )

    op.create_table(
        "portal_measure_fields",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["research_fields.id"],
            name=op.f("fk_portal_measure_fields_field_id_research_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["portal_measures.id"],
            name=op.f("fk_portal_measure_fields_measure_id_portal_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "field_id", name=op.f("pk_portal_measure_fields")),
    )
    with op.batch_alter_table("portal_measure_fields", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_measure_fields_field_id"), ["field_id"], unique=False
        )

    op.create_table(
        "portal_measure_prefectures",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("prefecture_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["portal_measures.id"],
            name=op.f("fk_portal_measure_prefectures_measure_id_portal_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prefecture_id"],
            ["prefectures.id"],
            name=op.f("fk_portal_measure_prefectures_prefecture_id_prefectures"),
        ),
        sa.PrimaryKeyConstraint(
            "measure_id", "prefecture_id", name=op.f("pk_portal_measure_prefectures")
        ),
    )
    with op.batch_alter_table("portal_measure_prefectures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_measure_prefectures_prefecture_id"),
            ["prefecture_id"],
            unique=False,
        )

    op.create_table(
        "portal_theme_participants",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_portal_theme_participants_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["portal_themes.id"],
            name=op.f("fk_portal_theme_participants_theme_id_portal_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("theme_id", "agency_id", name=op.f("pk_portal_theme_participants")),
    )
    with op.batch_alter_table("portal_theme_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_theme_participants_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "portal_news",
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("news_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_portal_news_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["block_id"], ["blocks.id"], name=op.f("fk_portal_news_block_id_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["research_fields.id"],
            name=op.f("fk_portal_news_field_id_research_fields"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_news")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_portal_news_activity_id")),
    )
    with op.batch_alter_table("portal_news", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_news_block_id"), ["block_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_portal_news_field_id"), ["field_id"], unique=False)
        batch_op.create_index("ix_portal_news_news_on", ["news_on"], unique=False)
        batch_op.create_index("ix_portal_news_updated_at", ["updated_at"], unique=False)


def downgrade():
    op.drop_table("portal_state")
    with op.batch_alter_table("portal_news", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_news_updated_at")
        batch_op.drop_index("ix_portal_news_news_on")
        batch_op.drop_index(batch_op.f("ix_portal_news_field_id"))
        batch_op.drop_index(batch_op.f("ix_portal_news_block_id"))

    op.drop_table("portal_news")
    with op.batch_alter_table("portal_theme_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_theme_participants_agency_id"))

    op.drop_table("portal_theme_participants")
    with op.batch_alter_table("portal_measure_prefectures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_measure_prefectures_prefecture_id"))

    op.drop_table("portal_measure_prefectures")
    with op.batch_alter_table("portal_measure_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_measure_fields_field_id"))

    op.drop_table("portal_measure_fields")
    with op.batch_alter_table("portal_measure_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_measure_blocks_block_id"))

    op.drop_table("portal_measure_blocks")
    with op.batch_alter_table("portal_facility_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_facility_fields_field_id"))

    op.drop_table("portal_facility_fields")
    with op.batch_alter_table("portal_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_themes_measure_id"))
        batch_op.drop_index(batch_op.f("ix_portal_themes_lead_agency_id"))
        batch_op.drop_index(batch_op.f("ix_portal_themes_field_id"))
        batch_op.drop_index(batch_op.f("ix_portal_themes_block_id"))

    op.drop_table("portal_themes")
    with op.batch_alter_table("portal_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_measures_offering_agency_id"))
        batch_op.drop_index(batch_op.f("ix_portal_measures_ministry_id"))
        batch_op.drop_index(batch_op.f("ix_portal_measures_measure_id"))
        batch_op.drop_index("ix_portal_measures_closes_on")
        batch_op.drop_index(batch_op.f("ix_portal_measures_block_id"))

    op.drop_table("portal_measures")
    with op.batch_alter_table("portal_facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_facilities_prefecture_id"))
        batch_op.drop_index(batch_op.f("ix_portal_facilities_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_portal_facilities_block_id"))

    op.drop_table("portal_facilities")
    with op.batch_alter_table("portal_doc_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_doc_facets_value")

    op.drop_table("portal_doc_facets")
    with op.batch_alter_table("portal_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_hits_at")

    op.drop_table("portal_hits")
    with op.batch_alter_table("portal_docs", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_docs_sort")

    op.drop_table("portal_docs")
