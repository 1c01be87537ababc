"""Server-rendered SVG charts: geometry computed here, drawn by templates/reports/_chart.html.

No JavaScript charting library; the SVG uses presentation attributes only (the CSP forbids
inline styles), and every bar carries a <title> for its value.
"""

from dataclasses import dataclass

# Distinct at a glance and readable on white (after Tableau 10, darkened where needed).
PALETTE = (
    "#1f5fa8",
    "#d95f02",
    "#1b7a3d",
    "#c0282d",
    "#6a4c9c",
    "#8c564b",
    "#c2408f",
    "#5f5f5f",
    "#8a8a00",
    "#138d9c",
)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[tuple[float, str], ...]
    legend: tuple[tuple[str, str], ...]  # (colour, label)
    legend_top: int


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at or above `value` (at least 1)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def stacked_bars(
    columns: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],
    *,
    width: int = 880,
    plot_height: int = 260,
) -> Chart:
    """`columns`: (x label, {series code: value}); `series`: (code, label), bottom first."""
    left, top, right = 56, 16, 16
    bottom = top + plot_height
    totals = [sum(values.get(code, 0) for code, _ in series) for _, values in columns]
    top_value = _nice_max(max(totals, default=0))
    scale = plot_height / top_value
    slot = (width - left - right) / max(len(columns), 1)
    bar_width = min(slot * 0.7, 48)
    bars, x_labels = [], []
    for i, (label, values) in enumerate(columns):
        x = left + slot * i + (slot - bar_width) / 2
        y = float(bottom)
        for j, (code, name) in enumerate(series):
            value = values.get(code, 0)
            if not value:
                continue
            h = value * scale
            y -= h
            bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_width, 1),
                    round(h, 1),
                    PALETTE[j % len(PALETTE)],
                    f"{label} {name}: {value:,}件",
                )
            )
        x_labels.append((round(left + slot * i + slot / 2, 1), label))
    ticks = tuple(
        Tick(round(bottom - plot_height * k / 4, 1), f"{top_value * k // 4:,}") for k in range(5)
    )
    legend = tuple((PALETTE[j % len(PALETTE)], name) for j, (_, name) in enumerate(series))
    rows = (len(legend) + 4) // 5
    legend_top = bottom + 40
    return Chart(
        width=width,
        height=legend_top + rows * 22 + 8,
        plot_left=left,
        plot_top=top,
        plot_bottom=bottom,
        plot_right=width - right,
        bars=tuple(bars),
        ticks=ticks,
        x_labels=tuple(x_labels),
        legend=legend,
        legend_top=legend_top,
    )
