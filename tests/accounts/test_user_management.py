"""User management: admin manages everyone, a secretariat the member accounts of its block."""

import sqlalchemy as sa

from council.accounts.models import User
from council.audit.models import AuditEntry
from council.directory.models import Agency
from council.extensions import db


def _agency_id(name):
    return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))


def _user(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _password_from(response) -> str:
    html = response.get_data(as_text=True)
    marker = (
        'id="initial-password" class="field__input token-once__value" type="text" readonly value="'
    )
    return html.split(marker)[1].split('"')[0]


def test_admin_creates_a_secretariat_whose_initial_password_is_shown_once(
    client, login_as, app, admin
):
    login_as(admin)
    from council.directory.models import Block

    kinki = db.session.scalar(sa.select(Block).where(Block.code == "kinki"))
    response = client.post(
        "/users/new",
        data={
            "email": "Tanaka@Kinki.example.jp",
            "name": "田中 花子",
            "role": "secretariat",
            "block_id": str(kinki.id),
        },
    )
    assert response.status_code == 201
    password = _password_from(response)
    assert len(password) >= 16
    user = _user("tanaka@kinki.example.jp")
    assert (user.role, user.block.code) == ("secretariat", "kinki")
    # Not shown again anywhere.
    page = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert password not in page
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": password}).status_code == 302


def test_secretariat_creates_member_of_its_block_only(client, login_as, secretariat):
    login_as(secretariat)
    form = client.get("/users/new").get_data(as_text=True)
    assert "関東総合通信局" in form
    assert "近畿総合通信局" not in form  # another block's agency is not offered
    response = client.post(
        "/users/new",
        data={
            "email": "m@kanto.example.jp",
            "name": "山本 次郎",
            "role": "member",
            "agency_id": str(_agency_id("関東総合通信局")),
            "password": "chosen-password-123",
        },
    )
    assert response.status_code == 201
    assert "指定されたパスワードを設定しました" in response.get_data(as_text=True)
    # Asking for another block's agency or a higher role is someone else's scope: 403.
    for data in (
        {"role": "member", "agency_id": str(_agency_id("近畿総合通信局"))},
        {"role": "hq"},
        {"role": "admin"},
    ):
        response = client.post("/users/new", data={"email": "x@example.jp", "name": "x", **data})
        assert response.status_code == 403, data
    assert _user("x@example.jp") is None


def test_form_errors_are_japanese_and_keep_what_was_typed(make_user, client, login_as, admin):
    make_user(role="hq", email="taken@example.jp")
    login_as(admin)
    response = client.post(
        "/users/new", data={"email": "new@example.jp", "name": "入力 保持", "role": "member"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "構成機関のユーザーには所属機関を選択してください" in html
    assert 'value="入力 保持"' in html and 'value="new@example.jp"' in html
    response = client.post(
        "/users/new", data={"email": "taken@example.jp", "name": "重複", "role": "hq"}
    )
    assert response.status_code == 400
    assert "taken@example.jp は既に登録されています" in response.get_data(as_text=True)
    response = client.post(
        "/users/new", data={"email": "bad\x00@example.jp", "name": "x", "role": "hq"}
    )
    assert response.status_code == 400
    assert "制御文字" in response.get_data(as_text=True)


def test_secretariat_lists_and_manages_only_its_blocks_members(
    make_user, client, login_as, secretariat
):
    own = make_user(role="member", agency="関東総合通信局", email="own@example.jp")
    other = make_user(role="member", agency="近畿総合通信局", email="other@example.jp")
    colleague = make_user(role="secretariat", block="kanto", email="colleague@example.jp")
    admin = make_user(role="admin", email="admin@example.jp")
    login_as(secretariat)
    listing = client.get("/users").get_data(as_text=True)
    assert "own@example.jp" in listing
    for hidden in ("other@example.jp", "colleague@example.jp", "admin@example.jp"):
        assert hidden not in listing
    assert client.get(f"/users/{own.id}/edit").status_code == 200
    for user in (other, colleague, admin):
        assert client.get(f"/users/{user.id}/edit").status_code == 403
        response = client.post(f"/users/{user.id}/deactivate")
        assert response.status_code == 403
        assert _user(user.email).is_active


def test_member_and_hq_cannot_manage_users(make_user, client, login_as, member):
    for role in ("member", "hq"):
        c = login_as(make_user(role=role), c=client.application.test_client())
        assert c.get("/users").status_code == 403
        assert c.get("/users/new").status_code == 403
        assert c.post(f"/users/{member.id}/deactivate").status_code == 403


def test_edit_user_changes_are_audited_field_by_field(make_user, client, login_as, admin):
    target = make_user(role="member", agency="関東総合通信局", name="旧 氏名")
    login_as(admin)
    response = client.post(
        f"/users/{target.id}/edit",
        data={
            "email": target.email,
            "name": "新 氏名",
            "role": "member",
            "agency_id": str(_agency_id("関東経済産業局")),
        },
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "User",
            AuditEntry.object_id == target.id,
            AuditEntry.action == "update",
        )
    ).one()
    assert entry.changes["name"] == ["旧 氏名", "新 氏名"]
    assert entry.changes["agency_id"] == [
        _agency_id("関東総合通信局"),
        _agency_id("関東経済産業局"),
    ]
    page = client.get(f"/users/{target.id}/edit").get_data(as_text=True)
    assert "旧 氏名" in page and "関東経済産業局" in page  # readable history on the page


def test_admin_cannot_demote_or_deactivate_themselves(make_user, client, login_as):
    admin = make_user(role="admin", email="admin@example.jp")
    login_as(admin)
    response = client.post(
        f"/users/{admin.id}/edit",
        data={"email": admin.email, "name": admin.name, "role": "hq"},
    )
    assert response.status_code == 400
    assert "自分自身の役割は変更できません" in response.get_data(as_text=True)
    response = client.post(f"/users/{admin.id}/deactivate")
    assert response.status_code == 409
    assert "自分自身を無効にすることはできません" in response.get_data(as_text=True)
    assert _user("admin@example.jp").role == "admin"
    assert _user("admin@example.jp").is_active


def test_deactivated_users_old_cookie_and_api_token_are_refused(
    make_user, client, login_as, app, secretariat
):
    from council.accounts import services

    member = make_user(role="member", agency="関東総合通信局", email="leaver@example.jp")
    token = services.issue_api_token(member, "excel")
    db.session.commit()
    member_client = login_as(member, c=app.test_client())
    assert member_client.get("/profile").status_code == 200
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/profile", headers=bearer).status_code == 200

    login_as(secretariat)
    response = client.post(f"/users/{member.id}/deactivate", data={"reason": "退職"})
    assert response.status_code == 302

    assert member_client.get("/profile").status_code == 302  # the old cookie is dead
    assert app.test_client().get("/profile", headers=bearer).status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_id == member.id,
            AuditEntry.object_type == "User",
            AuditEntry.action == "update",
        )
    ).all()[-1]
    assert entry.changes["is_active_user"] == [True, False]
    assert entry.reason == "退職"
    # Reactivated, the user logs in again, but the revoked token stays revoked.
    assert client.post(f"/users/{member.id}/reactivate").status_code == 302
    assert app.test_client().get("/profile", headers=bearer).status_code == 302
    login_as(member, c=app.test_client())


def test_post_without_csrf_is_refused_and_changes_nothing(make_user, client, login_as, admin):
    target = make_user(role="member", agency="関東総合通信局", email="t@example.jp")
    login_as(admin)
    response = client.post(f"/users/{target.id}/deactivate", csrf=False)
    assert response.status_code == 400
    assert _user("t@example.jp").is_active
    response = client.post(
        f"/users/{target.id}/edit",
        data={
            "email": "t@example.jp",
            "name": "変更",
            "role": "member",
            "agency_id": str(target.agency_id),
        },
        csrf=False,
    )
    assert response.status_code == 400
    assert _user("t@example.jp").name != "変更"


def test_reset_password_shows_a_new_one_and_ends_sessions(
    make_user, client, login_as, app, secretariat
):
    member = make_user(role="member", agency="関東総合通信局", email="forgot@example.jp")
    member_client = login_as(member, c=app.test_client())
    login_as(secretariat)
    response = client.post(f"/users/{member.id}/reset-password")
    assert response.status_code == 200
    password = _password_from(response)
    assert member_client.get("/profile").status_code == 302
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"email": member.email, "password": "correct-horse-battery"}
        ).status_code
        == 401
    )
    assert (
        fresh.post("/login", data={"email": member.email, "password": password}).status_code == 302
    )
