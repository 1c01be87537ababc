"""Role × block × action: every state-changing route, called as every role."""

import importlib
import pkgutil

import pytest

from council.extensions import db
from tests.matrix.framework import ROLES, World


def _all_cases():
    cases = []
    import tests.matrix as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"tests.matrix.{info.name}")
            cases.extend(module.CASES)
    return cases


CASES = _all_cases()


@pytest.fixture
def world(make_user, make_activity):
    users = {
        "member": make_user(role="member", agency="関東総合通信局", email="member@example.test"),
        "member_other": make_user(
            role="member", agency="近畿総合通信局", email="member-other@example.test"
        ),
        "sec_own": make_user(role="secretariat", block="kanto", email="sec-kanto@example.test"),
        "sec_other": make_user(role="secretariat", block="kinki", email="sec-kinki@example.test"),
        "hq": make_user(role="hq", email="hq@example.test"),
        "admin": make_user(role="admin", email="admin@example.test"),
    }
    return World(users=users, factories={"make_user": make_user, "make_activity": make_activity})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_route_access(case, role, world, client, login_as):
    if case.setup:
        case.setup(world)
        db.session.commit()
    url = case.url(world)
    data = case.data(world) if case.data else {}
    if case.files:
        data = {**data, **case.files(world)}
    before = case.state(world) if case.state else None
    db.session.expire_all()
    if role != "anonymous":
        login_as(world.users[role])
    response = client.open(url, method=case.method, data=data)
    db.session.expire_all()
    if role in case.allowed:
        assert response.status_code in case.ok, (
            f"{case.name} as {role}: {response.status_code} {response.get_data(as_text=True)[:800]}"
        )
        if case.changed:
            case.changed(world)
        return
    if role == "anonymous":
        if case.anonymous == "login":
            assert response.status_code == 302, f"{case.name}: {response.status_code}"
            assert "/login" in response.headers["Location"]
        else:
            assert response.status_code == case.anonymous
    else:
        assert response.status_code in (403, 404), f"{case.name} as {role}: {response.status_code}"
    if case.state:
        assert case.state(world) == before, f"{case.name} as {role} changed the database"


def test_every_post_route_is_in_the_matrix(app):
    """A state-changing route that no case covers fails here: deny by default, tested."""
    covered = {c.name.split("[")[0] for c in CASES}
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and rule.endpoint not in EXEMPT
    }
    missing = sorted(endpoints - covered)
    assert not missing, f"state-changing routes without matrix cases: {missing}"


# Routes anyone may POST to by design (they act on the caller's own session only).
EXEMPT = {"accounts.login", "accounts.logout"}
# The caller's own notices and settings; unsubscribe is authorised by its signed token
# (tests/notices/test_unsubscribe.py covers forgery).
EXEMPT |= {"notices.read", "notices.settings", "notices.unsubscribe"}
