"""Writes on the portal's registers. Services flush, never commit; the caller commits once.

save_record() is shared by the edit forms and the import: it takes values cleaned by
council/portal/rows.py, checks who may write the record (before and after the change), and
changes only what differs, so that saving the same values again changes nothing.
"""

import sqlalchemy as sa

from council import permissions
from council.directory.models import Agency, Block
from council.errors import DomainError
from council.extensions import db, utc_now
from council.portal.models import Facility, News, SupportMeasure, Theme
from council.reference.models import Prefecture, ResearchField

MODELS = {"measures": SupportMeasure, "facilities": Facility, "themes": Theme, "news": News}
TYPE_OF_KIND = {"measures": "measure", "facilities": "facility", "themes": "theme", "news": "news"}
KIND_OF_TYPE = {v: k for k, v in TYPE_OF_KIND.items()}
# Cleaned values that name a collection: (attribute, model).
COLLECTIONS = {
    "field_ids": ("fields", ResearchField),
    "block_ids": ("blocks", Block),
    "prefecture_ids": ("prefectures", Prefecture),
    "participant_ids": ("participants", Agency),
}


class PortalForbidden(DomainError):
    """The actor may not write this record (another block's, or a national one)."""

    status = 403


class DuplicateRecord(DomainError):
    """Another record already has this one's natural key (agency and name, or title)."""


def _check(actor, record, new_block_id) -> None:
    if record.id is not None and not permissions.can_edit_portal_record(actor, record):
        raise PortalForbidden("この情報を編集する権限がありません(他のブロックの情報です)。")
    if not permissions.can_assign_portal_block(actor, new_block_id):
        raise PortalForbidden(
            "この実施機関・所在地の情報は、担当するブロックの事務局または本府省が登録します。"
        )


def save_record(kind: str, record, values: dict, *, actor, check: bool = True):
    """Create (record None) or update a record from cleaned values. Returns (record, changed).
    Raises PortalForbidden, having changed nothing, when the actor may not write it, and
    DuplicateRecord when another record has its natural key."""
    model = MODELS[kind]
    creating = record is None
    if creating:
        record = model()
    values = dict(values)
    new_block_id = values.pop("_block_id", None)
    if check:
        _check(actor, record, new_block_id)
    if kind == "news" and record.activity_id is not None:
        # News that follows an activity is changed through the activity only.
        values = {k: v for k, v in values.items() if k in ("field_id", "url")}
    else:
        values["block_id"] = new_block_id
    changed = creating
    for key, value in values.items():
        if key in COLLECTIONS:
            attr, target = COLLECTIONS[key]
            current = getattr(record, attr)
            if creating or {o.id for o in current} != set(value):
                setattr(record, attr, [db.session.get(target, i) for i in value])
                changed = True
                # A changed list alone writes no row of the record: stamp it, so that its
                # last change (and every version read from it) follows its links too.
                record.updated_at = utc_now()
            continue
        if key == "activity_id" and not creating:
            continue
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    if creating:
        db.session.add(record)
    if changed:
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            raise DuplicateRecord(
                "同じ機関・名称(キー)の情報がすでに登録されています。",
                field="name" if kind in ("measures", "facilities") else "title",
            ) from None
    return record, changed


def set_status(record, status: str, *, actor, check: bool = True) -> None:
    """Publish, withdraw or return a record to draft (withdrawn records stay, never public)."""
    if check and not permissions.can_edit_portal_record(actor, record):
        raise PortalForbidden("この情報を編集する権限がありません。")
    if record.status != status:
        record.status = status
        db.session.flush()
