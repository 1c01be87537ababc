"""Writes on funding records. Services flush, never commit; the view (or command) commits."""

import sqlalchemy as sa

from council.analysis.funding.importer import FundingRow
from council.analysis.funding.models import FundingRecord
from council.errors import DomainError
from council.extensions import db
from council.portal.models.registers import Theme
from council.tables.results import ImportSummary

# What a record holds besides its bookkeeping: the columns the audit log follows.
FIELDS = FundingRecord.audit_fields


class FundingError(DomainError):
    """A refused change; `field` names the form field the message belongs to."""


def _clash(values: dict, record_id: int | None) -> bool:
    query = sa.select(FundingRecord.id).where(
        FundingRecord.fiscal_year == values["fiscal_year"],
        FundingRecord.kind == values["kind"],
        FundingRecord.ministry_id == values["ministry_id"],
        FundingRecord.block_id == values["block_id"],
        FundingRecord.title == values["title"],
    )
    if record_id is not None:
        query = query.where(FundingRecord.id != record_id)
    return db.session.scalar(query) is not None


def save_record(values: dict, *, record: FundingRecord | None = None) -> FundingRecord:
    """Create (record=None) or update a hand-entered record."""
    if _clash(values, record.id if record else None):
        raise FundingError(
            "同じ年度・区分・府省・ブロック・案件名の記録がすでにあります。", field="title"
        )
    if values["theme_id"] is not None and db.session.get(Theme, values["theme_id"]) is None:
        raise FundingError(
            f"研究テーマID {values['theme_id']} の採択研究テーマは登録されていません。",
            field="theme_id",
        )
    if record is None:
        record = FundingRecord(source="manual")
        db.session.add(record)
    for name in FIELDS:
        if getattr(record, name) != values[name]:
            setattr(record, name, values[name])
    db.session.flush()
    return record


def delete_record(record: FundingRecord) -> None:
    db.session.delete(record)
    db.session.flush()


def import_rows(rows: list[FundingRow]) -> ImportSummary:
    """Write checked rows: a row whose key exists updates that record (or leaves it alone
    when nothing differs), so importing the same file twice changes nothing."""
    summary = ImportSummary(rows=len(rows))
    years = sorted({r.fiscal_year for r in rows})
    existing = {}
    for i in range(0, len(years), 100):
        for rec in db.session.scalars(
            sa.select(FundingRecord).where(FundingRecord.fiscal_year.in_(years[i : i + 100]))
        ):
            existing[(rec.fiscal_year, rec.kind, rec.ministry_id, rec.block_id, rec.title)] = rec
    for row in rows:
        record = existing.get(row.key)
        if record is None:
            db.session.add(
                FundingRecord(source="import", **{name: getattr(row, name) for name in FIELDS})
            )
            summary.count(created=True, changed=True)
            continue
        changed = False
        for name in FIELDS:
            if getattr(record, name) != getattr(row, name):
                setattr(record, name, getattr(row, name))
                changed = True
        summary.count(created=False, changed=changed)
    db.session.flush()
    return summary
