"""Atom feeds: valid (feedparser bozo 0), scoped by block and field, conditional (ETag/304),
and the open-calls feed's validator changes with the date."""

from datetime import date, timedelta

import feedparser

from council.extensions import db
from council.portal import feed_queries
from tests.portal import factories as f


def test_news_feed_parses_and_follows_block_and_field(seeded, client):
    f.news("九州の燃料電池セミナー", block="kyushu", field="energy")
    f.news("関東のナノ材料セミナー", block="kanto", field="nano")
    feed = feedparser.parse(client.get("/portal/news.atom").data)
    assert feed.bozo == 0
    assert {e.title for e in feed.entries} == {"九州の燃料電池セミナー", "関東のナノ材料セミナー"}
    kyushu = feedparser.parse(client.get("/portal/news.atom?block=kyushu").data)
    assert kyushu.bozo == 0 and [e.title for e in kyushu.entries] == ["九州の燃料電池セミナー"]
    assert "九州" in kyushu.feed.title
    nano = feedparser.parse(client.get("/portal/news.atom?field=nano").data)
    assert [e.title for e in nano.entries] == ["関東のナノ材料セミナー"]
    assert client.get("/portal/news.atom?block=atlantis").status_code == 404


def test_feeds_answer_304_to_a_matching_etag_and_200_after_a_change(seeded, client):
    f.news("セミナーA")
    first = client.get("/portal/news.atom")
    tag = first.headers["ETag"]
    again = client.get("/portal/news.atom", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    f.news("セミナーB")
    assert client.get("/portal/news.atom", headers={"If-None-Match": tag}).status_code == 200
    calls = client.get("/portal/calls.atom")
    assert (
        client.get(
            "/portal/calls.atom", headers={"If-None-Match": calls.headers["ETag"]}
        ).status_code
        == 304
    )


def test_the_calls_feed_validator_changes_with_the_date(seeded, client, monkeypatch):
    today = date(2026, 6, 1)
    monkeypatch.setattr(feed_queries, "today_jst", lambda: today)
    f.measure("燃料電池 公募", opens=today + timedelta(days=1), closes=today + timedelta(days=30))
    first = client.get("/portal/calls.atom")
    assert feedparser.parse(first.data).entries == []
    monkeypatch.setattr(feed_queries, "today_jst", lambda: today + timedelta(days=1))
    second = client.get("/portal/calls.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    feed = feedparser.parse(second.data)
    assert feed.bozo == 0 and [e.title for e in feed.entries] == ["燃料電池 公募"]


def test_a_withdrawn_news_item_leaves_the_feed_and_changes_its_etag(seeded, client):
    item = f.news("取り下げるセミナー")
    tag = client.get("/portal/news.atom").headers["ETag"]
    item.status = "withdrawn"
    db.session.commit()
    response = client.get("/portal/news.atom", headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert feedparser.parse(response.data).entries == []
