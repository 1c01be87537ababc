"""Fiscal-year activity tables: the year page, block details, drill-downs, several years,
the print view and the CSV/XLSX exports."""

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.activities.models import COUNCIL_KINDS, HQ_KINDS, NATIONAL
from council.converters import MAX_ID
from council.extensions import utc_now
from council.figures import plans
from council.figures.axes import Axes, Axis, ReportError, axes
from council.figures.charts import Column, stacked_bars
from council.figures.counts import HQ, MEASURES, PLAN_VS_ACTUAL, year_figures
from council.figures.details import activities_behind, detail_rows
from council.figures.exports import download, to_csv
from council.reports import cache, exports, queries
from council.web.requests import require, year_or_404

bp = Blueprint("reports", __name__, url_prefix="/reports")

PAGE_SIZE = 100
# The labels of a year's tables: the page and its print version write them alike.
YEAR_TABLE_LABELS = dict(
    measures=MEASURES,
    pva_columns=PLAN_VS_ACTUAL,
    hq_kinds=HQ_KINDS,
    hq_labels=exports.HQ_LABELS,
)
CSV_PARTS = ("matrix", "detail", "plan", "hq")


@bp.before_request
@login_required
def _signed_in():
    require(permissions.can_view_reports(current_user))


def _bad_request(message: str):
    return render_template(
        "errors/error.html", status=400, title="指定が正しくありません", message=message
    ), 400


@bp.route("/")
def index():
    """The year picker's target: ?year=2007, or ?first=2005&last=2007 for several years."""
    texts = {name: request.args.get(name, "").strip() for name in ("year", "first", "last")}
    parsed = {name: fiscal.parse_fiscal_year(text) for name, text in texts.items()}
    if any(text and parsed[name] is None for name, text in texts.items()):
        return _bad_request("年度は「平成19年度」または「2007」の形で入力してください。")
    year, first, last = parsed["year"], parsed["first"], parsed["last"]
    if first and last:
        return redirect(url_for("reports.years", first=first, last=last))
    return redirect(url_for("reports.fiscal_year", year=year or fiscal.current_fiscal_year()))


@bp.route("/fy/<int:year>")
def fiscal_year(year: int):
    year_or_404(year)
    figures, version = cache.year_figures(year)
    pva_block = request.args.get("pva_block") or None
    if pva_block and figures.axes.block(pva_block) is None:
        return _bad_request("ブロックの指定が正しくありません。")
    return render_template(
        "reports/fiscal_year.html",
        f=figures,
        pva_block=pva_block,
        **YEAR_TABLE_LABELS,
        drill=url_for("reports.activities", year=year),
        submitted_plans=plans.plan_vs_actual(year),
        fragment=cache.fragment,
        version=version,
    )


@bp.route("/fy/<int:year>/blocks/<code>")
def block(year: int, code: str):
    year_or_404(year)
    ax = axes()
    if code == NATIONAL:
        # The 全国 line: headquarters' own events, laid out as a block's detail.
        block = Axis(0, NATIONAL, "全国", "全国")
        rows = detail_rows(year, NATIONAL, current_user, ax=ax)
        figures = year_figures(year, ax)
        counts, kinds = figures.national["held"], figures.national_by_kind["held"]
    else:
        block = ax.block(code)
        if block is None:
            abort(404)
        rows = detail_rows(year, block.id, current_user, ax=ax)
        figures = year_figures(year, ax, block_id=block.id)
        counts, kinds = figures.held[block.code], figures.by_kind["held"][block.code]
    seen = {c.code: 0 for c in ax.categories}
    for row in rows:
        seen[row.category_code] += 1
    return render_template(
        "reports/block.html",
        year=year,
        block=block,
        ax=ax,
        rows=rows,
        counts=counts,
        kinds=kinds,
        council_kinds=COUNCIL_KINDS,
        seen=seen,
        drill=url_for("reports.activities", year=year),
    )


@bp.route("/fy/<int:year>/activities")
def activities(year: int):
    """The activities behind one count: ?measure=held&block=kanto&category=council."""
    year_or_404(year)
    ax = axes()
    target = _drill_target(request.args, ax)
    if isinstance(target, str):
        return _bad_request(target)
    behind = activities_behind(
        year,
        target.measure,
        block_id=target.block_id,
        category_id=target.category.id if target.category else None,
        kind=target.kind,
        user=current_user,
        ax=ax,
        limit=PAGE_SIZE,
        offset=(target.page - 1) * PAGE_SIZE,
    )
    return render_template(
        "reports/activities.html",
        year=year,
        ax=ax,
        measure=target.measure,
        measure_label=MEASURES[target.measure],
        block=target.block,
        is_hq=target.block_code == HQ,
        is_national=target.block_code == NATIONAL,
        kind=target.kind,
        council_kinds=COUNCIL_KINDS,
        hq_labels=exports.HQ_LABELS,
        category=target.category,
        behind=behind,
        page=target.page,
        pages=max(1, -(-behind.visible // PAGE_SIZE)),
        link_args=target.link_args(year),
    )


@dataclass
class _Target:
    """The count a drill-down asks for, its codes checked against the axes."""

    measure: str
    block_code: str | None
    category_code: str | None
    kind: str | None
    page: int
    block_id: int | str | None = None  # a block's id, HQ, NATIONAL or None (every block)
    block: Axis | None = None
    category: Axis | None = None

    def link_args(self, year: int) -> dict:
        """The arguments of the page links: the same count, another page."""
        args = {
            "year": year,
            "measure": self.measure,
            "block": self.block_code,
            "category": self.category_code,
            "kind": self.kind,
        }
        return {k: v for k, v in args.items() if v}


def _drill_target(args, ax: Axes) -> "_Target | str":
    """The drill-down's arguments read and checked, or the message of the first wrong one."""
    target = _Target(
        args.get("measure", "held"),
        args.get("block") or None,
        args.get("category") or None,
        args.get("kind") or None,
        args.get("page", 1, type=int),
    )
    if target.measure not in MEASURES:
        return "集計項目(measure)の指定が正しくありません。"
    problem = _place(target, ax)
    if problem:
        return problem
    if target.category_code is not None:
        target.category = ax.category(target.category_code)
        if target.category is None:
            return "活動区分の指定が正しくありません。"
    if not 1 <= target.page <= MAX_ID:
        return "ページの指定が正しくありません。"
    return target


def _place(target: _Target, ax: Axes) -> str | None:
    """Where the count is (headquarters, the 全国 line, a block or every block) and whether
    its kind fits there: sets the target's block, or answers what is wrong."""
    code, kind = target.block_code, target.kind
    if code == HQ:
        target.block_id = HQ
        if kind is not None and kind not in HQ_KINDS:
            return "会議の種類(kind)の指定が正しくありません。"
    elif kind is not None and kind not in COUNCIL_KINDS:
        return "種別(kind)の指定が正しくありません。"
    if code == NATIONAL:
        target.block_id = NATIONAL
    elif code is not None and code != HQ:
        target.block = ax.block(code)
        if target.block is None:
            return "ブロックの指定が正しくありません。"
        target.block_id = target.block.id
    return None


@bp.route("/fy/<int:first>-<int:last>")
def years(first: int, last: int):
    try:
        figures = queries.range_figures(first, last)
    except ReportError as error:
        return _bad_request(str(error))
    ax = figures.axes
    columns = [Column(str(y), str(y), figures.by_category[y]) for y in figures.years]
    by_category = stacked_bars(columns, [(c.code, c.short_name) for c in ax.categories])
    columns = [Column(str(y), str(y), figures.by_block[y]) for y in figures.years]
    by_block = stacked_bars(columns, [(b.code, b.name) for b in ax.blocks])
    return render_template(
        "reports/years.html",
        r=figures,
        ax=ax,
        hq_kinds=HQ_KINDS,
        hq_labels=exports.HQ_LABELS,
        chart_categories=by_category,
        chart_blocks=by_block,
    )


@bp.route("/fy/<int:year>/print")
def print_view(year: int):
    year_or_404(year)
    ax = axes()
    figures = year_figures(year, ax)
    rows = detail_rows(year, None, current_user, ax=ax)
    by_block = {b.code: [] for b in ax.blocks}
    for row in rows:
        by_block[row.block_code].append(row)
    return render_template(
        "reports/print.html",
        f=figures,
        by_block=by_block,
        **YEAR_TABLE_LABELS,
        now=utc_now(),
    )


@bp.route("/fy/<int:year>.csv")
def csv_export(year: int):
    year_or_404(year)
    require(permissions.can_export_reports(current_user))
    part = request.args.get("part", "matrix")
    if part not in CSV_PARTS:
        return _bad_request("出力する表(part)は matrix、detail、plan、hq のいずれかです。")
    ax = axes()
    figures = year_figures(year, ax)
    if part == "detail":
        rows = detail_rows(year, None, current_user, ax=ax)
        rows += detail_rows(year, NATIONAL, current_user, ax=ax)
        table = exports.detail_table(rows, figures)
    elif part == "plan":
        table = exports.plan_rows(figures)
    elif part == "hq":
        table = exports.hq_rows(figures)
    else:
        table = exports.matrix_rows(figures)
    names = {"matrix": "活動実績", "detail": "活動実績詳細", "plan": "活動計画", "hq": "本府省会議"}
    return download(to_csv(table), f"fy{year}_{part}.csv", f"{figures.label}_{names[part]}.csv")


@bp.route("/fy/<int:year>.xlsx")
def xlsx_export(year: int):
    year_or_404(year)
    require(permissions.can_export_reports(current_user))
    ax = axes()
    figures = year_figures(year, ax)
    rows = detail_rows(year, None, current_user, ax=ax)
    national = detail_rows(year, NATIONAL, current_user, ax=ax)
    body = exports.to_xlsx(figures, rows, now=utc_now(), national=national)
    return download(body, f"fy{year}_report.xlsx", f"{figures.label}_活動実績.xlsx")
