"""Server-rendered SVG bar charts: geometry computed here, drawn by the templates
(templates/reports/_chart.html, templates/analysis/_chart.html).

No JavaScript charting library; the SVG uses presentation attributes only (the CSP forbids
inline styles), and every bar carries a <title> for its value. One drawing serves the
reports' counts and the funding survey's amounts; a `Look` says how each writes its numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

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
    column: str = ""  # the column's code (data-column), where the template marks it
    series: str = ""  # the series' code
    value: str = ""  # the value as the template writes it in data-value


class Tick(NamedTuple):
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


def _count_title(column: str, series: str, value) -> str:
    return f"{column} {series}: {value:,}件"


def _count_tick(top_value, k: int) -> str:
    return f"{top_value * k // 4:,}"


@dataclass(frozen=True)
class Look:
    """How one kind of chart writes its numbers and lays out its legend. The default is the
    reports' look (counts of activities)."""

    width: int = 880
    plot_height: int = 260
    left: int = 56
    max_bar_width: float = 48
    digits: int = 1  # rounding of a bar's top and height
    legend_columns: int = 5
    has_legend: bool = True
    title: Callable[[str, str, object], str] = _count_title  # (column, series, value)
    tick: Callable[[object, int], str] = _count_tick  # (top value, quarter 0..4)
    value: Callable[[object], str] = str


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    values: dict  # {series code: value}


def _nice_max(value) -> int:
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
    columns: list[Column], series: list[tuple[str, str]], look: Look = Look()
) -> Chart:
    """One bar per column, stacked by `series` ((code, label), bottom first)."""
    top, right = 16, 16
    bottom = top + look.plot_height
    totals = [sum(column.values.get(code, 0) for code, _ in series) for column in columns]
    top_value = _nice_max(float(max(totals, default=0)))
    slot = (look.width - look.left - right) / max(len(columns), 1)
    bar_width = min(slot * 0.7, look.max_bar_width)
    bars = []
    for i, column in enumerate(columns):
        x = look.left + slot * i + (slot - bar_width) / 2
        bars += _stack(column, series, look, (x, bar_width), bottom, look.plot_height / top_value)
    ticks = tuple(
        Tick(round(bottom - look.plot_height * k / 4, 1), look.tick(top_value, k)) for k in range(5)
    )
    legend = ()
    if look.has_legend:
        legend = tuple((PALETTE[j % len(PALETTE)], name) for j, (_, name) in enumerate(series))
    rows = (len(legend) + look.legend_columns - 1) // look.legend_columns
    legend_top = bottom + 40
    return Chart(
        width=look.width,
        height=legend_top + rows * 22 + 8,
        plot_left=look.left,
        plot_top=top,
        plot_bottom=bottom,
        plot_right=look.width - right,
        bars=tuple(bars),
        ticks=ticks,
        x_labels=tuple(
            (round(look.left + slot * i + slot / 2, 1), c.label) for i, c in enumerate(columns)
        ),
        legend=legend,
        legend_top=legend_top,
    )


def _stack(column: Column, series, look: Look, place, bottom: int, scale: float) -> list[Bar]:
    """The bars of one column from the axis up, one per series; a zero draws nothing."""
    x, bar_width = place
    y = float(bottom)
    bars = []
    for j, (code, name) in enumerate(series):
        value = column.values.get(code, 0)
        if not value:
            continue
        h = float(value) * scale
        y -= h
        bars.append(
            Bar(
                round(x, 1),
                round(y, look.digits),
                round(bar_width, 1),
                round(h, look.digits),
                PALETTE[j % len(PALETTE)],
                look.title(column.label, name, value),
                column.code,
                code,
                look.value(value),
            )
        )
    return bars
