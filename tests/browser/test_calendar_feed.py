"""A member's journey: open the month view, filter by their block, see the holidays, then copy
the personal calendar feed URL from the profile page and subscribe with it."""

from datetime import timedelta

from council.calendars.views import today_in_japan

PASSWORD = "correct-horse-battery"


def test_member_filters_the_month_and_copies_the_personal_feed_url(
    make_user, make_activity, page, live_server
):
    make_user(role="member", agency="関東総合通信局", email="member@example.test")
    make_activity(title="関東地域ブロック協議会", start="2007-11-28 14:00", visibility="members")
    make_activity(
        title="近畿の公開セミナー", block="kinki", start="2007-11-27 10:00", visibility="public"
    )
    soon = make_activity(
        title="関東幹事会",
        start=f"{today_in_japan() + timedelta(days=3)} 10:00",
        visibility="members",
    )

    page.goto(live_server + "/login")
    page.fill("#email", "member@example.test")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_url(lambda url: "/login" not in url)

    page.click("nav.site-nav--wide >> text=予定表")
    page.wait_for_url("**/calendar")
    assert page.locator("td[aria-current='date']").count() == 1  # today, marked for everyone

    # Filter by the member's block and go to November 2007.
    page.fill("#month", "2007-11")
    page.select_option("#block", "kanto")
    page.click(".cal-filters button:has-text('表示')")
    page.wait_for_url("**block=kanto**")
    heading = page.locator("#cal-heading").inner_text()
    assert "2007年11月" in heading and "関東" in heading
    calendar = page.locator("table.calendar")
    assert calendar.locator("text=関東地域ブロック協議会").count() == 1
    assert calendar.locator("text=近畿の公開セミナー").count() == 0
    # Holidays are marked with their names.
    assert "勤労感謝の日" in page.locator("td[data-date='2007-11-23']").inner_text()
    assert "文化の日" in page.locator("td[data-date='2007-11-03']").inner_text()
    # Items are links a keyboard reaches.
    link = calendar.locator("a.cal-item", has_text="関東地域ブロック協議会")
    link.focus()
    assert page.evaluate("document.activeElement.textContent").count("関東地域ブロック協議会") == 1

    # The profile page issues the personal feed URL, and the copy button copies it.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.click(".site-user--wide .site-user__name")
    page.click("#feed button:has-text('URLを発行する')")
    url = page.input_value("#feed-url")
    assert url.startswith(live_server + "/feeds/") and url.endswith(".ics")
    page.click("button:has-text('URLをコピー')")
    page.wait_for_selector("#feed-url-status:has-text('コピーしました')")
    assert page.evaluate("navigator.clipboard.readText()") == url

    feed = page.request.get(url)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert f"UID:{soon.uid}" in feed.text()
