"""The contracts other programs and people rely on, held still across restructuring: the URL map
with its methods, the CLI commands and their options, the keys of every JSON API answer on
fixture data and the header row of every CSV export. The snapshot is tests/contracts.json;
a deliberate change of a contract regenerates it with COUNCIL_UPDATE_CONTRACTS=1 and shows in
the diff."""

import csv
import io
import json
import os
from pathlib import Path

import click
import pytest

from council.accounts.services import issue_api_token
from council.extensions import db
from tests.portal import factories

SNAPSHOT = Path(__file__).with_name("contracts.json")


def url_map(app) -> list[str]:
    """Every URL rule with its methods (endpoint names are internal: a view may move)."""
    return sorted(
        f"{rule.rule} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"
        for rule in app.url_map.iter_rules()
    )


def cli_commands(app) -> dict:
    def walk(command, path):
        found = {}
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                found.update(walk(command.commands[name], f"{path} {name}".strip()))
            return found
        found[path] = sorted(
            " ".join(sorted(param.opts)) + (" (flag)" if getattr(param, "is_flag", False) else "")
            for param in command.params
            if param.name != "help"
        )
        return found

    builtin = {"routes", "run", "shell"}
    return {
        name: options
        for name, options in walk(app.cli, "").items()
        if name.split()[0] not in builtin
    }


def keys(value):
    """The key structure of a JSON value: objects by their keys, lists by their items."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        merged = {}
        for item in value:
            shape = keys(item)
            if isinstance(shape, dict):
                merged.update(shape)
        return [merged] if merged else []
    return None


@pytest.fixture
def fixture_data(make_activity, make_user, seeded):
    make_activity(
        block="kanto", category="council", status="held", visibility="public", participants=32
    )
    make_activity(block="kinki", category="briefing", start="2007-12-05 10:00")
    factories.measure()
    factories.facility()
    factories.theme()
    factories.news()
    db.session.commit()


API = [
    "/api/v1/activities?fy=2007",
    "/api/v1/reports/fy/2007",
    "/api/v1/submissions/2007",
    "/api/v1/funding/2007",
    "/api/v1/network/kyushu?from=2007&to=2007",
    "/api/v1/portal/search?q=燃料電池",
]

CSV = [
    "/directory.csv",
    "/activities/export.csv?fy=2007",
    "/activities/import/template.csv",
    "/reports/fy/2007.csv",
    "/analysis/funding/2007.csv",
    "/analysis/network/kyushu.csv?from=2007&to=2007",
    "/portal/manage/export/measures.csv",
    "/portal/manage/export/facilities.csv",
    "/portal/manage/export/themes.csv",
    "/portal/manage/export/news.csv",
]


def build_contracts(app, client, headers) -> dict:
    api = {}
    for url in API:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        api[url] = keys(response.get_json())
    headers_of = {}
    for url in CSV:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        text = response.get_data(as_text=True).lstrip("\ufeff")
        headers_of[url] = next(csv.reader(io.StringIO(text)))
    return {
        "urls": url_map(app),
        "cli": cli_commands(app),
        "api": api,
        "csv_headers": headers_of,
    }


def test_the_contracts_are_unchanged(app, client, fixture_data, make_user, login_as):
    admin = make_user(role="admin")
    token = issue_api_token(admin, "contracts")
    db.session.commit()
    login_as(admin)
    found = build_contracts(app, client, {"Authorization": f"Bearer {token}"})
    if os.environ.get("COUNCIL_UPDATE_CONTRACTS") == "1":
        SNAPSHOT.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    for part in ("urls", "cli", "api", "csv_headers"):
        assert found[part] == expected[part], part
