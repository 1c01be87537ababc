"""Deferred fan-out: a change writes one event in its own transaction; the sender expands it
into outbox rows and on-screen notices, once, and not at all when the event is superseded."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from council import fiscal
from council.activities import services as activity_services
from council.directory.models import Agency
from council.extensions import db, utc_now
from council.minutes import services as minutes_services
from council.notices import fanout, hooks
from council.notices.models import Notice, NoticeContent, NoticeEvent, OutboxMessage
from tests.notices.conftest import by_recipient, circulate, expand, send_once


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _future_meeting(make_activity, secretariat, participants=("関東総合通信局",)):
    start = fiscal.to_jst(utc_now() + timedelta(days=30)).strftime("%Y-%m-%d 14:00")
    return make_activity(
        title="関東地域ブロック幹事会",
        start=start,
        organizers=("関東経済産業局",),
        participants_of=participants,
        actor=secretariat,
    )


def _outbox_keys() -> list[tuple]:
    db.session.expire_all()
    return sorted(
        db.session.execute(
            sa.select(
                OutboxMessage.kind,
                OutboxMessage.object_version,
                OutboxMessage.recipient,
                OutboxMessage.message_id,
            )
        ).all()
    )


def _notice_keys() -> list[tuple]:
    return sorted(
        db.session.execute(sa.select(Notice.kind, Notice.object_version, Notice.user_id)).all()
    )


def test_the_request_writes_one_event_and_the_sender_the_notices(
    smtp, draft_minutes, secretariat, member, client, login_as
):
    login_as(secretariat)
    response = circulate(client, draft_minutes)
    assert response.status_code == 302
    events = db.session.scalars(sa.select(NoticeEvent)).all()
    assert [(e.kind, e.object_id, e.actor_user_id, e.expanded_at) for e in events] == [
        ("minutes_circulated", draft_minutes.id, secretariat.id, None)
    ]
    # Nothing per recipient in the request: no outbox row, no shared text, no on-screen row.
    assert (_count(OutboxMessage), _count(NoticeContent), _count(Notice)) == (0, 0, 0)
    client.post("/logout")
    login_as(member)
    assert 'aria-label="未読' not in client.get("/").get_data(as_text=True).split("</header>")[0]

    stats = send_once()
    assert stats.expanded == stats.sent > 0
    db.session.expire_all()
    assert db.session.get(NoticeEvent, events[0].id).expanded_at is not None
    assert _count(Notice, Notice.user_id == member.id) == 1
    assert 'aria-label="未読1件"' in client.get("/").get_data(as_text=True)
    assert "taro@example.jp" in by_recipient(smtp)


def test_a_rolled_back_change_leaves_no_event(make_activity, secretariat, member):
    activity = _future_meeting(make_activity, secretariat)
    assert expand() > 0  # the creation itself was notified
    events, mails = _count(NoticeEvent), _count(OutboxMessage)
    activity_services.cancel_activity(activity, actor=secretariat, reason="取りやめ")
    assert _count(NoticeEvent) == events + 1
    db.session.rollback()
    assert _count(NoticeEvent) == events
    assert expand() == 0
    assert _count(OutboxMessage) == mails
    assert not db.session.scalars(
        sa.select(NoticeContent).where(NoticeContent.subject.startswith("【中止】"))
    ).all()


def test_suppressed_notices_record_no_event(app, draft_minutes, secretariat):
    app.config["NOTICES_ENABLED"] = False
    minutes_services.circulate_minutes(
        draft_minutes,
        actor=secretariat,
        expected_version=draft_minutes.version,
        deadline=fiscal.to_jst(utc_now()).date() + timedelta(days=5),
    )
    db.session.commit()
    assert _count(NoticeEvent) == 0


def test_expanding_twice_writes_each_notice_once(member, secretariat, circulated):
    first_mails, first_screen = _outbox_keys(), _notice_keys()
    assert first_mails and first_screen
    # A retried request records the same version again; that arms the event once more.
    assert hooks.minutes_circulated(circulated, actor=secretariat) == 1
    db.session.commit()
    assert _count(NoticeEvent) == 1
    assert db.session.scalar(sa.select(NoticeEvent.expanded_at)) is None
    assert expand() == 0
    event = db.session.scalar(sa.select(NoticeEvent))
    assert fanout.expand(event) == 0  # and directly, without the claim
    db.session.commit()
    assert _outbox_keys() == first_mails and _notice_keys() == first_screen


def test_a_new_agency_hears_of_a_meeting_whose_sequence_did_not_change(
    make_activity, secretariat, member, make_user
):
    activity = _future_meeting(make_activity, secretariat, participants=())
    expand()
    before = {r for _, _, r, _ in _outbox_keys()}
    assert "taro@example.jp" not in before  # 関東総合通信局 was not asked yet
    sequence = activity.sequence
    agencies = db.session.scalars(
        sa.select(Agency).where(Agency.name.in_(["関東総合通信局"]))
    ).all()
    activity_services.update_activity(
        activity,
        actor=secretariat,
        participant_agencies=[*activity.participant_agencies, *agencies],
    )
    db.session.commit()
    assert activity.sequence == sequence  # the invitation's SEQUENCE stays
    assert _count(NoticeEvent) == 1
    assert expand() > 0
    after = {r for _, _, r, _ in _outbox_keys()}
    assert "taro@example.jp" in after and before < after
    assert len(_outbox_keys()) == len(after)  # nobody asked twice


def test_a_superseded_or_deleted_objects_event_writes_nothing(
    smtp, make_activity, secretariat, member, draft_minutes
):
    activity = _future_meeting(make_activity, secretariat)
    activity_services.update_activity(activity, actor=secretariat, venue="関東農政局 会議室")
    db.session.commit()
    assert activity.sequence == 1
    send_once()
    events = db.session.scalars(sa.select(NoticeEvent).order_by(NoticeEvent.id)).all()
    assert [e.object_version for e in events] == ["0", "1"]
    assert all(e.expanded_at is not None for e in events)  # the first one superseded
    mails = by_recipient(smtp)["taro@example.jp"]
    assert [m["Subject"].split("】")[0] for m in mails] == ["【変更"]
    assert {n.object_version for n in db.session.scalars(sa.select(Notice))} == {"1"}

    deleted = _future_meeting(make_activity, secretariat)
    deleted.deleted_at = utc_now()
    db.session.commit()
    # Circulated, then taken back to draft before the sender came by: no 照会 goes out.
    minutes_services.circulate_minutes(
        draft_minutes,
        actor=secretariat,
        expected_version=draft_minutes.version,
        deadline=fiscal.to_jst(utc_now()).date() + timedelta(days=5),
    )
    minutes_services.return_to_draft(
        draft_minutes, actor=secretariat, expected_version=draft_minutes.version
    )
    db.session.commit()
    mails_before = _count(OutboxMessage)
    assert _count(NoticeEvent, NoticeEvent.expanded_at.is_(None)) == 2
    assert expand() == 0
    assert _count(NoticeEvent, NoticeEvent.expanded_at.is_(None)) == 0
    assert _count(OutboxMessage) == mails_before
    assert _count(Notice, Notice.object_id == deleted.id) == 0
    assert _count(Notice, Notice.kind == "minutes_circulated") == 0


def test_a_broken_event_is_left_alone_and_the_others_expand(
    make_activity, secretariat, member, circulated, monkeypatch
):
    def broken(event):
        raise ValueError("broken data")

    _future_meeting(make_activity, secretariat)
    hooks.minutes_confirmed(circulated, type("Revision", (), {"number": 9})(), actor=secretariat)
    db.session.commit()
    monkeypatch.setitem(fanout.EXPANSIONS, "minutes_confirmed", broken)
    failed, lines = set(), []
    assert fanout.expand_due(failed=failed, log=lines.append) > 0  # the meeting's notices
    broken_event = db.session.scalar(
        sa.select(NoticeEvent).where(NoticeEvent.kind == "minutes_confirmed")
    )
    assert failed == {broken_event.id} and broken_event.expanded_at is None
    assert "broken data" in lines[0]
    assert _count(NoticeEvent, NoticeEvent.expanded_at.is_(None)) == 1


def _in_thread(app, work, results, name):
    def run():
        with app.app_context():
            try:
                results[name] = work()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                results[name] = error
                db.session.rollback()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_expansions_racing_write_each_notice_once(
    app, make_activity, secretariat, member, make_user
):
    for i in range(6):
        make_user(role="member", agency="関東総合通信局", email=f"m{i:02d}@example.jp")
    _future_meeting(make_activity, secretariat)
    db.session.remove()
    is_pg = db.engine.dialect.name == "postgresql"
    holding, release = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        event = fanout.claim_event()
        written = fanout.expand(event)
        holding.set()
        release.wait(30)  # hold the claim (and the rows, uncommitted) while the other runs
        db.session.commit()
        return written

    def skipping():
        # Another sender's claim passes over the locked event (PostgreSQL: SKIP LOCKED).
        return fanout.claim_event()

    def second():
        # Expands the same event without the claim, as a sender could after a lost stamp.
        event = db.session.scalar(sa.select(NoticeEvent))
        written = fanout.expand(event)
        db.session.commit()
        return written

    threads = [_in_thread(app, first, results, "first")]
    assert holding.wait(30)
    if is_pg:
        _in_thread(app, skipping, results, "skipping").join(30)
        assert results["skipping"] is None
    threads.append(_in_thread(app, second, results, "second"))
    threads[-1].join(0.5)  # it waits on the first's lock (rows on PostgreSQL, BEGIN on SQLite)
    release.set()
    for thread in threads:
        thread.join(60)
    assert not any(isinstance(r, BaseException) for r in results.values()), results
    assert results["first"] > 6
    keys = _outbox_keys()
    assert len(keys) == results["first"]
    assert len({(k, v, r) for k, v, r, _ in keys}) == len(keys)
    screen = _notice_keys()
    assert len(set(screen)) == len(screen) > 6
