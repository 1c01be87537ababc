"""One demo login per role, created idempotently."""

import sqlalchemy as sa

from council.accounts.demo_logins import DEMO_PASSWORD, ensure_demo_logins
from council.accounts.models import User
from council.audit.models import AuditEntry
from council.extensions import db


def test_demo_logins_cover_every_role_and_log_in(seeded, client):
    logins = ensure_demo_logins()
    db.session.commit()
    assert [role for role, _, _ in logins] == [
        "admin",
        "hq",
        "secretariat",
        "secretariat",
        "member",
    ]
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users["kanto@demo.example.jp"].block.code == "kanto"
    assert users["kinki@demo.example.jp"].block.code == "kinki"
    assert users["member@demo.example.jp"].agency.name == "関東総合通信局"
    for _, email, password in logins:
        assert password == DEMO_PASSWORD
        c = client.application.test_client()
        assert c.post("/login", data={"email": email, "password": password}).status_code == 302


def test_demo_logins_are_idempotent_and_repair_a_changed_password(seeded):
    from council.accounts.services import deactivate_user, set_password

    ensure_demo_logins()
    db.session.commit()
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    ensure_demo_logins()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == entries
    member = db.session.scalar(sa.select(User).where(User.email == "member@demo.example.jp"))
    set_password(member, "something-else-entirely")
    deactivate_user(member)
    db.session.commit()
    ensure_demo_logins()
    db.session.commit()
    from council.accounts.passwords import verify_password

    assert member.is_active
    assert verify_password(member.password_hash, DEMO_PASSWORD)
