"""Every page of accounts, directory and audit renders for the roles that may open it."""

import sqlalchemy as sa

from council.directory.models import Agency, Membership
from council.extensions import db


def test_pages_render_for_each_role(make_user, client, login_as, app, admin, hq, secretariat):
    agency = db.session.scalar(sa.select(Agency).where(Agency.name == "関東総合通信局"))
    member = make_user(role="member", agency="関東総合通信局", email="m@example.jp")
    membership = db.session.scalar(sa.select(Membership).where(Membership.agency_id == agency.id))
    # Some history to show.
    agency.city = "さいたま市中央区"
    db.session.commit()
    pages = {
        "/profile": {"admin", "hq", "secretariat", "member"},
        "/users": {"admin", "secretariat"},
        "/users/new": {"admin", "secretariat"},
        f"/users/{member.id}/edit": {"admin", "secretariat"},
        "/audit/": {"admin", "hq", "secretariat"},
        "/audit/?object_type=Agency&block=kanto&actor=a&date_from=2007-04-01": {
            "admin",
            "hq",
            "secretariat",
        },
        "/blocks": {"admin", "hq", "secretariat", "member"},
        "/blocks/kanto?fy=2007": {"admin", "hq", "secretariat", "member"},
        f"/agencies/{agency.id}": {"admin", "hq", "secretariat", "member"},
        f"/agencies/{agency.id}/edit": {"admin", "secretariat"},
        "/agencies/new?block=kanto": {"admin", "secretariat"},
        "/blocks/kanto/members/new": {"admin", "secretariat"},
        f"/memberships/{membership.id}/edit": {"admin", "secretariat"},
        f"/agencies/{agency.id}/contacts/new": {"admin", "secretariat"},
        f"/contacts/{agency.contacts[0].id}/edit": {"admin", "secretariat"},
        "/directory/import": {"admin", "secretariat"},
        "/directory.csv?block=kanto": {"admin", "hq", "secretariat", "member"},
    }
    users = {
        "admin": admin,
        "hq": hq,
        "secretariat": secretariat,
        "member": make_user(role="member", agency="関東総合通信局"),
    }
    for role, user in users.items():
        c = login_as(user, c=app.test_client())
        for url, allowed in pages.items():
            response = c.get(url)
            expected = 200 if role in allowed else 403
            assert response.status_code == expected, (role, url, response.status_code)
    anonymous = app.test_client()
    assert anonymous.get(f"/agencies/{agency.id}").status_code == 200
    assert anonymous.get("/blocks/kanto").status_code == 200
    for url in ("/users", "/audit/", "/directory/import", f"/agencies/{agency.id}/edit"):
        assert anonymous.get(url).status_code == 302, url
