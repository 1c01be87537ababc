"""The HTML calendar: month, week and list views, filters, holidays, today, permissions."""

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from council.calendars import grid
from council.calendars.views import today_in_japan
from council.directory.models import Agency
from council.extensions import db
from tests.calendars.conftest import fresh_request_state


def _table(html: str) -> str:
    """The calendar itself, without the filter form (whose options name categories)."""
    return html[html.index('<table class="') : html.index("</table>")]


def _cell(html: str, day: str) -> str:
    """The month grid's <td> of one date."""
    match = re.search(
        rf'<td class="calendar__day[^"]*"[^>]*data-date="{day}">(.*?)</td>', html, re.S
    )
    assert match, f"no cell for {day}"
    return match.group(0)


def test_month_view_places_items_marks_holidays_and_links_to_activities(client, make_activity):
    council = make_activity(
        title="関東地域ブロック協議会", start="2007-11-28 14:00", visibility="public"
    )
    cancelled = make_activity(
        title="合同展示会",
        category="exhibition",
        start="2007-11-20 10:00",
        visibility="public",
        status="cancelled",
    )

    make_activity(title="翌月の会議", start="2007-12-01 10:00", visibility="public")

    response = client.get("/calendar?date=2007-11-01")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "2007年11月" in html
    assert '<table class="calendar calendar--month"' in html
    assert html.count('<th scope="col" class="calendar__weekday') == 7
    cell = _cell(html, "2007-11-28")
    assert f'href="/activities/{council.id}"' in cell
    assert "14:00" in cell and "関東地域ブロック協議会" in cell
    # A holiday is marked with its name, in text.
    assert "勤労感謝の日" in _cell(html, "2007-11-23")
    assert "文化の日" in _cell(html, "2007-11-03")
    # Cancelled: struck through and labelled, not colour only.
    cancelled_cell = _cell(html, "2007-11-20")
    assert '<s class="cal-item__title">合同展示会</s>' in cancelled_cell
    assert "中止" in cancelled_cell
    assert f'href="/activities/{cancelled.id}"' in cancelled_cell
    # The grid runs from the Sunday before the 1st to the Saturday after the 30th; those
    # neighbouring days complete the weeks, and their items belong to their own month.
    assert 'data-date="2007-10-28"' in html and 'data-date="2007-12-01"' in html
    assert "翌月の会議" not in _cell(html, "2007-12-01")
    december = client.get("/calendar?date=2007-12-01").get_data(as_text=True)
    assert "翌月の会議" in _cell(december, "2007-12-01")


def test_today_is_highlighted_for_assistive_technology_too(client):
    today = today_in_japan()
    html = client.get("/calendar").get_data(as_text=True)
    cell = _cell(html, today.isoformat())
    assert 'aria-current="date"' in cell
    assert "今日" in cell
    assert html.count('aria-current="date"') == 1


def test_visitors_see_only_what_they_may(client, make_activity, make_user, login_as):
    make_activity(title="公開セミナー", start="2007-11-28 10:00", visibility="public")
    make_activity(title="関東メンバー会合", start="2007-11-28 11:00", visibility="members")
    make_activity(
        title="近畿メンバー会合", block="kinki", start="2007-11-28 12:00", visibility="members"
    )
    make_activity(title="事務局打合せ", start="2007-11-28 13:00", visibility="secretariat")

    anonymous = _table(client.get("/calendar?date=2007-11-28").get_data(as_text=True))
    login_as(make_user(role="member", agency="関東総合通信局"))
    member = _table(client.get("/calendar?date=2007-11-28").get_data(as_text=True))

    assert "公開セミナー" in anonymous
    assert "メンバー会合" not in anonymous and "事務局打合せ" not in anonymous
    assert "公開セミナー" in member and "関東メンバー会合" in member
    assert "近畿メンバー会合" not in member and "事務局打合せ" not in member


def test_filters_by_block_category_and_agency(client, make_activity):
    kanto = make_activity(
        title="関東の説明会",
        category="briefing",
        start="2007-11-05 10:00",
        visibility="public",
        organizers=["関東経済産業局"],
    )
    make_activity(
        title="近畿の協議会", block="kinki", start="2007-11-06 10:00", visibility="public"
    )
    joined = make_activity(
        title="関東の協議会",
        start="2007-11-07 10:00",
        visibility="public",
        participants_of=["関東総合通信局"],
    )

    by_block = client.get("/calendar?date=2007-11-01&block=kanto").get_data(as_text=True)
    assert "関東の説明会" in by_block and "関東の協議会" in by_block
    assert "近畿の協議会" not in _table(by_block)
    assert "(関東)" in by_block  # the heading says what is shown

    by_category = client.get("/calendar?date=2007-11-01&category=briefing").get_data(as_text=True)
    assert "関東の説明会" in by_category and "協議会" not in _table(by_category)

    organizer = db.session.scalar(sa.select(Agency.id).where(Agency.name == "関東経済産業局"))
    participant = db.session.scalar(sa.select(Agency.id).where(Agency.name == "関東総合通信局"))
    html = client.get(f"/calendar?date=2007-11-01&agency={organizer}").get_data(as_text=True)
    assert (
        f'href="/activities/{kanto.id}"' in html and f'href="/activities/{joined.id}"' not in html
    )
    make_activity(
        block=None,
        category="council",
        kind="wg",
        title="本府省WG",
        start="2007-11-09 10:00",
        visibility="public",
    )
    hq_only = _table(client.get("/calendar?date=2007-11-01&block=hq").get_data(as_text=True))
    assert "本府省WG" in hq_only and "関東の説明会" not in hq_only
    html = client.get(f"/calendar?date=2007-11-01&agency={participant}").get_data(as_text=True)
    assert (
        f'href="/activities/{joined.id}"' in html and f'href="/activities/{kanto.id}"' not in html
    )


def test_a_bad_filter_is_explained_next_to_its_field(client, make_activity):
    make_activity(title="公開セミナー", start="2007-11-28 10:00", visibility="public")

    response = client.get("/calendar?date=2007-11-01&block=atlantis&month=2007-13")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "選択肢にないブロックです" in html
    assert "年月は 2007-11 または 平成19年11月 の形で" in html
    assert 'aria-invalid="true"' in html
    assert "公開セミナー" in html  # the calendar still shows, unfiltered


def test_week_view_lists_each_day_with_its_items(client, make_activity):
    make_activity(
        title="週の会議", start="2007-11-28 14:00", end="2007-11-28 16:00", visibility="public"
    )

    html = client.get("/calendar?view=week&date=2007-11-28").get_data(as_text=True)

    assert "2007年11月25日(日)〜2007年12月1日(土)" in html
    assert html.count('<th scope="rowgroup"') == 7
    assert "14:00〜16:00" in html and "週の会議" in html
    assert "予定はありません" in html
    nav = re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert "date=2007-12-02" in nav and "view=week" in nav


def test_list_view_shows_the_months_activities_in_a_table(client, make_activity):
    make_activity(
        title="事例集の発行", category="publication", start="2007-11-23", visibility="public"
    )
    make_activity(title="翌月の会議", start="2007-12-03 10:00", visibility="public")

    html = client.get("/calendar?view=list&date=2007-11-10").get_data(as_text=True)

    assert '<table class="table calendar calendar--list"' in html
    assert "2007年11月23日(金)" in html and "勤労感謝の日" in html
    assert "終日" in html and "パンフレット等" in html
    assert "翌月の会議" not in html


def test_a_multi_day_item_shows_on_each_of_its_days(client, make_activity):
    make_activity(
        title="合同展示会",
        category="exhibition",
        start="2007-11-29",
        end="2007-12-02",
        visibility="public",
    )
    html = client.get("/calendar?date=2007-11-01").get_data(as_text=True)
    for day in ("2007-11-29", "2007-11-30", "2007-12-01"):
        assert "合同展示会" in _cell(html, day)
    assert "(続き)" in _cell(html, "2007-11-30")
    assert "(続き)" not in _cell(html, "2007-11-29")


def test_the_page_can_be_printed(app):
    css = (Path(app.static_folder) / "css" / "app.css").read_text(encoding="utf-8")
    assert ".calendar" in css.split("@media print")[-1]


@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_calendar_query_count_does_not_grow_with_the_data(
    view, app, make_activity, login_as, count_queries, member
):
    client = app.test_client()
    login_as(member, c=client)
    url = f"/calendar?view={view}&date=2007-11-20"

    def count(kept=False):
        fresh_request_state()
        if not kept:  # the whole work: no month grid kept from an earlier request
            app.extensions.pop("council.cache.calendars.grid", None)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    make_activity(start="2007-11-20 10:00", visibility="public")
    count()  # the first page also loads the filter choices, kept for a minute
    small = count()
    for n in range(30):
        make_activity(
            title=f"会議{n}",
            start=f"2007-11-{n % 28 + 1:02d} 10:00",
            visibility=("public", "members")[n % 2],
            organizers=["関東経済産業局"],
        )
    assert count() == small <= 5
    if view == "month":  # the same data seen again: its grid was kept, the items not read
        assert count(kept=True) < small


def test_grid_arithmetic():
    assert grid.month_grid_span(2007, 11) == (date(2007, 10, 28), date(2007, 12, 1))
    assert grid.month_grid_span(2008, 3) == (date(2008, 2, 24), date(2008, 4, 5))
    assert grid.add_months(date(2007, 12, 15), 1) == date(2008, 1, 1)
    assert grid.add_months(date(2008, 1, 31), -1) == date(2007, 12, 1)
    assert grid.week_start(date(2007, 11, 28)) == date(2007, 11, 25)
    assert grid.holidays_between(date(2007, 12, 23), date(2007, 12, 24)) == {
        date(2007, 12, 23): "天皇誕生日",
        date(2007, 12, 24): "天皇誕生日 振替休日",
    }


def test_titles_are_escaped_in_every_view(client, make_activity):
    make_activity(
        title='<script>alert("x")</script>&課題',
        start="2007-11-28 10:00",
        visibility="public",
        status="cancelled",
    )
    for view in ("month", "week", "list"):
        html = client.get(f"/calendar?view={view}&date=2007-11-28").get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html and "&lt;/script&gt;&amp;課題" in html


def test_a_busy_day_shows_three_items_and_links_to_the_rest(client, make_activity):
    for hour in range(9, 14):  # five items on one day, three on the next
        make_activity(title=f"会議{hour}時", start=f"2007-11-28 {hour:02d}:00", visibility="public")
    for hour in range(9, 12):
        make_activity(title=f"翌日{hour}時", start=f"2007-11-29 {hour:02d}:00", visibility="public")

    html = client.get("/calendar?date=2007-11-01&block=kanto").get_data(as_text=True)

    busy = _cell(html, "2007-11-28")
    assert [
        t for t in ("会議9時", "会議10時", "会議11時", "会議12時", "会議13時") if t in busy
    ] == [
        "会議9時",
        "会議10時",
        "会議11時",
    ]
    assert "他2件" in busy
    assert 'href="/calendar?view=week&amp;block=kanto&amp;date=2007-11-28"' in busy
    full = _cell(html, "2007-11-29")
    assert "翌日11時" in full and "他" not in full
    week = client.get("/calendar?view=week&block=kanto&date=2007-11-28").get_data(as_text=True)
    assert all(f"会議{hour}時" in week for hour in range(9, 14))


def test_a_long_item_beyond_a_full_day_still_runs_on_and_is_counted(client, make_activity):
    for hour in range(9, 13):
        make_activity(title=f"会議{hour}時", start=f"2007-11-28 {hour:02d}:00", visibility="public")
    make_activity(
        title="三日間の展示会",
        start="2007-11-28 15:00",
        end="2007-11-30 17:00",
        visibility="public",
    )

    html = client.get("/calendar?date=2007-11-01").get_data(as_text=True)

    busy = _cell(html, "2007-11-28")
    assert "会議11時" in busy and "会議12時" not in busy and "三日間の展示会" not in busy
    assert "他2件" in busy
    for day in ("2007-11-29", "2007-11-30"):
        cell = _cell(html, day)
        assert "三日間の展示会" in cell and "(続き)" in cell and "他" not in cell
