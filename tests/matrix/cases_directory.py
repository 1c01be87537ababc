"""Matrix cases for directory editing: a block's secretariat and the admin maintain the
block's agencies, memberships and contacts; nobody else does."""

import io

import sqlalchemy as sa

from council.directory.models import Agency, Block, Contact, Membership, Ministry
from council.extensions import db
from tests.matrix.framework import Case

MANAGERS = {"sec_own", "admin"}  # every target below belongs to kanto


def _agency(name: str = "関東総合通信局") -> Agency:
    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


def _block_id(code: str) -> int:
    return db.session.scalar(sa.select(Block.id).where(Block.code == code))


def _ministry_id(name: str) -> int:
    return db.session.scalar(sa.select(Ministry.id).where(Ministry.name == name))


def _agency_state(w):
    agency = _agency()
    return (agency.name, agency.city, agency.kind, agency.is_active)


def _membership(w) -> Membership:
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.agency_id == _agency().id, Membership.block_id == _block_id("kanto")
        )
    )


def _second_membership(w) -> None:
    """近畿総合通信局 also sits on kanto (a row a secretariat might enter by mistake)."""
    membership = Membership(
        agency_id=_agency("近畿総合通信局").id, block_id=_block_id("kanto"), first_fy=2007
    )
    db.session.add(membership)
    db.session.flush()
    w.objects["extra"] = membership


def _contact(w) -> None:
    w.objects["contact"] = _agency().contacts[0]


def _contact_state(w):
    contact = db.session.get(Contact, w.contact.id)
    return None if contact is None else (contact.name, contact.title, contact.phone)


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


CSV_ROW = (
    "block,agency,ministry,kind,city,first_fy,contact_name\r\n"
    "kanto,関東テスト機関,総務省,branch,さいたま,2007,試験 一郎\r\n"
).encode()

CASES = [
    Case(
        name="directory.new_agency",
        url=lambda w: "/agencies/new",
        data=lambda w: {
            "name": "関東新設機関",
            "ministry_id": str(_ministry_id("総務省")),
            "kind": "branch",
            "city": "さいたま",
            "block_id": str(_block_id("kanto")),
            "first_fy": "2007",
        },
        allowed=MANAGERS,
        state=lambda w: _count(Agency, Agency.name == "関東新設機関"),
        changed=lambda w: _agency("関東新設機関").block_ids() == {_block_id("kanto")},
    ),
    Case(
        name="directory.edit_agency",
        url=lambda w: f"/agencies/{_agency().id}/edit",
        data=lambda w: {
            "name": "関東総合通信局",
            "ministry_id": str(_agency().ministry_id),
            "kind": "branch",
            "city": "千代田区",
        },
        allowed=MANAGERS,
        state=_agency_state,
        changed=lambda w: _agency().city == "千代田区",
    ),
    Case(
        name="directory.deactivate_agency",
        url=lambda w: f"/agencies/{_agency().id}/deactivate",
        data=lambda w: {"reason": "統合"},
        allowed=MANAGERS,
        state=_agency_state,
        changed=lambda w: not _agency().is_active,
    ),
    Case(
        name="directory.reactivate_agency",
        setup=lambda w: setattr(_agency(), "is_active", False),
        url=lambda w: f"/agencies/{_agency().id}/reactivate",
        allowed=MANAGERS,
        state=_agency_state,
        changed=lambda w: _agency().is_active,
    ),
    Case(
        name="directory.add_membership",
        url=lambda w: "/blocks/kanto/members/new",
        data=lambda w: {"agency_id": str(_agency("近畿総合通信局").id), "first_fy": "2008"},
        allowed=MANAGERS,
        state=lambda w: _count(Membership, Membership.block_id == _block_id("kanto")),
        changed=lambda w: _block_id("kanto") in _agency("近畿総合通信局").block_ids(),
    ),
    Case(
        name="directory.edit_membership",
        url=lambda w: f"/memberships/{_membership(w).id}/edit",
        data=lambda w: {"first_fy": "2005", "last_fy": "2008", "reason": "再編"},
        allowed=MANAGERS,
        state=lambda w: (_membership(w).first_fy, _membership(w).last_fy),
        changed=lambda w: _membership(w).last_fy == 2008,
    ),
    Case(
        name="directory.delete_membership",
        setup=_second_membership,
        url=lambda w: f"/memberships/{w.extra.id}/delete",
        allowed=MANAGERS,
        state=lambda w: _count(Membership, Membership.id == w.extra.id),
        changed=lambda w: _count(Membership, Membership.id == w.extra.id) == 0,
    ),
    Case(
        name="directory.new_contact",
        url=lambda w: f"/agencies/{_agency().id}/contacts/new",
        data=lambda w: {"name": "新任 三郎", "title": "課長", "email": "", "phone": ""},
        allowed=MANAGERS,
        state=lambda w: _count(Contact, Contact.name == "新任 三郎"),
        changed=lambda w: _count(Contact, Contact.name == "新任 三郎") == 1,
    ),
    Case(
        name="directory.edit_contact",
        setup=_contact,
        url=lambda w: f"/contacts/{w.contact.id}/edit",
        data=lambda w: {"name": w.contact.name, "title": "部長", "email": "", "phone": "03-0000"},
        allowed=MANAGERS,
        state=_contact_state,
        changed=lambda w: _contact_state(w)[1] == "部長",
    ),
    Case(
        name="directory.delete_contact",
        setup=_contact,
        url=lambda w: f"/contacts/{w.contact.id}/delete",
        allowed=MANAGERS,
        state=_contact_state,
        changed=lambda w: _contact_state(w) is None,
    ),
    Case(
        # kinki's secretariat gets 403 with the rows it may not import listed.
        name="directory.import_csv",
        url=lambda w: "/directory/import",
        files=lambda w: {"file": (io.BytesIO(CSV_ROW), "directory.csv")},
        allowed=MANAGERS,
        state=lambda w: _count(Agency, Agency.name == "関東テスト機関"),
        changed=lambda w: _agency("関東テスト機関").contacts[0].name == "試験 一郎",
    ),
]
