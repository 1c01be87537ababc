"""The public portal in Chromium: search 「燃料電池 九州」, narrow to calls open now, open a
measure, follow its ministry's other measures, subscribe to the 九州 news feed."""

from datetime import timedelta

import feedparser

from council.portal.index import today_jst
from tests.portal import factories as f


def test_a_visitor_finds_an_open_call_and_subscribes_to_kyushu_news(seeded, page, live_server):
    today = today_jst()
    f.measure("次世代燃料電池 実用化助成金", closes=today + timedelta(days=10))
    f.measure(
        "燃料電池 可能性試験", opens=today - timedelta(days=60), closes=today - timedelta(days=30)
    )
    f.measure("ナノ材料 試作支援", fields="nano")  # the same ministry (経済産業省), another field
    f.measure("燃料電池 関東の助成", organisation="関東経済産業局", blocks="kanto")
    f.news("九州 燃料電池セミナー", block="kyushu")
    f.news("関東 ナノ材料シンポジウム", block="kanto")

    page.goto(live_server + "/")
    assert page.title().startswith("地域科学技術ポータル")
    page.fill("#portal-q", "燃料電池 九州")
    page.click(".portal-search-box button")
    page.wait_for_url("**/portal/search?**block=kyushu**")
    filters = page.locator("#active-filters")
    assert "ブロック: 九州" in filters.inner_text()
    titles = page.locator("#results .search-result__title").all_inner_texts()
    assert "次世代燃料電池 実用化助成金" in titles and "燃料電池 可能性試験" in titles
    assert "燃料電池 関東の助成" not in titles

    page.click("#narrow-open")
    page.wait_for_url("**open=1**")
    titles = page.locator("#results .search-result__title").all_inner_texts()
    assert titles == ["次世代燃料電池 実用化助成金"]

    page.click("text=次世代燃料電池 実用化助成金")
    page.wait_for_url("**/portal/measures/**")
    assert page.locator("h1").inner_text() == "次世代燃料電池 実用化助成金"
    assert page.locator("#open-badge").is_visible()

    page.click("#ministry-measures")
    page.wait_for_url("**ministry=**")
    titles = page.locator("#results .search-result__title").all_inner_texts()
    assert "ナノ材料 試作支援" in titles and "燃料電池 関東の助成" in titles

    page.locator("[data-facet=block] a", has_text="九州").click()
    page.wait_for_url("**block=kyushu**")
    link = page.locator("#news-feed-link")
    assert "九州" in link.inner_text()
    href = link.get_attribute("href")
    assert href.endswith("/portal/news.atom?block=kyushu")
    response = page.request.get(live_server + href)
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["九州 燃料電池セミナー"]
