"""Issue 17, item 6: an id beyond what the database stores (≥ 2^31 on PostgreSQL, ≥ 2^63 on
SQLite) answers 404 on every `<int:…>` route, for the anonymous public and for a signed-in
admin, instead of the database driver's overflow error."""

import pytest

HUGE = [2**31, 2**63, 2**64, 10**30]


def _int_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        ints = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if ints:
            yield rule, ints


def _url(rule, ints, value):
    fill = {"code": "kanto", "kind": "record"}
    values = {name: (value if name in ints else fill.get(name, "x")) for name in rule.arguments}
    # Build by hand: url_for would refuse the out-of-range value we mean to send.
    path = rule.rule
    for name in rule._converters:
        text = str(values[name])
        path = path.replace(f"<int:{name}>", text).replace(f"<{name}>", text)
        if name == "kind":
            path = path.replace("<any(record, plan):kind>", text)
    return path


@pytest.mark.parametrize("value", HUGE)
def test_huge_ids_answer_404_everywhere(app, client, login_as, value, admin):
    rules = list(_int_rules(app))
    assert len(rules) > 30  # the walk really covers the id routes
    anonymous = app.test_client()
    login_as(admin)
    for rule, ints in rules:
        url = _url(rule, ints, value)
        if "GET" in rule.methods:
            assert anonymous.get(url).status_code == 404, url
            assert client.get(url).status_code == 404, url
        if "POST" in rule.methods:
            assert client.post(url, data={}).status_code == 404, url


def test_named_examples_from_the_probe(app, seeded):
    anonymous = app.test_client()
    for url in ("/activities/2147483648", "/agencies/2147483648", "/measures/9223372036854775808"):
        assert anonymous.get(url).status_code == 404, url
