"""Matrix cases for the funding records: only hq and admin write them
(permissions.can_edit_funding); a secretariat reads its own block, writes nothing."""

import io
from decimal import Decimal

import sqlalchemy as sa

from council.analysis.funding.models import FundingRecord
from council.directory.models import Block, Ministry
from council.extensions import db
from council.reference.models import ResearchField
from tests.matrix.framework import Case

EDITORS = {"hq", "admin"}


def _ids():
    return (
        db.session.scalar(sa.select(Block.id).where(Block.code == "kanto")),
        db.session.scalar(sa.select(ResearchField.id).where(ResearchField.code == "life")),
        db.session.scalar(sa.select(Ministry.id).where(Ministry.name == "経済産業省")),
    )


def _record():
    return db.session.scalar(sa.select(FundingRecord).where(FundingRecord.title == "既存の案件"))


def _setup(w):
    block, field, ministry = _ids()
    db.session.add(
        FundingRecord(
            fiscal_year=2007, kind="grant", block_id=block, field_id=field,
            ministry_id=ministry, title="既存の案件", amount_million=Decimal("10.0"),
        )
    )  # fmt: skip


def _form(title, amount):
    block, field, ministry = _ids()
    return {
        "fiscal_year": "2007", "kind": "grant", "ministry_id": str(ministry),
        "measure_id": "", "block_id": str(block), "prefecture_id": "", "field_id": str(field),
        "title": title, "amount": amount, "theme_id": "",
    }  # fmt: skip


def _count(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(FundingRecord))


def _amount(w):
    record = _record()
    return record.amount_tenths if record else None


def _assert(condition):
    assert condition


CSV = (
    "年度,区分,府省,ブロック,研究分野,案件名,金額\n2007,grant,経済産業省,kanto,life,取込の案件,5\n"
)

CASES = [
    Case(
        name="funding.new_record",
        url=lambda w: "/analysis/funding/records/new",
        data=lambda w: _form("新しい案件", "12.5"),
        setup=_setup,
        allowed=EDITORS,
        state=_count,
        changed=lambda w: _assert(_count(w) == 2),
    ),
    Case(
        name="funding.edit_record",
        url=lambda w: f"/analysis/funding/records/{_record().id}/edit",
        data=lambda w: _form("既存の案件", "99"),
        setup=_setup,
        allowed=EDITORS,
        state=_amount,
        changed=lambda w: _assert(_amount(w) == 990),
    ),
    Case(
        name="funding.delete_record",
        url=lambda w: f"/analysis/funding/records/{_record().id}/delete",
        setup=_setup,
        allowed=EDITORS,
        state=_count,
        changed=lambda w: _assert(_count(w) == 0),
    ),
    Case(
        name="funding.upload",
        url=lambda w: "/analysis/funding/import",
        files=lambda w: {"file": (io.BytesIO(CSV.encode()), "funding.csv")},
        setup=_setup,
        allowed=EDITORS,
        state=_count,
        changed=lambda w: _assert(_count(w) == 2),
    ),
]
