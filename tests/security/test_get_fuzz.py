"""The GET fuzz: every GET route of the URL map, with odd ids (up to 2^64), odd dates, negative
and huge paging, NUL and 0xFF bytes and 5,000-character values, for the public and for each
role, answers without a server error. Run on both databases (PostgreSQL refuses NUL bytes,
integers beyond 2^31 and impossible dates that SQLite lets through)."""

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from tests.security.probe_world import build_world, clients, fill, real_ids

INTS = [0, 1, 2**31 - 1, 2**31, 2**63, 2**64]
STRINGS = ["kanto", "%00", "%FF", "%E3%81", "a" * 5000, "..%2F..%2Fetc", "ｋａｎｔｏ"]
PARAMS = [
    "q", "page", "per_page", "limit", "offset", "fy", "year", "month", "date", "view", "block",
    "category", "agency", "kind", "status", "measure", "state", "role", "actor", "object_type",
    "object_id", "date_from", "date_to", "first", "last", "part", "revision", "pva_block", "next",
]  # fmt: skip
VALUES = [
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    str(2**63),
    "2007-02-30",
    "2007-13-01",
    "0000-00-00",
    "9999-12-31",
    "H19.11.28",
    "%00",
    "%FF",
    "a%00b",
    "%FE%FF",
    "x" * 5000,
    "%E3%81%82" * 1700,
]


class RecordingArgs(ImmutableMultiDict):
    """request.args that notes which parameters a view reads, so that each route is fuzzed on
    the parameters it actually uses."""

    seen: set[str] = set()

    def get(self, key, *args, **kwargs):
        RecordingArgs.seen.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        RecordingArgs.seen.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        RecordingArgs.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.seen.add(key)
        return super().__contains__(key)


def _get_rules(app):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in ("static", "accounts.logout")
    ]
    return sorted(rules, key=lambda r: r.rule)


@pytest.mark.parametrize("role", ["anonymous", "member", "secretariat", "admin"])
def test_no_get_route_answers_a_server_error(app, make_user, make_activity, monkeypatch, role):
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingArgs)
    world = build_world(make_user, make_activity)
    client = clients(app, world)[role]
    rules = _get_rules(app)
    assert len(rules) >= 45
    errors = []
    read = set()

    def get(url):
        try:
            # The test app propagates exceptions instead of answering 500.
            status = client.get(url).status_code
        except Exception as exc:  # noqa: BLE001  (collected, reported below)
            status = f"{type(exc).__name__}: {str(exc)[:80]}"
        if not isinstance(status, int) or status >= 500:
            errors.append((status, url[:200]))

    for rule in rules:
        # Odd path arguments.
        if rule.arguments:
            for value in INTS:
                get(fill(rule, value))
            for text in STRINGS:
                get(fill(rule, real_ids(world), text))
        base = fill(rule, real_ids(world))
        # Every parameter at once, with every odd value.
        for value in VALUES:
            get(base + "?" + "&".join(f"{p}={value}" for p in PARAMS))
        # Then one at a time, each parameter the route reads (a view that refuses the first
        # bad parameter would otherwise never look at the next one).
        RecordingArgs.seen = set()
        get(base + "?page=1")
        keys = sorted(RecordingArgs.seen)
        read.update(keys)
        for key in keys:
            for value in VALUES:
                get(f"{base}?{key}={value}")
    assert errors == [], "\n".join(map(str, errors))
    assert {"q", "page", "block"} <= read  # the recording saw the views read their filters
