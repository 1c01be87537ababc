"""The network as GraphML (nodes with name, kind, prefecture and community; weighted edges)
and as a CSV edge list (UTF-8 with BOM)."""

import networkx as nx

from council.figures.exports import to_csv


def graphml(graph: nx.Graph, communities: list[list[int]]) -> bytes:
    export = graph.copy()
    for i, members in enumerate(communities, start=1):
        for v in members:
            export.nodes[v]["community"] = i
    return ("\n".join(nx.generate_graphml(export, encoding="utf-8")) + "\n").encode("utf-8")


def edge_list(graph: nx.Graph) -> bytes:
    names = dict(graph.nodes(data="name"))
    rows = [["source_id", "source", "target_id", "target", "weight"]]
    for u, v, w in sorted(graph.edges(data="weight")):
        rows.append([u, names.get(u, ""), v, names.get(v, ""), w])
    return to_csv(rows)
