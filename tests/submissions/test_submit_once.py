"""Issue 17, item 8: 提出 is idempotent per form. The block page gives each submit form a
one-time token; a repeat of the same form (a double-click, a reload of the POST) returns the
first result instead of freezing a second snapshot. A fresh page submits again on purpose."""

import re

import sqlalchemy as sa

from council.extensions import db
from council.submissions.models import Snapshot

URL = "/submissions/2007/kanto/record/submit"


def _token(client) -> str | None:
    html = client.get("/submissions/2007/kanto").get_data(as_text=True)
    match = re.search(r'name="record-once"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="record-once"', html
    )
    return match.group(1) if match else None


def _snapshots() -> list[int]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Snapshot.number).order_by(Snapshot.number)).all()


def test_a_double_click_freezes_one_snapshot(sec_client, held_meeting):
    held_meeting()
    token = _token(sec_client) or "0" * 32
    data = {"record-once": token, "record-comment": "平成19年度分です"}
    first = sec_client.post(URL, data=data)
    second = sec_client.post(URL, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _snapshots() == [1]
    html = sec_client.get("/submissions/2007/kanto").get_data(as_text=True)
    # The repeat answers with the first result: the same version, not a second one.
    assert "(第1版)" in html and "(第2版)" not in html
    assert _token(sec_client) not in (None, token)  # the page offers a fresh token


def test_a_fresh_page_submits_again(sec_client, held_meeting):
    held_meeting()
    assert sec_client.post(URL, data={"record-once": _token(sec_client)}).status_code == 302
    assert sec_client.post(URL, data={"record-once": _token(sec_client)}).status_code == 302
    assert _snapshots() == [1, 2]


def test_a_token_is_bound_to_its_form(sec_client, held_meeting):
    held_meeting()
    token = _token(sec_client)
    assert sec_client.post(URL, data={"record-once": token}).status_code == 302
    # The same token sent to the plan's form is not that form's repeat: refused, nothing made.
    response = sec_client.post("/submissions/2007/kanto/plan/submit", data={"plan-once": token})
    assert response.status_code == 400
    assert _snapshots() == [1]


def test_a_malformed_token_is_refused(sec_client, held_meeting):
    held_meeting()
    response = sec_client.post(URL, data={"record-once": "x\x00" * 100})
    assert response.status_code == 400
    assert _snapshots() == []
