"""Server-drawn SVG charts of the funding survey: geometry here, markup in
templates/analysis/_funding_chart.html. Every bar carries its value (data-value, and a
<title> for the pointer), so the drawing can be read back and checked against the matrix."""

from dataclasses import dataclass
from decimal import Decimal

from council.analysis.funding.queries import FundingFigures
from council.reports.charts import PALETTE


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str
    column: str
    series: str
    value: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    x_labels: tuple[tuple[float, str], ...]
    legend: tuple[tuple[str, str], ...]
    legend_top: int


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _bars(columns, series, *, width=720, plot_height=240, unit="百万円") -> Chart:
    """`columns`: (code, label, {series code: amount}); `series`: (code, label)."""
    left, top, right = 72, 16, 16
    bottom = top + plot_height
    totals = [sum(values.values(), Decimal(0)) for _, _, values in columns]
    top_value = _nice_max(float(max(totals, default=0)))
    scale = plot_height / top_value
    slot = (width - left - right) / max(len(columns), 1)
    bar_width = min(slot * 0.7, 40)
    bars, labels = [], []
    for i, (code, label, values) in enumerate(columns):
        x = left + slot * i + (slot - bar_width) / 2
        y = float(bottom)
        for j, (s_code, s_name) in enumerate(series):
            value = values.get(s_code, Decimal(0))
            if not value:
                continue
            h = float(value) * scale
            y -= h
            name = f"{label} {s_name}" if len(series) > 1 else label
            bars.append(
                Bar(
                    round(x, 1),
                    round(y, 2),
                    round(bar_width, 1),
                    round(h, 2),
                    PALETTE[j % len(PALETTE)],
                    f"{name}: {value:,.1f}{unit}",
                    code,
                    s_code,
                    f"{value:.1f}",
                )
            )
        labels.append((round(left + slot * i + slot / 2, 1), label))
    ticks = tuple(
        (round(bottom - plot_height * k / 4, 1), f"{top_value * k / 4:,.0f}") for k in range(5)
    )
    legend = (
        tuple((PALETTE[j % len(PALETTE)], name) for j, (_, name) in enumerate(series))
        if len(series) > 1
        else ()
    )
    legend_top = bottom + 40
    return Chart(
        width=width,
        height=legend_top + ((len(legend) + 3) // 4) * 22 + 8,
        plot_left=left,
        plot_top=top,
        plot_bottom=bottom,
        plot_right=width - right,
        bars=tuple(bars),
        ticks=ticks,
        x_labels=tuple(labels),
        legend=legend,
        legend_top=legend_top,
    )


def by_block(figures: FundingFigures, kind: str) -> Chart:
    """Stacked bars: one bar per block, stacked by research field."""
    columns = [(b.code, b.name, figures.matrix[kind][b.code]) for b in figures.blocks]
    return _bars(columns, [(f.code, f.name) for f in figures.fields])


def by_field(figures: FundingFigures, kind: str) -> Chart:
    """One bar per research field (all blocks together)."""
    columns = [
        (f.code, f.name, {"total": figures.column_total(kind, f.code)}) for f in figures.fields
    ]
    return _bars(columns, [("total", "合計")])
