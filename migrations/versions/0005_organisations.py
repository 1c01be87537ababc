"""The directory becomes one register of organisations: nine kinds, a prefecture, and a
ministry only where the kind implies one (a branch office, an independent administrative
agency).

Existing rows of kind `other` were local governments and universities filed under 総務省 or
文部科学省; they are re-kinded by what they are and lose that ministry. The prefectures are
filled in by `flask seed` from each organisation's city (the reference lists are data, which
a migration does not load).

Revision ID: 0005_organisations
Revises: 0004_reference_lists
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_organisations"
down_revision = "0004_reference_lists"
branch_labels = None
depends_on = None

agencies = sa.table(
    "agencies",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("ministry_id", sa.Integer),
)
ministries = sa.table("ministries", sa.column("id", sa.Integer), sa.column("name", sa.String))

PREFECTURE_SUFFIXES = ("県", "都", "府")
MUNICIPALITY_MARKS = ("市 ", "市役所", "町 ", "村 ", "区 ")


def _kind_of(name: str) -> str:
    """What an old `other` row is, judged by its name (the rows were all named that way)."""
    head = name.split(" ", 1)[0]
    if "大学" in name or "高等専門学校" in name or "高専" in name:
        return "university"
    if "試験場" in name or "技術センター" in name or "研究所" in head:
        return "public_lab"
    if head == "北海道" or head.endswith(PREFECTURE_SUFFIXES):
        return "prefecture"
    if any(mark in name for mark in MUNICIPALITY_MARKS):
        return "municipality"
    return "other"


def upgrade():
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=10), type_=sa.String(length=20)
        )
        batch_op.alter_column("ministry_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("prefecture_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agencies_prefecture_id"), ["prefecture_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_agencies_prefecture_id_prefectures"),
            "prefectures",
            ["prefecture_id"],
            ["id"],
        )

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(agencies.c.id, agencies.c.name).where(agencies.c.kind == "other")
    ).all()
    for row in rows:
        bind.execute(
            agencies.update()
            .where(agencies.c.id == row.id)
            .values(kind=_kind_of(row.name), ministry_id=None)
        )

    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ministry_for_kind", "kind NOT IN ('branch', 'iaa') OR ministry_id IS NOT NULL"
        )


def downgrade():
    bind = op.get_bind()
    by_name = dict(bind.execute(sa.select(ministries.c.name, ministries.c.id)).all())
    # The old shape filed local governments under 総務省 and universities under 文部科学省.
    old_ministry = {
        "prefecture": "総務省",
        "municipality": "総務省",
        "university": "文部科学省",
        "public_lab": "文部科学省",
    }
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_constraint("ministry_for_kind", type_="check")
    for kind in ("prefecture", "municipality", "university", "public_lab", "support", "company"):
        ministry_id = by_name.get(old_ministry.get(kind, "経済産業省"))
        bind.execute(
            agencies.update()
            .where(agencies.c.kind == kind)
            .values(kind="other", ministry_id=sa.func.coalesce(agencies.c.ministry_id, ministry_id))
        )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agencies_prefecture_id_prefectures"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_agencies_prefecture_id"))
        batch_op.drop_column("prefecture_id")
        batch_op.alter_column("ministry_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
