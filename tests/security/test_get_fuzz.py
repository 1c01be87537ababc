"""The GET fuzz: every GET route of the URL map, with odd ids (up to 2^64), odd dates, negative
and huge paging, NUL and 0xFF bytes and 5,000-character values, for the public and for each
role, answers without a server error. Run on both databases (PostgreSQL refuses NUL bytes,
integers beyond 2^31 and impossible dates that SQLite lets through).

Each role first probes each route (`?page=1`), which records the answer and the parameters the
view read. Odd path arguments are sent as every role: the object is loaded, then access decides.
The value matrix (every parameter at once, then each parameter read, with every odd value) is
sent once per route for each distinct (answer, parameters read) among the roles, by the most
privileged role of that group: roles that the route answers alike and whose parameters it reads
alike go through the same parsing, while a role that is refused, or for which the view reads
other parameters, gets the matrix of its own. The routes are split into chunks, one test each,
so that the chunks run side by side under pytest-xdist.
"""

import zlib

import pytest
from flask import request
from flask_login import current_user
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


# The most privileged first: it runs the value matrix for the roles answered alike.
ORDER = ("admin", "secretariat", "member", "anonymous")
CHUNKS = 8


def _get_rules(app):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in ("static", "accounts.logout")
    ]
    return sorted(rules, key=lambda r: r.rule)


def _chunk(rule) -> int:
    return zlib.crc32(rule.rule.encode()) % CHUNKS


def _get(client, url: str, errors: list) -> int | str:
    try:
        # The test app propagates exceptions instead of answering 500.
        status = client.get(url).status_code
    except Exception as exc:  # noqa: BLE001  (collected, reported by the caller)
        status = f"{type(exc).__name__}: {str(exc)[:80]}"
    if not isinstance(status, int) or status >= 500:
        errors.append((status, url[:200]))
    return status


def _probe(client, base: str, errors: list) -> tuple:
    """The answer to the plain page and the parameters the view read to give it."""
    RecordingArgs.seen = set()
    status = _get(client, base + "?page=1", errors)
    return status, tuple(sorted(RecordingArgs.seen))


def fuzz_route(rule, world, by_role: dict, errors: list) -> dict:
    """Fuzzes one route; returns {(answer, parameters read): the role that ran the matrix}."""
    if rule.arguments:
        for role in ORDER:
            for value in INTS:
                _get(by_role[role], fill(rule, value), errors)
            for text in STRINGS:
                _get(by_role[role], fill(rule, real_ids(world), text), errors)
    base = fill(rule, real_ids(world))
    groups: dict = {}
    for role in ORDER:
        groups.setdefault(_probe(by_role[role], base, errors), role)
    for (_status, keys), role in groups.items():
        client = by_role[role]
        # Every parameter at once, with every odd value.
        for value in VALUES:
            _get(client, base + "?" + "&".join(f"{p}={value}" for p in PARAMS), errors)
        # Then one at a time, each parameter the route reads (a view that refuses the first
        # bad parameter would otherwise never look at the next one).
        for key in keys:
            for value in VALUES:
                _get(client, f"{base}?{key}={value}", errors)
    return groups


@pytest.fixture
def prober(app, make_user, make_activity, monkeypatch):
    """The probe world and a client per role, with request.args recording what is read."""
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingArgs)
    world = build_world(make_user, make_activity)
    return world, clients(app, world)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_get_route_answers_a_server_error(app, prober, chunk):
    world, by_role = prober
    rules = [rule for rule in _get_rules(app) if _chunk(rule) == chunk]
    errors: list = []
    for rule in rules:
        fuzz_route(rule, world, by_role, errors)
    assert errors == [], "\n".join(map(str, errors))


def test_the_chunks_cover_the_url_map_and_the_probes_see_the_filters_read(app, prober):
    world, by_role = prober
    rules = _get_rules(app)
    assert len(rules) >= 45
    assert {_chunk(rule) for rule in rules} == set(range(CHUNKS))
    errors: list = []
    for role in ORDER:
        read = set()
        for rule in rules:
            read.update(_probe(by_role[role], fill(rule, real_ids(world)), errors)[1])
        # The recording saw the views read their filters, whoever asks.
        assert {"q", "page", "block"} <= read, role
    assert errors == []


def test_a_server_error_that_only_one_role_reaches_is_found(
    app, make_user, make_activity, monkeypatch
):
    """The matrix runs once per group of roles answered alike: a view that reads a parameter
    for the secretariat only, and breaks on a long value of it, still fails the fuzz."""

    @app.get("/fuzz-probe-only")
    def fuzz_probe_only():
        # The parameter is read (and recorded) for the secretariat only.
        is_secretariat = current_user.is_authenticated and current_user.role == "secretariat"
        if is_secretariat and len(request.args.get("page", "")) > 1000:
            raise RuntimeError("a secretariat-only parse error")
        return "ok"

    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingArgs)
    world = build_world(make_user, make_activity)
    by_role = clients(app, world)
    rule = next(r for r in app.url_map.iter_rules() if r.rule == "/fuzz-probe-only")
    errors: list = []
    groups = fuzz_route(rule, world, by_role, errors)
    assert groups == {(200, ()): "admin", (200, ("page",)): "secretariat"}
    assert errors and all(str(s).startswith("RuntimeError") for s, _url in errors)
    # Both through every parameter at once and through the one parameter it reads.
    assert any(url.startswith("/fuzz-probe-only?q=") for _s, url in errors)
    assert any(url.startswith("/fuzz-probe-only?page=xxx") for _s, url in errors)
