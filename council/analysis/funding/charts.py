"""Server-drawn SVG charts of the funding survey: the shared bar drawing (council.figures.charts)
with amounts in millions of yen, markup in templates/analysis/_chart.html. Every bar carries its
value (data-value, and a <title> for the pointer), so the drawing can be read back and checked
against the matrix."""

from council.analysis.funding.queries import FundingFigures
from council.figures.charts import Chart, Column, Look, stacked_bars

UNIT = "百万円"


def _look(single_series: bool) -> Look:
    """Amounts to one decimal; a single series needs no legend nor its name on each bar."""

    def title(column: str, series: str, value) -> str:
        name = column if single_series else f"{column} {series}"
        return f"{name}: {value:,.1f}{UNIT}"

    return Look(
        width=720,
        plot_height=240,
        left=72,
        max_bar_width=40,
        digits=2,
        legend_columns=4,
        has_legend=not single_series,
        title=title,
        tick=lambda top_value, k: f"{top_value * k / 4:,.0f}",
        value=lambda value: f"{value:.1f}",
    )


def _bars(columns: list[Column], series: list[tuple[str, str]]) -> Chart:
    return stacked_bars(columns, series, _look(len(series) <= 1))


def by_block(figures: FundingFigures, kind: str) -> Chart:
    """Stacked bars: one bar per block, stacked by research field."""
    columns = [Column(b.code, b.name, figures.matrix[kind][b.code]) for b in figures.blocks]
    return _bars(columns, [(f.code, f.name) for f in figures.fields])


def by_field(figures: FundingFigures, kind: str) -> Chart:
    """One bar per research field (all blocks together)."""
    columns = [
        Column(f.code, f.name, {"total": figures.column_total(kind, f.code)})
        for f in figures.fields
    ]
    return _bars(columns, [("total", "合計")])
