"""Issue 17, item 3: the login throttle as the OWASP authentication guidance describes it.

- 5 failures for one (account, address) pair make that pair wait 15 minutes;
- 20 failures for one account, from any addresses, make the account wait, and the
  administrators see it on the users page and may unlock it;
- failures from one address against other accounts never lock an account that has no
  failure from it;
- refused attempts are not counted, so trying during the wait does not prolong it;
- every wait is announced with the time left.
"""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from council.accounts.models import LoginAttempt
from council.extensions import db

RIGHT = "correct-horse-battery"


def _post(client, email, password, ip="192.0.2.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _fail(client, email, ip="192.0.2.1", times=1):
    for _ in range(times):
        assert _post(client, email, "wrong", ip).status_code == 401


def _age_attempts(minutes, *conditions):
    """Time passes: move the matching attempts `minutes` into the past."""
    rows = db.session.scalars(sa.select(LoginAttempt).where(*conditions)).all()
    for row in rows:
        row.attempted_at = row.attempted_at - timedelta(minutes=minutes)
    db.session.commit()


def _forget_session(client):
    client.post("/logout")


def test_five_failures_lock_the_pair_with_the_time_left(client, hq):
    _fail(client, hq.email, times=5)
    response = _post(client, hq.email, RIGHT)
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "しばらくログインできません" in text
    assert "あと15分" in text
    assert response.headers["Retry-After"] == "900"
    # Ten minutes later, five are left.
    _age_attempts(10)
    response = _post(client, hq.email, RIGHT)
    assert response.status_code == 429
    assert "あと5分" in response.get_data(as_text=True)


def test_the_pair_lock_leaves_the_account_open_from_other_addresses(client, hq):
    _fail(client, hq.email, ip="192.0.2.66", times=5)
    assert _post(client, hq.email, RIGHT, ip="192.0.2.66").status_code == 429
    assert _post(client, hq.email, RIGHT, ip="198.51.100.7").status_code == 302


def test_an_address_guessing_many_accounts_locks_none_it_did_not_try(make_user, client):
    bystander = make_user(role="secretariat")
    # The same office address: 20 failures for other e-mails, known or not.
    for n in range(4):
        _fail(client, f"guess{n}@example.test", times=5)
    assert _post(client, "guess0@example.test", "wrong").status_code == 429
    assert _post(client, bystander.email, RIGHT).status_code == 302


def test_trying_during_the_wait_is_refused_and_not_counted(client, hq):
    _fail(client, hq.email, times=5)
    for _ in range(10):
        assert _post(client, hq.email, "wrong").status_code == 429
    # 16 minutes after the five failures: the refusals during the wait changed nothing.
    _age_attempts(16, LoginAttempt.is_refused.is_(False))
    assert _post(client, hq.email, RIGHT).status_code == 302


def test_a_success_starts_the_pair_count_again(client, hq):
    _fail(client, hq.email, times=4)
    assert _post(client, hq.email, RIGHT).status_code == 302
    _forget_session(client)
    _fail(client, hq.email, times=4)
    assert _post(client, hq.email, RIGHT).status_code == 302


def _lock_account(client, email):
    for n in range(4):
        _fail(client, email, ip=f"198.51.100.{n + 10}", times=5)


def test_twenty_failures_from_several_addresses_lock_the_account(client, hq):
    _lock_account(client, hq.email)
    response = _post(client, hq.email, RIGHT, ip="203.0.113.50")
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "このアカウント" in text and "管理者" in text
    assert re.search(r"あと\d+分", text)
    # An unknown e-mail gets the same answer: the lock tells nothing about who exists.
    _lock_account(client, "nobody@example.test")
    response = _post(client, "nobody@example.test", RIGHT, ip="203.0.113.50")
    assert response.status_code == 429
    assert "このアカウント" in response.get_data(as_text=True)


def test_admin_sees_and_unlocks_a_locked_account(make_user, app, client, login_as, admin):
    victim = make_user(role="secretariat", name="被害 花子")
    other = app.test_client()
    _lock_account(other, victim.email)
    assert _post(other, victim.email, RIGHT, ip="203.0.113.50").status_code == 429

    login_as(admin)
    page = client.get("/users").get_data(as_text=True)
    assert "ログインがロックされているアカウント" in page
    assert victim.email in page
    response = client.post(f"/users/{victim.id}/unlock", data={})
    assert response.status_code == 302
    page = client.get("/users").get_data(as_text=True)
    assert "ログインがロックされているアカウント" not in page

    assert _post(other, victim.email, RIGHT, ip="203.0.113.50").status_code == 302


@pytest.mark.parametrize("role", ["secretariat", "hq", "member"])
def test_only_admins_unlock(make_user, client, login_as, role):
    victim = make_user(role="member")
    _lock_account(client, victim.email)
    login_as(make_user(role=role), c=client)
    assert client.post(f"/users/{victim.id}/unlock", data={}).status_code == 403
    client.post("/logout")
    assert _post(client, victim.email, RIGHT, ip="203.0.113.50").status_code == 429


def test_unlock_needs_a_csrf_token(make_user, client, login_as, admin):
    victim = make_user(role="member")
    _lock_account(client, victim.email)
    login_as(admin, c=client)
    assert client.post(f"/users/{victim.id}/unlock", data={}, csrf=False).status_code == 400
    client.post("/logout")
    assert _post(client, victim.email, RIGHT, ip="203.0.113.50").status_code == 429
