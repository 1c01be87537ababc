"""Issue 17, item 5: every login attempt verifies one password hash, whether or not the e-mail
belongs to an account, so the response time does not tell which e-mails exist. (The timing
itself is measured by bench/login_timing.py.)"""

import pytest
from argon2 import PasswordHasher

from council.extensions import db


@pytest.fixture
def verifications(monkeypatch):
    calls = []
    real = PasswordHasher.verify

    def counting(self, hash, password):  # noqa: A002  (argon2's signature)
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_unknown_email_verifies_one_hash(seeded, client, verifications):
    response = client.post("/login", data={"email": "nobody@example.test", "password": "x"})
    assert response.status_code == 401
    assert len(verifications) == 1


def test_inactive_account_verifies_one_hash(client, verifications, hq):
    hq.is_active_user = False
    db.session.commit()
    response = client.post("/login", data={"email": hq.email, "password": "correct-horse-battery"})
    assert response.status_code == 401
    assert len(verifications) == 1


def test_wrong_password_verifies_one_hash(client, verifications, hq):
    response = client.post("/login", data={"email": hq.email, "password": "wrong"})
    assert response.status_code == 401
    assert verifications == [hq.password_hash]
