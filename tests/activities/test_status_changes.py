"""planned → held / postponed / cancelled, postponed → new date → held; audited, SEQUENCE up."""

import sqlalchemy as sa

from council import fiscal
from council.activities.models import Activity
from council.audit.models import AuditEntry
from council.extensions import db


def _reload(activity):
    db.session.expire_all()
    return db.session.get(Activity, activity.id)


def _post(client, activity, action, **data):
    return client.post(
        f"/activities/{activity.id}/{action}", data={"version": str(activity.version), **data}
    )


def test_mark_held_with_head_count(sec_client, make_activity):
    activity = make_activity()
    sequence = activity.sequence
    response = _post(sec_client, activity, "held", participants="23")
    assert response.status_code == 302
    activity = _reload(activity)
    assert activity.status == "held" and activity.participants == 23
    assert activity.sequence == sequence + 1
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_id == activity.id, AuditEntry.action == "status"
        )
    ).one()
    assert entry.changes["status"] == ["planned", "held"]
    assert entry.actor_label == "sec-kanto@example.test"
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "23人" in page and "予定 → 実施" in page


def test_held_refuses_a_negative_count_and_a_future_meeting(sec_client, make_activity):
    activity = make_activity()
    response = _post(sec_client, activity, "held", participants="-1")
    assert response.status_code == 400
    assert "参加者数は0以上の整数で入力してください" in response.get_data(as_text=True)
    future = make_activity(title="来年の協議会", start="2099-05-01 14:00")
    response = _post(sec_client, future, "held", participants="10")
    assert response.status_code == 409
    assert "より前に実施済みにはできません" in response.get_data(as_text=True)
    assert _reload(future).status == "planned"


def test_postpone_without_a_new_date_then_give_it_then_hold(sec_client, make_activity):
    activity = make_activity(start="2007-11-28 14:00", end="2007-11-28 16:00")
    response = _post(sec_client, activity, "postpone", reason="台風接近のため")
    assert response.status_code == 302
    activity = _reload(activity)
    assert activity.status == "postponed" and activity.is_new_date_pending
    assert activity.original_starts_at == activity.starts_at
    assert activity.original_is_all_day is False
    assert activity.status_reason == "台風接近のため"
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "当初の予定は2007年11月28日(水) 14:00" in page and "未定" in page
    # Not held while the date is unknown.
    response = _post(sec_client, activity, "held", participants="5")
    assert response.status_code == 409
    # The new date: the meeting keeps its two hours.
    response = _post(
        sec_client, activity, "reschedule", start_date="2007-12-12", start_time="10:00"
    )
    assert response.status_code == 302
    activity = _reload(activity)
    assert not activity.is_new_date_pending and activity.status == "postponed"
    assert activity.start_on.isoformat() == "2007-12-12"
    assert (activity.ends_at - activity.starts_at).total_seconds() == 2 * 3600
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "当初の予定は2007年11月28日(水) 14:00" in page
    assert "2007年12月12日(水) 10:00〜12:00" in page
    assert _post(sec_client, activity, "held", participants="18").status_code == 302
    activity = _reload(activity)
    assert activity.status == "held"
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "当初の予定" in page and "2007年11月28日(水) 14:00" in page


def test_postpone_with_a_new_date_keeps_the_first_date_across_two_postponements(
    sec_client, make_activity
):
    activity = make_activity(start="2007-11-28", category="exhibition", title="展示会")
    assert _post(sec_client, activity, "postpone", start_date="2008-01-15").status_code == 302
    activity = _reload(activity)
    assert activity.start_on.isoformat() == "2008-01-15" and not activity.is_new_date_pending
    assert _post(sec_client, activity, "postpone", start_date="2008-02-20").status_code == 302
    activity = _reload(activity)
    assert activity.start_on.isoformat() == "2008-02-20"
    assert fiscal.to_jst(activity.original_starts_at).date().isoformat() == "2007-11-28"
    assert activity.original_is_all_day is True
    assert "2007年11月28日(水)" in sec_client.get(f"/activities/{activity.id}").get_data(
        as_text=True
    )


def test_postponing_into_the_next_fiscal_year_moves_the_fiscal_year(sec_client, make_activity):
    activity = make_activity(start="2008-03-25 14:00")
    _post(sec_client, activity, "postpone", start_date="2008-04-10", start_time="14:00")
    assert _reload(activity).fiscal_year == 2008


def test_postpone_form_refuses_a_time_without_a_date(sec_client, make_activity):
    activity = make_activity()
    response = _post(sec_client, activity, "postpone", start_time="10:00")
    assert response.status_code == 400
    assert "新しい開始日も入力してください" in response.get_data(as_text=True)
    assert _reload(activity).status == "planned"


def test_cancel_needs_a_reason_which_is_kept(sec_client, make_activity):
    activity = make_activity()
    response = _post(sec_client, activity, "cancel", reason="   ")
    assert response.status_code == 400
    assert "中止の理由を入力してください" in response.get_data(as_text=True)
    assert (
        _post(sec_client, activity, "cancel", reason="新型インフルエンザ流行のため").status_code
        == 302
    )
    activity = _reload(activity)
    assert activity.status == "cancelled"
    assert activity.status_reason == "新型インフルエンザ流行のため"
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_id == activity.id, AuditEntry.action == "status"
        )
    ).one()
    assert entry.reason == "新型インフルエンザ流行のため"
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "中止" in page and "新型インフルエンザ流行のため" in page


def test_a_cancelled_or_held_activity_does_not_change_status_again(sec_client, make_activity):
    activity = make_activity()
    _post(sec_client, activity, "cancel", reason="中止")
    activity = _reload(activity)
    for action, data in (("held", {}), ("postpone", {}), ("cancel", {"reason": "再度"})):
        response = _post(sec_client, activity, action, **data)
        assert response.status_code == 409, action
        assert "中止" in response.get_data(as_text=True)
    assert _reload(activity).status == "cancelled"


def test_a_stale_status_form_is_a_conflict(sec_client, make_activity):
    activity = make_activity()
    stale = activity.version
    activity.venue = "変更後の会場"
    db.session.commit()
    response = sec_client.post(
        f"/activities/{activity.id}/cancel", data={"version": str(stale), "reason": "重複登録"}
    )
    assert response.status_code == 409
    assert "他のユーザーがこの活動を先に更新しました" in response.get_data(as_text=True)
    assert "重複登録" in response.get_data(as_text=True)
    assert _reload(activity).status == "planned"


def test_a_new_date_given_through_the_edit_form_settles_a_pending_postponement(
    sec_client, make_activity, form_data
):
    activity = make_activity()
    _post(sec_client, activity, "postpone")
    activity = _reload(activity)
    assert activity.is_new_date_pending
    # Saving other fields leaves it pending ...
    data = form_data(
        version=str(activity.version), start_date="2007-11-28", title=activity.title, venue="x"
    )
    assert sec_client.post(f"/activities/{activity.id}/edit", data=data).status_code == 302
    activity = _reload(activity)
    assert activity.is_new_date_pending
    # ... a new date settles it.
    data = form_data(version=str(activity.version), start_date="2008-01-23")
    assert sec_client.post(f"/activities/{activity.id}/edit", data=data).status_code == 302
    activity = _reload(activity)
    assert not activity.is_new_date_pending and activity.status == "postponed"
