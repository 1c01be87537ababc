"""`flask users …`: exit codes, stderr on refusal, nothing changed on refusal."""

import sqlalchemy as sa

from council.accounts.models import ApiToken, User
from council.extensions import db


def _users():
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["users", *args])
    db.session.expire_all()
    return result


def test_create_with_a_random_password_prints_one_that_works(seeded, app, client):
    result = _run(
        app,
        "create",
        "--email",
        "Sato@Kanto.example.jp",
        "--role",
        "secretariat",
        "--block",
        "kanto",
        "--name",
        "佐藤 一郎",
    )
    assert result.exit_code == 0, result.output
    password = result.stdout.split("password: ")[1].strip()
    user = db.session.scalar(sa.select(User).where(User.email == "sato@kanto.example.jp"))
    assert (user.role, user.block.code, user.name) == ("secretariat", "kanto", "佐藤 一郎")
    response = client.post("/login", data={"email": "sato@kanto.example.jp", "password": password})
    assert response.status_code == 302


def test_create_member_with_given_password(seeded, app, client):
    result = _run(
        app,
        "create",
        "--email",
        "m@example.jp",
        "--role",
        "member",
        "--agency",
        "関東総合通信局",
        "--password",
        "a-long-enough-password",
    )
    assert result.exit_code == 0, result.output
    assert "password:" not in result.stdout
    user = db.session.scalar(sa.select(User).where(User.email == "m@example.jp"))
    assert user.agency.name == "関東総合通信局"
    assert (
        client.post(
            "/login", data={"email": "m@example.jp", "password": "a-long-enough-password"}
        ).status_code
        == 302
    )


def test_refusals_exit_non_zero_with_reasons_on_stderr_and_change_nothing(seeded, app, make_user):
    make_user(role="hq", email="taken@example.jp")
    before = _users()
    cases = [
        (
            ["--email", "x@example.jp", "--role", "secretariat", "--block", "atlantis"],
            "unknown block",
        ),
        (["--email", "x@example.jp", "--role", "secretariat"], "ブロックが必要"),
        (["--email", "x@example.jp", "--role", "member", "--agency", "架空機関"], "unknown agency"),
        (["--email", "taken@example.jp", "--role", "hq"], "既に登録"),
        (["--email", "x@example.jp", "--role", "hq", "--password", "short"], "at least 12"),
        (["--email", "not-an-email", "--role", "hq"], "not an e-mail"),
        (["--email", "x@example.jp", "--role", "hq", "--block", "kanto"], "secretariat user only"),
    ]
    for args, reason in cases:
        result = _run(app, "create", *args)
        assert result.exit_code != 0, args
        assert reason in result.stderr, (args, result.stderr)
        assert _users() == before


def test_unknown_role_is_refused(seeded, app):
    result = _run(app, "create", "--email", "x@example.jp", "--role", "boss")
    assert result.exit_code != 0
    assert "boss" in result.stderr
    assert _users() == 0


def test_token_prints_a_working_bearer_token(seeded, app, client, make_user):
    user = make_user(role="hq", email="hq@example.jp")
    result = _run(app, "token", "hq@example.jp")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("bc_") and len(token) > 40
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token not in (stored.token_hash, stored.prefix)  # only a hash is kept
    response = client.get("/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_token_for_unknown_or_deactivated_user_is_refused(seeded, app, make_user):
    assert _run(app, "token", "nobody@example.jp").exit_code != 0
    make_user(role="hq", email="hq@example.jp")
    admin = make_user(role="admin", email="admin@example.jp")
    assert admin
    assert _run(app, "deactivate", "hq@example.jp").exit_code == 0
    result = _run(app, "token", "hq@example.jp")
    assert result.exit_code != 0 and "deactivated" in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_deactivate_revokes_tokens(seeded, app, client, make_user):
    make_user(role="admin", email="admin@example.jp")
    make_user(role="hq", email="hq@example.jp")
    token = _run(app, "token", "hq@example.jp").stdout.strip()
    result = _run(app, "deactivate", "hq@example.jp")
    assert result.exit_code == 0
    assert client.get("/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    # The last active admin is never deactivated: nobody could manage users afterwards.
    result = _run(app, "deactivate", "admin@example.jp")
    assert result.exit_code != 0 and "最後のシステム管理者" in result.stderr
    assert db.session.scalar(sa.select(User).where(User.email == "admin@example.jp")).is_active


def test_ensure_admin_creates_the_first_admin_once(seeded, app, client):
    first = _run(app, "ensure-admin")
    assert first.exit_code == 0
    password = first.stdout.split("password: ")[1].strip()
    assert "admin@localhost" in first.stdout
    assert (
        client.post("/login", data={"email": "admin@localhost", "password": password}).status_code
        == 302
    )
    second = _run(app, "ensure-admin")
    assert second.exit_code == 0
    assert "password" not in second.stdout
    assert _users() == 1


def test_password_command_lets_a_locked_out_admin_back_in(seeded, app, client, make_user):
    make_user(role="admin", email="admin@example.jp")
    result = _run(app, "password", "admin@example.jp")
    assert result.exit_code == 0
    password = result.stdout.split("password: ")[1].strip()
    assert (
        client.post("/login", data={"email": "admin@example.jp", "password": password}).status_code
        == 302
    )
