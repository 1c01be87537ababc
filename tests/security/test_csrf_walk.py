"""The CSRF walk: every mutating route of the URL map, sent without a CSRF token by each role
(anonymous included), answers 400 with the Japanese explanation, and changes nothing."""

from council.extensions import db
from tests.security.probe_world import ROLES, build_world, clients, fill, fingerprint

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# The one exception (RFC 8058 one-click unsubscribe from a mail client, which sends no CSRF
# token): authorised by its signed token instead, so a forged one answers 404.
EXEMPT = {"notices.unsubscribe"}


def test_every_mutating_route_refuses_a_missing_token(app, make_user, make_activity):
    world = build_world(make_user, make_activity)
    by_role = clients(app, world)
    rules = [r for r in app.url_map.iter_rules() if r.methods & MUTATING]
    assert len(rules) >= 40  # the walk really covers the routes
    assert {r.endpoint for r in rules} >= EXEMPT
    meeting_id = world["meeting"].id
    db.session.expire_all()
    before = fingerprint()
    for role in ROLES:
        client = by_role[role]
        for rule in rules:
            url = fill(rule, meeting_id)
            for method in sorted(rule.methods & MUTATING):
                if rule.endpoint in EXEMPT:
                    forged = client.open(
                        url, method=method, data={"List-Unsubscribe": "One-Click"}, csrf=False
                    )
                    assert forged.status_code == 404, (role, url, forged.status_code)
                    continue
                response = client.open(
                    url,
                    method=method,
                    data={"title": "CSRF", "reason": "x", "comment": "x"},
                    csrf=False,
                )
                assert response.status_code == 400, (role, method, url, response.status_code)
                assert "セキュリティ確認に失敗しました" in response.get_data(as_text=True), url
    db.session.expire_all()
    assert fingerprint() == before


def test_the_same_walk_with_a_token_reaches_the_views(app, make_user, make_activity):
    """The control: with a token, the routes answer something else than the CSRF refusal,
    so the walk above tests the token and not a URL that never matched."""
    world = build_world(make_user, make_activity)
    admin = clients(app, world)["admin"]
    meeting_id = world["meeting"].id
    reached = 0
    rules = [r for r in app.url_map.iter_rules() if r.methods & MUTATING]
    for rule in rules:
        if rule.endpoint in ("accounts.logout", "accounts.login"):
            continue
        response = admin.post(fill(rule, meeting_id), data={})
        assert "セキュリティ確認に失敗しました" not in response.get_data(as_text=True), rule.rule
        reached += 1
    assert reached >= 40
