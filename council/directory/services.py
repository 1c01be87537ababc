"""Writes on the directory: agencies, block memberships, contacts. Services flush, never
commit; who acted is on the session (the audit hook attributes every change)."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from council.directory.csv.rows import ImportResult, Row
from council.directory.models import (
    AGENCY_KINDS,
    MINISTRY_KINDS,
    Agency,
    Block,
    Contact,
    Membership,
)
from council.errors import Conflict, DomainError
from council.extensions import db
from council.fiscal import fiscal_year_label
from council.locking import check_version


class DirectoryError(DomainError):
    """A refused change; the message is shown to the user (next to `field` when given)."""


class DirectoryConflict(DirectoryError, Conflict):
    """The change is refused because of the record's state (a secretariat's seat, an agency's
    only membership): 409."""


STALE_AGENCY = (
    "他の利用者がこの機関を先に更新しました。最新の内容を確認してから、もう一度保存してください。"
)


def _check_name_free(name: str, *, exclude: Agency | None = None) -> None:
    other = db.session.scalar(sa.select(Agency).where(Agency.name == name))
    if other is not None and other is not exclude:
        raise DirectoryError(f"「{name}」は既に登録されています。", "name")


def _check_ministry(kind: str, ministry_id: int | None) -> None:
    if kind in MINISTRY_KINDS and ministry_id is None:
        raise DirectoryError(
            f"種別が「{AGENCY_KINDS.get(kind, kind)}」の機関は府省を選択してください。",
            field="ministry_id",
        )


def create_agency(
    *,
    name: str,
    kind: str,
    ministry_id: int | None,
    city: str,
    block_id: int,
    first_fy: int,
    prefecture_id: int | None = None,
) -> Agency:
    """A new agency, seated on `block_id` from fiscal year `first_fy`. The ministry is
    required only for the kinds that belong to one (branch office, IAA)."""
    _check_name_free(name)
    _check_ministry(kind, ministry_id)
    # Only a branch office or an IAA belongs to a ministry.
    ministry_id = ministry_id if kind in MINISTRY_KINDS else None
    agency = Agency(
        name=name, kind=kind, ministry_id=ministry_id, city=city, prefecture_id=prefecture_id
    )
    agency.memberships.append(Membership(block_id=block_id, first_fy=first_fy))
    db.session.add(agency)
    db.session.flush()
    return agency


def update_agency(
    agency: Agency,
    *,
    name: str,
    kind: str,
    ministry_id: int | None,
    city: str,
    expected_version: int | None = None,
    prefecture_id: int | None = None,
) -> None:
    """Change an agency's own fields; a save based on a copy older than `expected_version` is
    refused (EditConflict) instead of overwriting the other user's change."""
    check_version(agency, expected_version, STALE_AGENCY)
    _check_name_free(name, exclude=agency)
    _check_ministry(kind, ministry_id)
    ministry_id = ministry_id if kind in MINISTRY_KINDS else None
    for field, value in (
        ("name", name),
        ("kind", kind),
        ("ministry_id", ministry_id),
        ("prefecture_id", prefecture_id),
    ):
        if getattr(agency, field) != value:
            setattr(agency, field, value)
    if agency.city != city:
        agency.city = city
    db.session.flush()


def set_agency_active(agency: Agency, active: bool) -> None:
    """Deactivate (an office abolished or merged) or reactivate an agency. Its memberships and
    history stay; an inactive agency is no longer offered when accounts are created."""
    if agency.is_active != active:
        agency.is_active = active
        db.session.flush()


def _overlapping(agency_id: int, block_id: int, first_fy: int, last_fy: int | None, exclude=None):
    for other in db.session.scalars(
        sa.select(Membership).where(
            Membership.agency_id == agency_id, Membership.block_id == block_id
        )
    ):
        if other is exclude:
            continue
        other_end = other.last_fy if other.last_fy is not None else 10**6
        end = last_fy if last_fy is not None else 10**6
        if other.first_fy <= end and first_fy <= other_end:
            return other
    return None


def _period(first_fy: int, last_fy: int | None) -> str:
    return f"{fiscal_year_label(first_fy)}〜{fiscal_year_label(last_fy) if last_fy else ''}"


def add_membership(*, agency: Agency, block: Block, first_fy: int) -> Membership:
    """Seat an existing agency on a block from `first_fy` (a new period if it left before)."""
    other = _overlapping(agency.id, block.id, first_fy, None)
    if other is not None:
        raise DirectoryError(
            f"{agency.name}は既に{block.name}ブロックの構成機関です"
            f"({_period(other.first_fy, other.last_fy)})。",
            "first_fy",
        )
    membership = Membership(agency_id=agency.id, block_id=block.id, first_fy=first_fy)
    db.session.add(membership)
    db.session.flush()
    return membership


def update_membership(membership: Membership, *, first_fy: int, last_fy: int | None) -> None:
    """Change a membership's period; setting `last_fy` ends it after that fiscal year."""
    if last_fy is not None and last_fy < first_fy:
        raise DirectoryError("参加終了年度は参加開始年度以降にしてください。", "last_fy")
    if membership.is_secretariat and last_fy is not None:
        raise DirectoryError("事務局を務める機関の参加は終了できません。", "last_fy")
    other = _overlapping(
        membership.agency_id, membership.block_id, first_fy, last_fy, exclude=membership
    )
    if other is not None:
        raise DirectoryError(
            f"同じブロックの別の参加期間({_period(other.first_fy, other.last_fy)})と重なります。",
            "first_fy",
        )
    if membership.first_fy != first_fy:
        membership.first_fy = first_fy
    if membership.last_fy != last_fy:
        membership.last_fy = last_fy
    db.session.flush()


def delete_membership(membership: Membership) -> None:
    """Remove a membership entered by mistake (the audit log keeps what it was). Ending a
    real membership is update_membership(last_fy=…), which keeps the roster of past years."""
    if membership.is_secretariat:
        raise DirectoryConflict("事務局を務める機関の参加は削除できません。")
    agency = membership.agency
    if len(agency.memberships) == 1:
        raise DirectoryConflict(
            "この機関が参加する唯一のブロックのため削除できません。機関を廃止にしてください。"
        )
    # Deleted through the session, not the collection, so the audit entry still knows the
    # agency and block the row belonged to.
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(agency, ["memberships"])


def add_contact(agency: Agency, *, name: str, title: str, email: str, phone: str) -> Contact:
    contact = Contact(name=name, title=title, email=email, phone=phone)
    agency.contacts.append(contact)
    db.session.flush()
    return contact


def update_contact(contact: Contact, *, name: str, title: str, email: str, phone: str) -> None:
    for field, value in (("name", name), ("title", title), ("email", email), ("phone", phone)):
        if getattr(contact, field) != value:
            setattr(contact, field, value)
    db.session.flush()


def delete_contact(contact: Contact) -> None:
    agency = contact.agency
    db.session.delete(contact)
    db.session.flush()
    db.session.expire(agency, ["contacts"])


# --- CSV import --------------------------------------------------------------------------


def import_directory(rows: list[Row]) -> ImportResult:
    """Write the rows of a checked CSV file (csv.importer.parse). Only what differs is touched,
    so importing the same file a second time changes nothing."""
    result = ImportResult()
    names = list(dict.fromkeys(row.agency for row in rows))
    existing = {
        a.name: a
        for a in db.session.scalars(
            sa.select(Agency)
            .where(Agency.name.in_(names))
            .options(selectinload(Agency.memberships), selectinload(Agency.contacts))
        )
    }
    for name in names:
        agency_rows = [r for r in rows if r.agency == name]
        head = agency_rows[0]
        ministry_id = head.ministry.id if head.ministry is not None else None
        agency = existing.get(name)
        if agency is None:
            agency = Agency(
                name=name,
                kind=head.kind,
                ministry_id=ministry_id,
                city=head.city or "",
                prefecture_id=head.prefecture.id if head.prefecture is not None else None,
            )
            db.session.add(agency)
            result.agencies_created += 1
        else:
            changed = False
            for attr, value in (("kind", head.kind), ("ministry_id", ministry_id)):
                if getattr(agency, attr) != value:
                    setattr(agency, attr, value)
                    changed = True
            if "city" in head.present and agency.city != head.city:
                agency.city = head.city
                changed = True
            prefecture_id = head.prefecture.id if head.prefecture is not None else None
            if "prefecture" in head.present and agency.prefecture_id != prefecture_id:
                agency.prefecture_id = prefecture_id
                changed = True
            result.agencies_updated += changed
        seen = set()
        for row in agency_rows:
            if row.block is None or (row.block.id, row.first_fy) in seen:
                continue
            seen.add((row.block.id, row.first_fy))
            _apply_membership(agency, row, result)
        done = set()
        for row in agency_rows:
            if row.contact is None or row.contact[0] in done:
                continue
            done.add(row.contact[0])
            _apply_contact(agency, row.contact, result)
    db.session.flush()
    return result


def _apply_membership(agency: Agency, row: Row, result: ImportResult) -> None:
    membership = next(
        (
            m
            for m in agency.memberships
            if m.block_id == row.block.id and m.first_fy == row.first_fy
        ),
        None,
    )
    if membership is None:
        agency.memberships.append(
            Membership(
                block_id=row.block.id,
                first_fy=row.first_fy,
                last_fy=row.last_fy,
                is_secretariat=bool(row.secretariat),
            )
        )
        result.memberships_created += 1
        return
    changed = False
    if "last_fy" in row.present and membership.last_fy != row.last_fy:
        membership.last_fy = row.last_fy
        changed = True
    if row.secretariat is not None and membership.is_secretariat != row.secretariat:
        membership.is_secretariat = row.secretariat
        changed = True
    result.memberships_updated += changed


def _apply_contact(agency: Agency, values: tuple, result: ImportResult) -> None:
    name, title, email, phone = values
    contact = next((c for c in agency.contacts if c.name == name), None)
    if contact is None:
        agency.contacts.append(
            Contact(name=name, title=title or "", email=email or "", phone=phone or "")
        )
        result.contacts_created += 1
        return
    changed = False
    for attr, value in (("title", title), ("email", email), ("phone", phone)):
        if value is not None and getattr(contact, attr) != value:
            setattr(contact, attr, value)
            changed = True
    result.contacts_updated += changed
