"""The collaboration network: the two-clique test through the API, the region comparison,
the cache, the exports, the theme input and who may see what."""

import io
import re

import networkx as nx
import pytest
import sqlalchemy as sa

from council.activities.services import update_activity
from council.analysis.network import service
from council.analysis.themes import ThemeMembers
from council.directory.models import Agency, Block
from council.extensions import db
from council.reference.models import ClusterRegion
from tests.analysis.conftest import table_cells


def _agencies(prefix: str, n: int, prefecture: int) -> list[str]:
    names = [f"{prefix}{i}" for i in range(n)]
    for name in names:
        db.session.add(Agency(name=name, kind="company", prefecture_id=prefecture))
    db.session.commit()
    return names


@pytest.fixture
def two_cliques(seeded, make_activity):
    """Two 5-cliques in 関東 (Tokyo) joined by one bridge, all FY2007."""
    a = _agencies("企業A", 5, 13)
    b = _agencies("企業B", 5, 13)
    first = make_activity(title="A社の合同展示会", category="exhibition", organizers=a)
    make_activity(title="B社の合同展示会", category="exhibition", organizers=b)
    make_activity(title="橋渡しの説明会", category="briefing", organizers=[a[0], b[0]])
    return first


def test_two_cliques_joined_by_a_bridge_through_the_api(two_cliques, hq_client):
    body = hq_client.get("/api/v1/network/kanto?from=2007&to=2007").get_json()
    assert {k: body[k] for k in body if k != "hubs"} == {
        "nodes": 10,
        "edges": 21,
        "density": 0.467,
        "components": 1,
        "modularity": 0.452,
        "communities": 2,
        "average_path_length": 1.889,
        "clustering": 0.92,
        "transitivity": 0.882,
    }
    assert body["hubs"][:2] == [{"name": "企業A0", "degree": 5}, {"name": "企業B0", "degree": 5}]
    assert len(body["hubs"]) == 10
    assert isinstance(body["nodes"], int) and isinstance(body["communities"], int)


def test_the_range_and_cancelled_activities_count(two_cliques, hq_client, make_activity):
    assert hq_client.get("/api/v1/network/kanto?from=2008&to=2010").get_json()["nodes"] == 0
    make_activity(
        title="中止", category="briefing", organizers=["企業A1", "企業B1"], status="cancelled"
    )
    assert hq_client.get("/api/v1/network/kanto?from=2007&to=2007").get_json()["edges"] == 21


def test_the_comparison_lists_every_block_and_every_cluster_region(two_cliques, hq_client):
    html = hq_client.get("/analysis/network/?from=2007&to=2007").get_data(as_text=True)
    rows = table_cells(html, "network-comparison")[1:]
    names = [row[0] for row in rows]
    blocks = [b.name for b in db.session.scalars(sa.select(Block).order_by(Block.sort_order))]
    regions = [
        r.name
        for r in db.session.scalars(sa.select(ClusterRegion).order_by(ClusterRegion.sort_order))
    ]
    assert names == blocks + regions
    assert len(regions) == 18
    kanto = rows[names.index("関東")]
    assert kanto[3:9] == ["10", "21", "0.467", "1", "0.452", "2"]


def test_a_cluster_region_keeps_the_organisations_of_its_prefectures(
    seeded, hq_client, make_activity
):
    region = db.session.scalar(sa.select(ClusterRegion).where(ClusterRegion.code == "hamamatsu"))
    inside = region.prefectures[0].id
    names = _agencies("浜松の企業", 3, inside) + _agencies("東京の企業", 1, 13)
    make_activity(title="光技術の共同研究会", category="liaison", organizers=names)
    body = hq_client.get("/api/v1/network/hamamatsu?from=2007&to=2007").get_json()
    assert (body["nodes"], body["edges"]) == (3, 3)


def test_a_second_request_computes_nothing_and_an_edit_recomputes(
    two_cliques, hq_client, make_activity
):
    url = "/api/v1/network/kanto?from=2007&to=2007"
    hq_client.get(url)
    before = service.stats["computed"]
    hq_client.get(url)
    hq_client.get("/analysis/network/kanto?from=2007&to=2007")
    hq_client.get("/analysis/network/kanto.graphml?from=2007&to=2007")
    assert service.stats["computed"] == before
    # an activity of another block leaves 関東's network cached
    make_activity(block="kinki", title="近畿の会議", organizers=[])
    hq_client.get(url)
    assert service.stats["computed"] == before
    # an edit of one of 関東's activities recomputes it
    update_activity(two_cliques, actor=None, title="A社の合同展示会(改)")
    db.session.commit()
    assert hq_client.get(url).get_json()["edges"] == 21
    assert service.stats["computed"] == before + 1
    # so does a change of its organisers
    agency = db.session.scalar(sa.select(Agency).where(Agency.name == "企業A1"))
    update_activity(
        two_cliques, actor=None, organizers=[a for a in two_cliques.organizers if a is not agency]
    )
    db.session.commit()
    assert hq_client.get(url).get_json()["edges"] == 17
    assert service.stats["computed"] == before + 2


def test_adopted_themes_add_edges(two_cliques, hq_client, fake_themes):
    ids = {a.name: a.id for a in db.session.scalars(sa.select(Agency))}
    kanto = db.session.scalar(sa.select(Block.id).where(Block.code == "kanto"))
    url = "/api/v1/network/kanto?from=2007&to=2007"
    assert hq_client.get(url).get_json()["edges"] == 21
    fake_themes.member_rows.append(ThemeMembers(1, 2007, kanto, (ids["企業A4"], ids["企業B4"])))
    fake_themes.revision += 1
    assert hq_client.get(url).get_json()["edges"] == 22


def test_exports_carry_the_same_graph(two_cliques, hq_client):
    data = hq_client.get("/analysis/network/kanto.graphml?from=2007&to=2007").data
    graph = nx.read_graphml(io.BytesIO(data))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (10, 21)
    assert sorted({d["community"] for _, d in graph.nodes(data=True)}) == [1, 2]
    csv_text = hq_client.get("/analysis/network/kanto.csv?from=2007&to=2007").data.decode(
        "utf-8-sig"
    )
    lines = csv_text.strip().split("\r\n")
    assert lines[0] == "source_id,source,target_id,target,weight" and len(lines) == 22


def test_the_region_page_shows_hubs_communities_and_a_stable_drawing(two_cliques, hq_client, app):
    html = hq_client.get("/analysis/network/kanto?from=2007&to=2007").get_data(as_text=True)
    assert table_cells(html, "network-hubs")[1] == ["企業A0", "5"]
    communities = table_cells(html, "network-communities")[1:]
    assert [row[1] for row in communities] == ["5", "5"]
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<circle") == 10
    edges = re.findall(r'<path class="edges"[^>]* d="([^"]*)"', svg)
    assert sum(d.count("M") for d in edges) == 21
    app.extensions.pop(service.CACHE_KEY)
    again = hq_client.get("/analysis/network/kanto?from=2007&to=2007").get_data(as_text=True)
    assert again[again.index("<svg") : again.index("</svg>")] == svg


def test_a_large_region_links_its_drawing_as_an_image(two_cliques, hq_client, monkeypatch):
    from council.analysis.network import views

    monkeypatch.setattr(views, "INLINE_NODES", 5)
    html = hq_client.get("/analysis/network/kanto?from=2007&to=2007").get_data(as_text=True)
    assert "<svg" not in html.split("network-communities")[0].split("</table>", 2)[-1]
    assert '<img src="/analysis/network/kanto.svg?from=2007&amp;to=2007"' in html
    response = hq_client.get("/analysis/network/kanto.svg?from=2007&to=2007")
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).count("<circle") == 10


def test_access_and_bad_arguments(two_cliques, client, login_as, kinki_secretariat):
    assert client.get("/api/v1/network/kanto").status_code == 401
    login_as(kinki_secretariat)
    assert client.get("/api/v1/network/kanto").status_code == 403
    assert client.get("/analysis/network/kanto").status_code == 403
    assert client.get("/analysis/network/kanto.graphml").status_code == 403
    assert client.get("/analysis/network/kanto.svg").status_code == 403
    assert client.get("/api/v1/network/kinki").status_code == 200
    assert client.get("/api/v1/network/kyoto").status_code == 200  # a cluster region of 近畿
    html = client.get("/analysis/network/").get_data(as_text=True)
    names = [row[0] for row in table_cells(html, "network-comparison")[1:]]
    assert "近畿" in names and "関東" not in names
    assert client.get("/api/v1/network/atlantis").status_code == 404
    response = client.get("/api/v1/network/kinki?from=abc")
    assert response.status_code == 400 and "from" in response.get_json()["error"]
    assert client.get("/api/v1/network/kinki?from=2008&to=2007").status_code == 400


def test_members_may_not_see_the_network(seeded, client, make_user, login_as):
    login_as(make_user(role="member"))
    assert client.get("/analysis/network/").status_code == 403
    assert client.get("/api/v1/network/kanto").status_code == 403
