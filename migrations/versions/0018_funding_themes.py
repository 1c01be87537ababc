"""funding_records.theme_id becomes a foreign key to portal_themes.id (it was a plain
integer until the portal's register landed), and portal_themes gains the index from which
the funding survey sums a year's theme budgets (ix_portal_themes_survey) and one on
updated_at, which the analysis's data version reads on every network request.

No ON DELETE action: themes are withdrawn, never deleted, so the database refuses to delete
a theme that a funding record names. Existing records that name a theme id that does not
exist would break the constraint; the upgrade then stops and lists them, changing nothing
(clear or correct their theme id first), rather than dropping the link silently.

Revision ID: 0018_funding_themes
Revises: 0017_agency_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_funding_themes"
down_revision = "0017_agency_version"
branch_labels = None
depends_on = None

FK = "fk_funding_records_theme_id_portal_themes"
SURVEY_COLUMNS = [
    "fiscal_year",
    "status",
    "budget",
    "measure_id",
    "field_id",
    "block_id",
    "lead_agency_id",
]


def upgrade():
    orphans = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT f.id, f.theme_id FROM funding_records f"
                " WHERE f.theme_id IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM portal_themes t WHERE t.id = f.theme_id)"
                " ORDER BY f.id"
            )
        )
        .all()
    )
    if orphans:
        listed = ", ".join(f"record {r} → theme {t}" for r, t in orphans[:20])
        raise RuntimeError(
            f"{len(orphans)} funding record(s) name a theme id that does not exist ({listed});"
            " correct or clear their theme_id, then upgrade again."
        )
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.create_foreign_key(FK, "portal_themes", ["theme_id"], ["id"])
    with op.batch_alter_table("portal_themes", schema=None) as batch_op:
        batch_op.create_index("ix_portal_themes_survey", SURVEY_COLUMNS)
        batch_op.create_index("ix_portal_themes_updated_at", ["updated_at"])


def downgrade():
    with op.batch_alter_table("portal_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_themes_updated_at")
        batch_op.drop_index("ix_portal_themes_survey")
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
