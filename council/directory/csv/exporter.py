"""Directory CSV, the format and the export.

One row per membership of an agency in a block and per contact of that agency: an agency with
two contacts has two rows for each of its blocks, an agency without contacts has one row.
The agency columns must agree on every row of the same agency. See README.md, "Directory CSV".
"""

import csv
import io

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council.directory.models import Agency, Block, Membership, Ministry
from council.extensions import db
from council.tables.cells import escape_cell

COLUMNS = (
    "block",
    "agency",
    "ministry",
    "kind",
    "prefecture",
    "city",
    "first_fy",
    "last_fy",
    "secretariat",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
)
REQUIRED = ("block", "agency", "ministry", "kind", "first_fy")
# Japanese headers are accepted too, for a sheet someone started by hand.
JAPANESE_HEADERS = {
    "ブロック": "block",
    "機関名": "agency",
    "府省": "ministry",
    "種別": "kind",
    "都道府県": "prefecture",
    "所在地": "city",
    "参加開始年度": "first_fy",
    "参加終了年度": "last_fy",
    "事務局": "secretariat",
    "担当者氏名": "contact_name",
    "担当者役職": "contact_title",
    "担当者メール": "contact_email",
    "担当者電話": "contact_phone",
}
MAX_LENGTH = {
    "agency": 100,
    "city": 40,
    "contact_name": 60,
    "contact_title": 100,
    "contact_email": 254,
    "contact_phone": 30,
}
# The formula starts the import takes a leading apostrophe off (the export also guards tab/CR).
FORMULA_START = ("=", "+", "-", "@")


def _cell(value) -> str:
    return escape_cell("" if value is None else str(value))


def export_directory(block: Block | None = None) -> str:
    """The roster as CSV text with a UTF-8 BOM (so that Excel opens it): one block's
    memberships, past and present, or with no block every block's and every agency's."""
    query = (
        sa.select(Membership)
        .join(Agency, Agency.id == Membership.agency_id)
        .outerjoin(Ministry, Ministry.id == Agency.ministry_id)
        .join(Block, Block.id == Membership.block_id)
        .options(
            selectinload(Membership.agency).selectinload(Agency.contacts),
            selectinload(Membership.agency).selectinload(Agency.ministry),
            selectinload(Membership.agency).selectinload(Agency.prefecture),
            selectinload(Membership.block),
        )
        .order_by(
            Block.sort_order,
            Membership.is_secretariat.desc(),
            Ministry.sort_order.is_(None),
            Ministry.sort_order,
            Agency.kind,
            Agency.name,
            Membership.first_fy,
        )
    )
    if block is not None:
        query = query.where(Membership.block_id == block.id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for membership in db.session.scalars(query):
        _write_agency(writer, membership.agency, membership)
    if block is None:
        loose = db.session.scalars(
            sa.select(Agency)
            .where(~Agency.memberships.any())
            .options(
                selectinload(Agency.contacts),
                selectinload(Agency.ministry),
                selectinload(Agency.prefecture),
            )
            .order_by(Agency.name)
        )
        for agency in loose:
            _write_agency(writer, agency, None)
    return "\ufeff" + out.getvalue()


def _write_agency(writer, agency: Agency, membership: Membership | None) -> None:
    head = [
        membership.block.code if membership else "",
        agency.name,
        agency.ministry.name if agency.ministry else "",
        agency.kind,
        agency.prefecture.code if agency.prefecture else "",
        agency.city,
        membership.first_fy if membership else "",
        membership.last_fy if membership and membership.last_fy is not None else "",
        "1" if membership and membership.is_secretariat else "0",
    ]
    contacts = agency.contacts or [None]
    for contact in contacts:
        tail = [contact.name, contact.title, contact.email, contact.phone] if contact else [""] * 4
        writer.writerow([_cell(v) for v in head + tail])
