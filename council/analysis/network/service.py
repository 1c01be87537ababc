"""The network of one region and fiscal-year range, computed once per data version.

The cache lives in the process (app.extensions), keyed by region and range. A request first
reads the global fingerprint (sources.global_version: a few index probes); when it is the
one the entry was checked against, the entry is served. Otherwise the region's own data
version (sources.data_version) decides: unchanged (an edit elsewhere), the entry is kept;
changed (an edit of an activity of the region, an organisation or a theme), the network is
computed again.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import networkx as nx
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from council import fiscal
from council.analysis.network import drawing, sources
from council.analysis.network import graph as graphs
from council.analysis.network.sources import Region
from council.cache import for_a_while
from council.directory.models import Block
from council.errors import DomainError
from council.extensions import db
from council.reference.models import ClusterRegion, cluster_region_prefectures

FIRST_FY = 2005
CACHE_KEY = "analysis.network_cache"
CACHE_SIZE = 128
REGIONS_SECONDS = 60
# How many graph computations this process ran (the cache test reads it).
stats = {"computed": 0}
_lock = Lock()


class NetworkError(DomainError):
    """A region or a year range the pages cannot show (400)."""


class UnknownRegion(NetworkError):
    status = 404


@dataclass
class NetworkResult:
    region: Region
    first: int
    last: int
    graph: nx.Graph
    metrics_obj: graphs.Metrics
    drawing: Markup
    version: str
    checked_at: str = ""  # the global fingerprint this entry was last found current under

    @property
    def metrics(self) -> dict:
        return self.metrics_obj.as_json()

    communities_shown: list = field(default_factory=list)

    def community_rows(self) -> list[tuple[int, int, list[str]]]:
        return self.communities_shown


def _community_rows(graph, communities, limit: int = 20) -> list[tuple[int, int, list[str]]]:
    """(number, size, the first members by degree) of the largest communities."""
    degrees = dict(graph.degree)
    names = dict(graph.nodes(data="name"))
    rows = []
    for i, members in enumerate(communities[:limit], start=1):
        top = sorted(members, key=lambda v: (-degrees[v], names.get(v, "")))[:8]
        rows.append((i, len(members), [names.get(v, "") for v in top]))
    return rows


def list_regions() -> list[Region]:
    """Every block, then every cluster region of the register (reference data: kept for a
    minute per app, as the calendar keeps its filter choices)."""
    return for_a_while("analysis.regions", REGIONS_SECONDS, _load_regions)


def _load_regions() -> list[Region]:
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    names = {b.id: b.name for b in blocks}
    out = [Region(b.code, b.name, "block", b.id, b.name) for b in blocks]
    prefectures: dict[int, list[int]] = {}
    for region_id, prefecture_id in db.session.execute(
        sa.select(
            cluster_region_prefectures.c.region_id, cluster_region_prefectures.c.prefecture_id
        )
    ):
        prefectures.setdefault(region_id, []).append(prefecture_id)
    for r in db.session.scalars(sa.select(ClusterRegion).order_by(ClusterRegion.sort_order)):
        out.append(
            Region(
                r.code,
                r.name,
                "cluster",
                r.block_id,
                names.get(r.block_id, ""),
                tuple(sorted(prefectures.get(r.id, []))),
            )
        )
    return out


def find_region(code: str) -> Region | None:
    return next((r for r in list_regions() if r.code == code), None)


def parse_fy(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    if not raw.isdigit() or not fiscal.FIRST_YEAR <= int(raw) <= fiscal.LAST_YEAR:
        raise NetworkError(
            f"{name}には{fiscal.FIRST_YEAR}〜{fiscal.LAST_YEAR}の西暦の年度(例: 2007)を指定してください。"
        )
    return int(raw)


def resolve(code: str, raw_from: str | None, raw_to: str | None) -> tuple[Region, int, int]:
    region = find_region(code)
    if region is None:
        raise UnknownRegion(
            f"地域「{code[:40]}」はありません(ブロックまたはクラスター地域のコード)。"
        )
    first = parse_fy(raw_from, FIRST_FY, "from")
    last = parse_fy(raw_to, fiscal.current_fiscal_year(), "to")
    if first > last:
        raise NetworkError("from は to 以前の年度にしてください。")
    return region, first, last


def _compute(region: Region, first: int, last: int, version: str) -> NetworkResult:
    stats["computed"] += 1
    found, agencies = sources.collaborations(region, first, last)
    graph = graphs.build_graph(found, agencies)
    metrics = graphs.compute(graph)
    title = f"{region.name} 連携ネットワーク({first}〜{last}年度)"
    picture = drawing.svg(graph, metrics.communities, [h[0] for h in metrics.hubs], title)
    return NetworkResult(
        region,
        first,
        last,
        graph,
        metrics,
        picture,
        version,
        communities_shown=_community_rows(graph, metrics.communities),
    )


def result(region: Region, first: int, last: int) -> NetworkResult:
    """The cached network when the data has not changed since it was computed."""
    cache: OrderedDict = current_app.extensions.setdefault(CACHE_KEY, OrderedDict())
    key = (region.code, first, last)
    fingerprint = sources.global_version()
    with _lock:
        hit = cache.get(key)
    if hit is not None and hit.region == region:
        if hit.checked_at == fingerprint:
            return hit
        version = sources.data_version(region)
        if hit.version == version:
            hit.checked_at = fingerprint
            return hit
    else:
        version = sources.data_version(region)
    computed = _compute(region, first, last, version)
    computed.checked_at = fingerprint
    with _lock:
        cache[key] = computed
        cache.move_to_end(key)
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return computed
