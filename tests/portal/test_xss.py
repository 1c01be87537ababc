"""Hostile text stays inert in every page and feed of the portal."""

import feedparser

from tests.portal import factories as f

CORPUS = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "]]></title><script>x</script>",
    "&lt;b&gt;&amp;",
)


def test_the_corpus_is_escaped_in_pages_feeds_and_the_sitemap(seeded, client):
    org = f.org('"><img src=x onerror=alert(1)>株式会社', "company", "40")
    records = []
    for i, text in enumerate(CORPUS):
        records.append(
            (
                "measures",
                f.measure(
                    f"燃料電池{i} {text}",
                    contact=text,
                    description=text,
                    url="https://example.jp/?a='x'&c=1",
                ),
            )
        )
        records.append(("facilities", f.facility(f"装置{i} {text}", conditions=text, fees=text)))
        records.append(("themes", f.theme(f"テーマ{i} {text}", org.name, summary=text)))
        records.append(("news", f.news(f"ニュース{i} {text}", place=text, body=text)))
    pages = [
        "/",
        "/portal/",
        "/portal/search?q=<script>",
        "/portal/search?q=燃料電池",
        "/portal/search?type=theme",
        "/portal/search?type=news",
        "/portal/search?type=facility",
        '/portal/search?q="><img src=x onerror=alert(1)>',
    ]
    pages += [f"/portal/{path}/{r.id}" for path, r in records]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "<svg/onload" not in body, url
        assert "<script>x</script>" not in body, url
    for url in ("/portal/news.atom", "/portal/calls.atom", "/portal/news.atom?block=kyushu"):
        response = client.get(url)
        feed = feedparser.parse(response.data)
        assert feed.bozo == 0, url
        assert b"<script>" not in response.data and b"<img src" not in response.data
    titles = {e.title for e in feedparser.parse(client.get("/portal/news.atom").data).entries}
    assert f"ニュース0 {CORPUS[0]}" in titles  # the text survives, as text
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<script>" not in sitemap
