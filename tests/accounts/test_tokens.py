"""API tokens on the profile page: issued and shown once, listed by prefix, revocable."""

import re

import sqlalchemy as sa

from council.accounts.models import ApiToken
from council.audit.models import AuditEntry
from council.extensions import db


def _issue(client, name="Excel集計"):
    response = client.post("/profile/tokens", data={"name": name})
    assert response.status_code == 201
    return re.search(r'id="new-token"[^>]*value="(bc_[^"]+)"', response.get_data(as_text=True))[1]


def test_token_is_shown_once_listed_by_prefix_and_works(client, login_as, app, hq):
    login_as(hq)
    token = _issue(client)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.changes.is_not(None)).order_by(AuditEntry.id.desc())
    ).first()
    assert (entry.object_type, entry.object_id) == ("User", hq.id)
    assert entry.changes["api_token"] == [None, f"{token[:10]}… 発行"]
    page = client.get("/profile").get_data(as_text=True)
    assert token not in page
    assert token[:10] in page and "Excel集計" in page and "未使用" in page
    bearer = app.test_client()
    assert bearer.get("/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken)).last_used_at is not None
    assert "未使用" not in client.get("/profile").get_data(as_text=True)


def test_revoked_token_is_refused(client, login_as, app, hq):
    login_as(hq)
    token = _issue(client)
    row = db.session.scalar(sa.select(ApiToken))
    response = client.post(f"/profile/tokens/{row.id}/revoke")
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert "失効させました" in page and "有効なAPIトークンはありません" in page
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/profile", headers=headers).status_code == 302


def test_nobody_revokes_someone_elses_token(client, login_as, app, hq, admin):
    login_as(hq)
    token = _issue(client)
    row = db.session.scalar(sa.select(ApiToken))
    other = login_as(admin, c=app.test_client())
    assert other.post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/profile", headers=headers).status_code == 200


def test_token_name_is_validated(client, login_as, hq):
    login_as(hq)
    response = client.post("/profile/tokens", data={"name": "x" * 101})
    assert response.status_code == 400
    assert "100文字以内" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
