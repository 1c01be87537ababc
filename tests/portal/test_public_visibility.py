"""A draft and a withdrawn record appear nowhere public: pages, search, facets, feeds, the
sitemap, the API, the top page."""

import pytest

from council.extensions import db
from council.portal.services import set_status
from tests.portal import factories as f

SECRET = "秘密の燃料電池"


def _everything_public(client) -> str:
    urls = [
        "/",
        "/portal/",
        "/portal/search?q=秘密",
        "/portal/search?q=燃料電池",
        "/portal/search?type=measure&open=1",
        "/portal/news.atom",
        "/portal/news.atom?block=kyushu",
        "/portal/calls.atom",
        "/portal/calls.atom?block=kyushu&field=energy",
        "/sitemap.xml",
        "/api/v1/portal/search?q=秘密",
        "/api/v1/portal/search?q=燃料電池",
    ]
    out = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out.append(response.get_data(as_text=True))
    return "\n".join(out)


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_a_hidden_record_is_nowhere_public(seeded, client, status):
    visible = f.measure("燃料電池 公開中の支援策")
    records = {
        "measures": f.measure(f"{SECRET} 支援策"),
        "facilities": f.facility(f"{SECRET} 評価装置"),
        "themes": f.theme(f"{SECRET} の研究"),
        "news": f.news(f"{SECRET} セミナー"),
    }
    for record in records.values():
        set_status(record, status, actor=None, check=False)
    db.session.commit()
    text = _everything_public(client)
    assert SECRET not in text
    assert "燃料電池 公開中の支援策" in text  # the check would see a public record
    for path, record in (
        ("measures", records["measures"]),
        ("facilities", records["facilities"]),
        ("themes", records["themes"]),
        ("news", records["news"]),
    ):
        assert f"/portal/{path}/{record.id}<" not in text
        assert client.get(f"/portal/{path}/{record.id}").status_code == 404
    facets = client.get("/api/v1/portal/search").get_json()
    assert facets["total"] == 1
    assert facets["facets"]["type"] == {"measure": 1}
    assert client.get(f"/portal/measures/{visible.id}").status_code == 200


def test_publishing_again_brings_it_back(seeded, client):
    record = f.measure(f"{SECRET} 支援策", status="draft")
    assert client.get(f"/portal/measures/{record.id}").status_code == 404
    set_status(record, "published", actor=None, check=False)
    db.session.commit()
    assert client.get(f"/portal/measures/{record.id}").status_code == 200
    assert client.get("/api/v1/portal/search?q=秘密").get_json()["total"] == 1
