"""Races on PostgreSQL, where requests really run side by side (SQLite's BEGIN IMMEDIATE
serialises every write transaction, so these skip there): requests released together by a
barrier from several threads, each with its own client, session and connection."""

import re
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL (set COUNCIL_TEST_DATABASE_URL)"
)


def race(clients, request):
    """Send request(client, i) from every client at once; returns the responses in order."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(i, client):
        # Each thread its own app context, so its own database session and connection.
        with client.application.app_context():
            barrier.wait()
            try:
                results[i] = request(client, i)
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                results[i] = exc
            finally:
                from council.extensions import db

                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def test_nineteen_wrong_passwords_at_once_check_exactly_five(app, make_user, monkeypatch):
    from council.accounts import services
    from council.accounts.models import LoginAttempt
    from council.extensions import db

    user = make_user(role="hq")
    real = services.check_password

    def slow_check(user, password):
        # The production hash takes ~150 ms; the suite's fast one would hide the window.
        time.sleep(0.05)
        return real(user, password)

    monkeypatch.setattr(services, "check_password", slow_check)
    clients = [app.test_client() for _ in range(19)]
    email = user.email  # plain values only: the threads must not touch this session
    responses = race(
        clients,
        lambda c, i: (
            c.post(
                "/login",
                data={"email": email, "password": "wrong"},
                environ_base={"REMOTE_ADDR": "192.0.2.1"},
            ).status_code
        ),
    )
    assert sorted(responses) == [401] * 5 + [429] * 14
    db.session.expire_all()
    checked = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginAttempt.email == email, LoginAttempt.is_refused.is_(False)
        )
    )
    assert checked == 5


def test_concurrent_minutes_creation_makes_one_minutes(app, make_user, make_activity):
    from council.extensions import db
    from council.minutes.models import Minutes

    meeting = make_activity(status="held", participants=10)
    writers = [make_user(role="secretariat", block="kanto") for _ in range(6)]
    clients = []
    for writer in writers:
        client = app.test_client()
        response = client.post("/login", data={"email": writer.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        clients.append(client)
    meeting_id = meeting.id
    responses = race(
        clients,
        lambda c, i: c.post(
            f"/activities/{meeting_id}/minutes/new",
            data={"attendees": "", "agenda": "", "discussion": f"議事 {i}", "decisions": ""},
        ),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(302) == 1, codes
    assert set(codes) <= {302, 409}, codes
    for i, r in enumerate(responses):
        if r.status_code == 409:
            text = r.get_data(as_text=True)
            # Refused in Japanese, whichever side of the commit the loser was on, text kept.
            assert "同時に" in text or "既に作成されています" in text, text
            assert f"議事 {i}" in text
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Minutes).where(Minutes.activity_id == meeting_id)).all()
    assert len(rows) == 1


def _kanto_ready(make_user, make_activity):
    from council.extensions import db, utc_now
    from council.minutes.models import Minutes

    activity = make_activity(status="held", participants=30)
    db.session.add(
        Minutes(activity=activity, status="approved", discussion="議事", approved_at=utc_now())
    )
    db.session.commit()
    return [make_user(role="secretariat", block="kanto") for _ in range(4)]


def _signed_in(app, users):
    clients = []
    for user in users:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        clients.append(client)
    return clients


def test_concurrent_submissions_never_share_a_number(app, make_user, make_activity):
    from council.extensions import db
    from council.submissions.models import Snapshot

    clients = _signed_in(app, _kanto_ready(make_user, make_activity))
    responses = race(
        clients,
        lambda c, i: c.post("/submissions/2007/kanto/record/submit", data={}),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(302) >= 1 and set(codes) <= {302, 409}, codes
    db.session.expire_all()
    numbers = db.session.scalars(sa.select(Snapshot.number)).all()
    assert len(numbers) == codes.count(302)
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_one_submit_form_sent_four_times_at_once_freezes_one_snapshot(
    app, make_user, make_activity
):
    from council.extensions import db
    from council.submissions.models import Snapshot

    clients = _signed_in(app, _kanto_ready(make_user, make_activity))
    html = clients[0].get("/submissions/2007/kanto").get_data(as_text=True)
    match = re.search(r'name="record-once"[^>]*value="([^"]+)"', html)
    token = match.group(1) if match else "0" * 32
    responses = race(
        clients,
        lambda c, i: c.post("/submissions/2007/kanto/record/submit", data={"record-once": token}),
    )
    assert [r.status_code for r in responses] == [302] * 4
    db.session.expire_all()
    assert db.session.scalars(sa.select(Snapshot.number)).all() == [1]
