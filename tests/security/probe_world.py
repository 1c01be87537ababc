"""A small world for the URL-map probes: one object of every kind the routes name, and a
client signed in as each role. Shared by the CSRF walk and the GET fuzz test."""

import hashlib

import sqlalchemy as sa

from council.extensions import db
from tests.factories import DEFAULT_PASSWORD

ROLES = ("anonymous", "member", "secretariat", "hq", "admin")


def build_world(make_user, make_activity):
    from council.accounts.services import issue_api_token
    from council.minutes.models import Minutes

    users = {
        "member": make_user(role="member", agency="関東総合通信局"),
        "secretariat": make_user(role="secretariat", block="kanto"),
        "hq": make_user(role="hq"),
        "admin": make_user(role="admin"),
    }
    meeting = make_activity(
        status="held", visibility="members", participants_of=["関東総合通信局"], participants=9
    )
    db.session.add(Minutes(activity_id=meeting.id, status="draft", discussion="議事"))
    issue_api_token(users["admin"], "probe")
    db.session.commit()
    return {"users": users, "meeting": meeting}


def clients(app, world):
    out = {"anonymous": app.test_client()}
    for role, user in world["users"].items():
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, role
        out[role] = client
    return out


def fill(rule, value_for_int, value_for_str="kanto"):
    """The rule's path with every argument replaced (by hand: url_for refuses odd values)."""
    path = rule.rule
    for name, conv in rule._converters.items():
        cls = type(conv).__name__
        if cls == "AnyConverter":
            text = "record"
            path = path.replace(f"<any(record, plan):{name}>", text)
            continue
        if conv.regex == r"\d+":
            value = value_for_int(name) if callable(value_for_int) else value_for_int
            path = path.replace(f"<int:{name}>", str(value))
        elif cls == "PathConverter":
            path = path.replace(f"<path:{name}>", value_for_str)
        else:
            path = path.replace(f"<{name}>", value_for_str)
    return path


def real_ids(world):
    """For each URL argument, a value that names something real: the meeting, FY2007, the
    first version, and the first row of the reference data."""
    named = {"activity_id": world["meeting"].id, "year": 2007, "first": 2005, "last": 2007}
    return lambda name: named.get(name, 1)


def fingerprint() -> str:
    """A digest of every row of every table but the login bookkeeping (a signed-in request
    touches its session row's last_seen_at; that is not a change of the records)."""
    digest = hashlib.sha256()
    skip = {"user_sessions", "login_attempts"}
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        order = [c for c in table.primary_key.columns] or list(table.columns)
        rows = db.session.execute(sa.select(table).order_by(*order)).all()
        digest.update(table.name.encode())
        digest.update(repr([tuple(r) for r in rows]).encode())
    return digest.hexdigest()
