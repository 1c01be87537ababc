"""Each portal page runs the same number of SQL statements at 1× and 10× the data."""

from tests.portal import factories as f


def _fill(n: int, start: int) -> None:
    kanto = f.org("東京都立産業技術研究センター", "public_lab", "13").name
    lead = f.org("福岡精密工業株式会社", "company", "40").name
    partner = f.org("九州工業高等専門学校", "university", "40").name
    for i in range(start, start + n):
        f.measure(f"燃料電池 支援策{i}", commit=False, prefectures="40;41", target="university")
        f.facility(f"燃料電池評価装置{i}", kanto, pref="13", commit=False, fields="energy;nano")
        f.theme(f"燃料電池テーマ{i}", lead, participants=partner, commit=False)
        f.news(f"燃料電池セミナー{i}", commit=False, field="energy")
    from council.extensions import db

    db.session.commit()


URLS = (
    "/",
    "/portal/",
    "/portal/search?q=燃料電池&block=kyushu&field=energy",
    "/portal/search?q=燃料電池&type=measure&open=1",
    "/api/v1/portal/search?q=燃料電池&block=kyushu",
    "/portal/measures/1",
    "/portal/facilities/1",
    "/portal/themes/1",
    "/portal/news/1",
    "/portal/news.atom?block=kyushu",
    "/portal/calls.atom",
    "/sitemap.xml",
)


def _counts(client, count_queries) -> dict[str, int]:
    out = {}
    for url in URLS:
        client.get(url)  # warm the reference-list cache
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        out[url] = counter["n"]
    return out


def test_statements_per_page_do_not_grow_with_the_data(seeded, client, count_queries):
    seeded.config["PORTAL_PAGE_CACHE"] = False  # measure the pages, not the page cache
    _fill(3, 0)
    small = _counts(client, count_queries)
    _fill(27, 3)
    large = _counts(client, count_queries)
    assert large == small
    assert max(small.values()) <= 8, small


def test_a_kept_page_costs_one_statement_and_never_outlives_a_change(seeded, client, count_queries):
    from council.extensions import db
    from council.portal.services import set_status

    record = f.measure("燃料電池 支援策")
    url = f"/portal/measures/{record.id}"
    assert client.get(url).status_code == 200
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    # Nothing through the ORM: the data version is read on a raw pooled connection.
    assert counter["n"] == 0
    set_status(record, "withdrawn", actor=None, check=False)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert "燃料電池 支援策" not in client.get("/portal/").get_data(as_text=True)
