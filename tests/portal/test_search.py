"""The public search: Japanese substrings, block/prefecture words as filters, facets, the API."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from council.portal.index import today_jst
from tests.portal import factories as f


def test_a_japanese_word_is_found_inside_a_longer_title(seeded, client):
    record = f.measure("次世代型固体高分子形燃料電池システム実用化助成金")
    f.measure("太陽電池 試作支援", organisation="九州経済産業局")
    page = client.get("/portal/search?q=燃料電池").get_data(as_text=True)
    assert f"/portal/measures/{record.id}" in page
    assert "太陽電池 試作支援" not in page
    assert 'id="result-count">1件' in page


def test_osaka_finds_the_osaka_prefectural_institute(seeded, client):
    record = f.facility("X線回折装置")
    page = client.get("/portal/search?q=大阪").get_data(as_text=True)
    assert f"/portal/facilities/{record.id}" in page
    assert "大阪府立産業技術総合研究所" in page


def test_full_width_letters_find_half_width_ones(seeded, client):
    f.measure("SCOPE 連携型 研究開発")
    assert "1件" in client.get("/portal/search?q=ＳＣＯＰＥ").get_data(as_text=True)


def test_a_block_name_becomes_a_filter_that_can_be_removed(seeded, client):
    kyushu = f.facility(
        "燃料電池評価装置", f.org("福岡県工業技術センター", "public_lab", "40").name, pref="40"
    )
    kanto = f.facility(
        "燃料電池評価装置",
        f.org("東京都立産業技術研究センター", "public_lab", "13").name,
        pref="13",
    )
    response = client.get("/portal/search?q=燃料電池 九州")
    assert response.status_code == 302
    target = urlparse(response.headers["Location"])
    assert parse_qs(target.query) == {"q": ["燃料電池"], "block": ["kyushu"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/portal/facilities/{kyushu.id}" in page
    assert f"/portal/facilities/{kanto.id}" not in page
    assert 'id="active-filters"' in page and "ブロック: 九州" in page
    # The filter's remove link searches the words alone again.
    assert 'href="/portal/search?q=%E7%87%83%E6%96%99%E9%9B%BB%E6%B1%A0"' in page
    both = client.get("/portal/search?q=%E7%87%83%E6%96%99%E9%9B%BB%E6%B1%A0").get_data(
        as_text=True
    )
    assert f"/portal/facilities/{kanto.id}" in both and f"/portal/facilities/{kyushu.id}" in both


def test_a_prefecture_name_becomes_the_prefecture_filter(seeded, client):
    response = client.get("/portal/search?q=大阪府")
    assert parse_qs(urlparse(response.headers["Location"]).query) == {"pref": ["27"]}


def test_open_now_keeps_calls_whose_period_includes_today(seeded, client):
    today = today_jst()
    open_ = f.measure("燃料電池 公募A", opens=today, closes=today)
    f.measure("燃料電池 公募B", opens=today + timedelta(days=1), closes=today + timedelta(days=9))
    f.measure("燃料電池 公募C", opens=today - timedelta(days=9), closes=today - timedelta(days=1))
    data = client.get("/api/v1/portal/search?q=燃料電池&open=1").get_json()
    assert [r["id"] for r in data["results"]] == [open_.id]
    assert client.get("/api/v1/portal/search?q=燃料電池").get_json()["facets"]["open"] == {"1": 1}


def test_facet_counts_and_the_api_shape(seeded, client):
    m = f.measure("燃料電池 実証事業")
    f.facility("燃料電池評価装置")
    data = client.get("/api/v1/portal/search?q=燃料電池").get_json()
    assert data["total"] == 2
    assert data["facets"]["type"] == {"measure": 1, "facility": 1}
    assert data["facets"]["field"] == {"energy": 1, "nano": 1}
    assert data["facets"]["block"]["kyushu"] == 1 and data["facets"]["block"]["kinki"] == 1
    first = next(r for r in data["results"] if r["type"] == "measure")
    assert first == {
        "type": "measure",
        "id": m.id,
        "title": "燃料電池 実証事業",
        "url": f"http://localhost/portal/measures/{m.id}",
    }
    ministry = str(m.ministry_id)
    assert data["facets"]["ministry"] == {ministry: 1}
    by_ministry = client.get(f"/api/v1/portal/search?type=measure&ministry={ministry}").get_json()
    assert by_ministry["total"] == 1


def test_odd_input_never_fails(seeded, client):
    for query in ("%", "_", "\\", "q=%00", "a" * 5000, "' OR 1=1 --", "\x00燃料"):
        response = client.get(
            "/portal/search", query_string={"q": query, "block": "\x00", "fy": "x", "page": "-1"}
        )
        assert response.status_code == 200
    assert client.get("/api/v1/portal/search?q=%25").get_json()["total"] == 0
