"""A deterministic drawing of the network as SVG, readable at a few hundred nodes.

No force simulation (its result depends on iteration details and needs numpy): each
community is a disc, placed largest first along a spiral without overlapping the discs
before it, and its members fill the disc as a sunflower spiral, the highest degree at the
centre. Only the hubs are labelled; every node has a <title> with its name and degree.
"""

import math

from markupsafe import Markup, escape

from council.figures.charts import PALETTE

WIDTH, HEIGHT = 960, 720
GOLDEN = math.pi * (3 - math.sqrt(5))
SPACING = 9.0  # distance between neighbouring nodes inside a community


def _sunflower(count: int) -> list[tuple[float, float]]:
    return [
        (
            SPACING * math.sqrt(i) * math.cos(i * GOLDEN),
            SPACING * math.sqrt(i) * math.sin(i * GOLDEN),
        )
        for i in range(count)
    ]


def layout(graph, communities: list[list[int]]) -> dict[int, tuple[float, float]]:
    degrees = dict(graph.degree)
    placed: list[tuple[float, float, float]] = []
    positions = {}
    for members in communities:
        radius = SPACING * math.sqrt(len(members)) + SPACING
        t = 0.0
        while True:
            r = 4.0 * t
            cx, cy = r * math.cos(t), r * math.sin(t)
            if all(math.hypot(cx - x, cy - y) >= radius + pr + 4 for x, y, pr in placed):
                break
            t += 0.1
        placed.append((cx, cy, radius))
        ordered = sorted(members, key=lambda v: (-degrees[v], v))
        for v, (dx, dy) in zip(ordered, _sunflower(len(ordered)), strict=True):
            positions[v] = (cx + dx, cy + dy)
    return positions


def svg(graph, communities: list[list[int]], hubs: list[int], title: str) -> Markup:
    """The whole <svg> element (escaped names; presentation attributes only, as the CSP
    forbids inline styles)."""
    if graph.number_of_nodes() == 0:
        return Markup("")
    positions = layout(graph, communities)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    margin = 40
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = min((WIDTH - 2 * margin) / span, (HEIGHT - 2 * margin) / span, 4.0)
    ox = (WIDTH - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
    oy = (HEIGHT - (max(ys) - min(ys)) * scale) / 2 - min(ys) * scale

    def at(v):
        x, y = positions[v]
        return round(x * scale + ox, 1), round(y * scale + oy, 1)

    colour = {}
    for i, members in enumerate(communities):
        for v in members:
            colour[v] = PALETTE[i] if i < len(PALETTE) else "#9a9a9a"
    degrees = dict(graph.degree)
    top = max(degrees.values()) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="network-title" font-family="sans-serif" font-size="11" '
        f'id="network-drawing"><title id="network-title">{escape(title)}</title>',
        '<g stroke="#8a8a8a" stroke-opacity="0.45" fill="none">',
    ]
    # One path per stroke width (the weight, capped): a few hundred kilobytes less than a
    # <line> per edge at thousands of edges.
    by_width: dict[float, list[str]] = {}
    for u, v, w in graph.edges(data="weight"):
        (x1, y1), (x2, y2) = at(u), at(v)
        width = round(min(0.6 + 0.4 * (w or 1), 3.0), 1)
        by_width.setdefault(width, []).append(f"M{x1:g} {y1:g}L{x2:g} {y2:g}")
    for width, segments in sorted(by_width.items()):
        parts.append(f'<path class="edges" stroke-width="{width}" d="{"".join(segments)}"/>')
    parts.append('</g><g stroke="#ffffff" stroke-width="0.8">')
    names = dict(graph.nodes(data="name"))
    for v in graph.nodes:
        x, y = at(v)
        r = 2.5 + 6 * math.sqrt(degrees[v] / top)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour.get(v, "#9a9a9a")}" '
            f'data-degree="{degrees[v]}"><title>{escape(names.get(v, ""))}(次数 {degrees[v]})</title></circle>'
        )
    parts.append('</g><g fill="#1a1a1a">')
    for v in hubs:
        x, y = at(v)
        parts.append(f'<text x="{x + 8}" y="{y - 6}">{escape(names.get(v, ""))}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))
