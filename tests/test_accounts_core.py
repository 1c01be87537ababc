"""Login, server-side sessions and throttling."""

import sqlalchemy as sa

from council.accounts.models import LoginAttempt
from council.extensions import db


def test_login_and_logout_end_the_server_side_session(client, login_as, hq):
    login_as(hq)
    assert client.get("/profile").status_code == 200
    with client.session_transaction() as sess:
        copied = dict(sess)
    client.post("/logout")
    assert client.get("/profile").status_code == 302
    # A copy of the old cookie is worthless once the session row is revoked.
    with client.session_transaction() as sess:
        sess.update(copied)
    assert client.get("/profile").status_code == 302


def test_wrong_password_is_refused_in_japanese(client, hq):
    response = client.post("/login", data={"email": hq.email, "password": "wrong"})
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません" in response.get_data(as_text=True)
    assert hq.email in response.get_data(as_text=True)  # what was typed stays in the form


def test_sixth_attempt_is_refused_even_with_the_right_password(client, hq):
    for _ in range(5):
        assert (
            client.post("/login", data={"email": hq.email, "password": "nope"}).status_code == 401
        )
    response = client.post("/login", data={"email": hq.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "しばらくログインできません" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    refused = db.session.scalar(
        sa.select(sa.func.count()).where(LoginAttempt.email == hq.email, LoginAttempt.is_refused)
    )
    assert refused == 1


def test_post_without_csrf_token_is_refused(client, login_as, hq):
    login_as(hq)
    response = client.post("/logout", csrf=False)
    assert response.status_code == 400
    assert client.get("/profile").status_code == 200
