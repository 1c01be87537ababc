"""Actions are offered only when they can succeed: 実施済みにする, attendance and head counts
only once the meeting's day has come."""

from datetime import timedelta

from council import fiscal
from council.extensions import utc_now


def _days_from_today(n: int) -> str:
    day = fiscal.to_jst(utc_now()).date() + timedelta(days=n)
    return f"{day} 14:00"


def test_held_is_offered_only_from_the_start_day(sec_client, make_activity):
    ahead = make_activity(title="二か月後の協議会", start=_days_from_today(60))
    today = make_activity(title="今日の協議会", start=_days_from_today(0))
    page = sec_client.get(f"/activities/{ahead.id}").get_data(as_text=True)
    assert f"/activities/{ahead.id}/held" not in page
    assert f"/activities/{ahead.id}/attendance" not in page
    assert "開催日(" in page and ")から行えます" in page
    page = sec_client.get(f"/activities/{today.id}").get_data(as_text=True)
    assert f'href="/activities/{today.id}/held">実施済みにする' in page
    assert f"/activities/{today.id}/attendance" in page


def test_held_is_refused_before_the_form_for_a_future_meeting(sec_client, make_activity):
    ahead = make_activity(start=_days_from_today(1))
    response = sec_client.get(f"/activities/{ahead.id}/held")
    assert response.status_code == 409
    assert "より前に実施済みにはできません" in response.get_data(as_text=True)


def test_attendance_and_head_count_only_for_a_meeting_that_has_happened(sec_client, make_activity):
    ahead = make_activity(start=_days_from_today(30))
    for method in ("get", "post"):
        response = getattr(sec_client, method)(f"/activities/{ahead.id}/attendance")
        assert response.status_code == 409
        assert "開催前の活動には出欠・参加者数を記録できません" in response.get_data(as_text=True)
    cancelled = make_activity(title="中止の会議", start="2007-06-01 10:00", status="cancelled")
    response = sec_client.get(f"/activities/{cancelled.id}/attendance")
    assert response.status_code == 409 and "中止の活動には" in response.get_data(as_text=True)
    past = make_activity(title="過去の会議", start="2007-06-01 10:00")
    assert sec_client.get(f"/activities/{past.id}/attendance").status_code == 200


def test_a_head_count_for_a_future_meeting_is_refused_in_the_form(sec_client, form_data):
    day = fiscal.to_jst(utc_now()).date() + timedelta(days=10)
    response = sec_client.post(
        "/activities/new", data=form_data(start_date=str(day), participants="30")
    )
    assert response.status_code == 400
    assert "参加者数は開催日以降に入力してください" in response.get_data(as_text=True)
    response = sec_client.post("/activities/new", data=form_data(start_date=str(day)))
    assert response.status_code == 302
