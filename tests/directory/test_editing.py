"""Directory editing: a secretariat maintains its own block's agencies, memberships and
contacts; admin maintains all; every change lands in the audit log, seen by the right people."""

import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.directory.models import Agency, Block, Contact, Membership, Ministry
from council.extensions import db


def _agency(name):
    db.session.expire_all()
    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


def _block(code):
    return db.session.scalar(sa.select(Block).where(Block.code == code))


def _ministry_id(name):
    return db.session.scalar(sa.select(Ministry.id).where(Ministry.name == name))


def _edit_data(agency, **changes):
    data = {
        "name": agency.name,
        "ministry_id": str(agency.ministry_id),
        "kind": agency.kind,
        "city": agency.city,
    }
    return {**data, **changes}


def test_editing_an_agency_is_audited_and_seen_by_hq_and_its_block_only(
    make_user, client, login_as, app, new_audit_entries, hq, secretariat, admin, kinki_secretariat
):
    agency = _agency("関東総合通信局")
    old_city = agency.city
    login_as(make_user(role="secretariat", block="kanto", email="kanto@example.jp"))
    response = client.post(
        f"/agencies/{agency.id}/edit",
        data=_edit_data(agency, city="千代田区", ministry_id=str(_ministry_id("経済産業省"))),
    )
    assert response.status_code == 302
    (entry,) = new_audit_entries(
        AuditEntry.object_type == "Agency", AuditEntry.object_id == agency.id
    )
    assert entry.action == "update"
    assert entry.actor_label == "kanto@example.jp"
    assert entry.changes == {
        "city": [old_city, "千代田区"],
        "ministry_id": [_ministry_id("総務省"), _ministry_id("経済産業省")],
    }

    def audit_page(user):
        c = login_as(user, c=app.test_client())
        return c.get(f"/audit/?object_type=Agency&object_id={agency.id}").get_data(as_text=True)

    for viewer in (
        hq,
        secretariat,
        admin,
    ):
        page = audit_page(viewer)
        assert "関東総合通信局" in page, viewer.role
        # Readable: field names and the ministry by name, old → new.
        assert "所在地" in page and "千代田区" in page and "総務省" in page and "経済産業省" in page
    page = audit_page(kinki_secretariat)
    assert "千代田区" not in page and "該当する記録はありません" in page
    member = login_as(make_user(role="member"), c=app.test_client())
    assert member.get("/audit/").status_code == 403


def test_kanto_secretariat_cannot_touch_kinki(client, login_as, secretariat):
    kinki_agency = _agency("近畿総合通信局")
    login_as(secretariat)
    assert client.get(f"/agencies/{kinki_agency.id}/edit").status_code == 403
    response = client.post(
        f"/agencies/{kinki_agency.id}/edit", data=_edit_data(kinki_agency, city="改ざん")
    )
    assert response.status_code == 403
    assert _agency("近畿総合通信局").city != "改ざん"
    contact = kinki_agency.contacts[0]
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 403
    assert db.session.get(Contact, contact.id) is not None
    assert client.get("/blocks/kinki/members/new").status_code == 403
    # No edit buttons on kinki's pages, but there are on kanto's.
    kinki_page = client.get("/blocks/kinki").get_data(as_text=True)
    assert 'data-action="edit-agency"' not in kinki_page
    assert "新しい機関を登録する" not in kinki_page
    assert 'data-action="edit-agency"' not in client.get(f"/agencies/{kinki_agency.id}").get_data(
        as_text=True
    )
    assert 'data-action="edit-agency"' in client.get("/blocks/kanto").get_data(as_text=True)


def test_hq_reads_but_does_not_edit_the_directory(client, login_as, hq):
    agency = _agency("関東総合通信局")
    login_as(hq)
    assert client.get(f"/agencies/{agency.id}").status_code == 200
    assert client.get(f"/agencies/{agency.id}/edit").status_code == 403
    assert client.get("/agencies/new").status_code == 403


def test_secretariat_registers_an_agency_on_its_roster(
    client, login_as, new_audit_entries, secretariat
):
    login_as(secretariat)
    form = client.get("/agencies/new?block=kanto").get_data(as_text=True)
    assert "近畿" not in form.split('name="block_id"')[1].split("</select>")[0]
    response = client.post(
        "/agencies/new",
        data={
            "name": "JST サテライト茨城",
            "ministry_id": str(_ministry_id("文部科学省")),
            "kind": "iaa",
            "city": "水戸",
            "block_id": str(_block("kanto").id),
            "first_fy": "2007",
        },
    )
    assert response.status_code == 302
    agency = _agency("JST サテライト茨城")
    assert [(m.block.code, m.first_fy, m.last_fy) for m in agency.memberships] == [
        ("kanto", 2007, None)
    ]
    assert "JST サテライト茨城" in client.get("/blocks/kanto?fy=2007").get_data(as_text=True)
    assert "JST サテライト茨城" not in client.get("/blocks/kanto?fy=2006").get_data(as_text=True)
    created = new_audit_entries(AuditEntry.action == "create", AuditEntry.object_type != "User")
    assert {(e.object_type, e.object_label) for e in created} == {
        ("Agency", "JST サテライト茨城"),
        ("Membership", "JST サテライト茨城(関東)"),
    }
    assert all(e.block_ids == f",{_block('kanto').id}," for e in created)


def test_validation_messages_are_japanese_and_keep_the_input(client, login_as, secretariat):
    agency = _agency("関東総合通信局")
    login_as(secretariat)
    response = client.post(
        f"/agencies/{agency.id}/edit", data=_edit_data(agency, name="", city="入力した所在地")
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "機関名を入力してください" in html and 'value="入力した所在地"' in html
    response = client.post(
        f"/agencies/{agency.id}/edit", data=_edit_data(agency, name="関東経済産業局")
    )
    assert response.status_code == 400
    assert "「関東経済産業局」は既に登録されています" in response.get_data(as_text=True)
    response = client.post(f"/agencies/{agency.id}/edit", data=_edit_data(agency, city="a\x00b"))
    assert response.status_code == 400
    assert "制御文字" in response.get_data(as_text=True)
    response = client.post(f"/agencies/{agency.id}/edit", data=_edit_data(agency, city="x" * 41))
    assert response.status_code == 400
    assert "40文字以内" in response.get_data(as_text=True)
    assert _agency("関東総合通信局").name == "関東総合通信局"


def test_a_stale_edit_is_refused_and_keeps_the_users_text(
    client, login_as, app, secretariat, admin
):
    agency = _agency("関東総合通信局")
    login_as(secretariat)
    form = client.get(f"/agencies/{agency.id}/edit").get_data(as_text=True)
    version = form.split('name="version" type="hidden" value="')[1].split('"')[0]
    other = login_as(admin, c=app.test_client())
    other_form = other.get(f"/agencies/{agency.id}/edit").get_data(as_text=True)
    other_loaded = other_form.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert (
        other.post(
            f"/agencies/{agency.id}/edit",
            data=_edit_data(agency, city="先に保存", version=other_loaded),
        ).status_code
        == 302
    )
    response = client.post(
        f"/agencies/{agency.id}/edit",
        data=_edit_data(agency, city="後から保存", version=version),
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "他の利用者がこの機関を先に更新しました" in html and 'value="後から保存"' in html
    assert _agency("関東総合通信局").city == "先に保存"
    # The form now carries the newer version: saving again is deliberate and goes through.
    seen = html.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert seen != version
    response = client.post(
        f"/agencies/{agency.id}/edit",
        data=_edit_data(agency, city="後から保存", version=seen),
    )
    assert response.status_code == 302
    assert _agency("関東総合通信局").city == "後から保存"


def test_post_without_csrf_changes_nothing(client, login_as, secretariat):
    agency = _agency("関東総合通信局")
    login_as(secretariat)
    response = client.post(
        f"/agencies/{agency.id}/edit", data=_edit_data(agency, city="CSRFなし"), csrf=False
    )
    assert response.status_code == 400
    assert client.post(f"/agencies/{agency.id}/deactivate", csrf=False).status_code == 400
    agency = _agency("関東総合通信局")
    assert agency.city != "CSRFなし" and agency.is_active


def test_ending_a_membership_keeps_past_rosters(client, login_as, new_audit_entries, secretariat):
    agency = _agency("関東地方環境事務所")
    membership = agency.memberships[0]
    login_as(secretariat)
    response = client.post(
        f"/memberships/{membership.id}/edit",
        data={"first_fy": "2005", "last_fy": "2007", "reason": "組織再編"},
    )
    assert response.status_code == 302
    assert "関東地方環境事務所" in client.get("/blocks/kanto?fy=2007").get_data(as_text=True)
    assert "関東地方環境事務所" not in client.get("/blocks/kanto?fy=2008").get_data(as_text=True)
    (entry,) = new_audit_entries(AuditEntry.object_type == "Membership")
    assert entry.changes == {"last_fy": [None, 2007]} and entry.reason == "組織再編"
    # Once ended, the agency is no longer kanto's to edit (it left the council).
    assert client.get(f"/agencies/{agency.id}/edit").status_code == 403
    response = client.post(
        f"/memberships/{membership.id}/edit", data={"first_fy": "2005", "last_fy": "2004"}
    )
    assert response.status_code == 400
    assert "参加終了年度は参加開始年度以降" in response.get_data(as_text=True)


def test_secretariat_membership_cannot_be_ended(client, login_as, admin):
    membership = _agency("関東経済産業局").memberships[0]
    login_as(admin)
    response = client.post(
        f"/memberships/{membership.id}/edit", data={"first_fy": "2005", "last_fy": "2007"}
    )
    assert response.status_code == 400
    assert "事務局を務める機関の参加は終了できません" in response.get_data(as_text=True)


def test_adding_another_blocks_agency_and_overlap_check(
    client, login_as, new_audit_entries, secretariat
):
    kinki_agency = _agency("近畿総合通信局")
    login_as(secretariat)
    response = client.post(
        "/blocks/kanto/members/new",
        data={"agency_id": str(kinki_agency.id), "first_fy": "2008"},
    )
    assert response.status_code == 302
    agency = _agency("近畿総合通信局")
    assert agency.block_ids() == {_block("kanto").id, _block("kinki").id}
    # Now a kanto member, kanto's secretariat may edit it.
    assert client.get(f"/agencies/{agency.id}/edit").status_code == 200
    # The same agency again overlaps the current membership.
    form = client.get("/blocks/kanto/members/new").get_data(as_text=True)
    assert f'value="{agency.id}"' not in form
    from council.directory import services

    kanto = _block("kanto")
    try:
        services.add_membership(agency=agency, block=kanto, first_fy=2010)
    except services.DirectoryError as error:
        assert "既に関東ブロックの構成機関です" in str(error)
    else:
        raise AssertionError("overlapping membership accepted")
    # A mistaken membership can be deleted; the audit log keeps what it was.
    extra = db.session.scalar(
        sa.select(Membership).where(
            Membership.agency_id == agency.id, Membership.block_id == kanto.id
        )
    )
    assert client.post(f"/memberships/{extra.id}/delete").status_code == 302
    assert _agency("近畿総合通信局").block_ids() == {_block("kinki").id}
    (deleted,) = new_audit_entries(AuditEntry.action == "delete")
    assert deleted.object_label == "近畿総合通信局(関東)"
    assert deleted.block_ids == f",{kanto.id},"


def test_contacts_add_edit_delete(client, login_as, app, new_audit_entries, secretariat):
    agency = _agency("関東総合通信局")
    login_as(secretariat)
    response = client.post(
        f"/agencies/{agency.id}/contacts/new",
        data={"name": "新任 太郎", "title": "課長", "email": "bad-address", "phone": ""},
    )
    assert response.status_code == 400
    assert "メールアドレスの形式が正しくありません" in response.get_data(as_text=True)
    response = client.post(
        f"/agencies/{agency.id}/contacts/new",
        data={"name": "新任 太郎", "title": "課長", "email": "shinnin@example.go.jp", "phone": ""},
    )
    assert response.status_code == 302
    contact = db.session.scalar(sa.select(Contact).where(Contact.name == "新任 太郎"))
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data={"name": "新任 太郎", "title": "部長", "email": contact.email, "phone": "03-1234"},
    )
    assert response.status_code == 302
    # The agency page shows its history, contacts included, to those who may read the log.
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "変更履歴" in page and "部長" in page
    anonymous = app.test_client().get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "変更履歴" not in anonymous
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 302
    assert db.session.get(Contact, contact.id) is None
    entries = new_audit_entries(AuditEntry.object_type == "Contact")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].changes == {"title": ["課長", "部長"], "phone": ["", "03-1234"]}
    assert all(e.block_ids == f",{_block('kanto').id}," for e in entries)
    assert entries[2].object_label == "関東総合通信局 新任 太郎"


def test_deactivating_an_agency(client, login_as, new_audit_entries, secretariat):
    agency = _agency("埼玉県 産業労働部 産業支援課")
    login_as(secretariat)
    response = client.post(f"/agencies/{agency.id}/deactivate", data={"reason": "県組織改編"})
    assert response.status_code == 302
    agency = _agency("埼玉県 産業労働部 産業支援課")
    assert not agency.is_active
    assert "廃止" in client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    (entry,) = new_audit_entries(AuditEntry.object_type == "Agency")
    assert (entry.changes, entry.reason) == ({"is_active": [True, False]}, "県組織改編")
    # No longer offered for new member accounts.
    assert "埼玉県 産業労働部" not in client.get("/users/new").get_data(as_text=True)
    assert client.post(f"/agencies/{agency.id}/reactivate").status_code == 302
    assert _agency("埼玉県 産業労働部 産業支援課").is_active
