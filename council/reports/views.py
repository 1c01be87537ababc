"""Fiscal-year activity tables: the year page, block details, drill-downs, several years,
the print view and the CSV/XLSX exports."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.activities.models import COUNCIL_KINDS, HQ_KINDS, NATIONAL
from council.converters import MAX_ID
from council.extensions import utc_now
from council.reports import cache, charts, exports, queries
from council.reports.queries import HQ, MEASURES, PLAN_VS_ACTUAL, ReportError
from council.submissions import queries as submission_queries

bp = Blueprint("reports", __name__, url_prefix="/reports")

PAGE_SIZE = 100
CSV_PARTS = ("matrix", "detail", "plan", "hq")


@bp.before_request
@login_required
def _signed_in():
    if not permissions.can_view_reports(current_user):
        abort(403)


def _year(year: int) -> int:
    try:
        return queries.check_year(year)
    except ReportError:
        abort(404)


def _bad_request(message: str):
    return render_template(
        "errors/error.html", status=400, title="指定が正しくありません", message=message
    ), 400


def _require_export() -> None:
    if not permissions.can_export_reports(current_user):
        abort(403)


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
    _year(year)
    figures, version = cache.year_figures(year)
    pva_block = request.args.get("pva_block") or None
    if pva_block and figures.axes.block(pva_block) is None:
        return _bad_request("ブロックの指定が正しくありません。")
    return render_template(
        "reports/fiscal_year.html",
        f=figures,
        pva_block=pva_block,
        measures=MEASURES,
        pva_columns=PLAN_VS_ACTUAL,
        hq_kinds=HQ_KINDS,
        hq_labels=exports.HQ_LABELS,
        drill=url_for("reports.activities", year=year),
        submitted_plans=submission_queries.plan_vs_actual(year),
        fragment=cache.fragment,
        version=version,
    )


@bp.route("/fy/<int:year>/blocks/<code>")
def block(year: int, code: str):
    _year(year)
    ax = queries.axes()
    if code == NATIONAL:
        # The 全国 line: headquarters' own events, laid out as a block's detail.
        block = queries.Axis(0, NATIONAL, "全国", "全国")
        rows = queries.detail_rows(year, NATIONAL, current_user, ax=ax)
        figures = queries.year_figures(year, ax)
        counts, kinds = figures.national["held"], figures.national_by_kind["held"]
    else:
        block = ax.block(code)
        if block is None:
            abort(404)
        rows = queries.detail_rows(year, block.id, current_user, ax=ax)
        figures = queries.year_figures(year, ax, block_id=block.id)
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
    _year(year)
    ax = queries.axes()
    args = request.args
    measure = args.get("measure", "held")
    if measure not in MEASURES:
        return _bad_request("集計項目(measure)の指定が正しくありません。")
    block_code = args.get("block") or None
    category_code = args.get("category") or None
    kind = args.get("kind") or None
    block_id, block, category = None, None, None
    if block_code == HQ:
        block_id = HQ
        if kind is not None and kind not in HQ_KINDS:
            return _bad_request("会議の種類(kind)の指定が正しくありません。")
    elif kind is not None and kind not in COUNCIL_KINDS:
        return _bad_request("種別(kind)の指定が正しくありません。")
    if block_code == NATIONAL:
        block_id = NATIONAL
    elif block_code is not None and block_code != HQ:
        block = ax.block(block_code)
        if block is None:
            return _bad_request("ブロックの指定が正しくありません。")
        block_id = block.id
    if category_code is not None:
        category = ax.category(category_code)
        if category is None:
            return _bad_request("活動区分の指定が正しくありません。")
    page = args.get("page", 1, type=int)
    if not 1 <= page <= MAX_ID:
        return _bad_request("ページの指定が正しくありません。")
    behind = queries.activities_behind(
        year,
        measure,
        block_id=block_id,
        category_id=category.id if category else None,
        kind=kind,
        user=current_user,
        ax=ax,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-behind.visible // PAGE_SIZE))
    link_args = {
        k: v
        for k, v in {
            "year": year,
            "measure": measure,
            "block": block_code,
            "category": category_code,
            "kind": kind,
        }.items()
        if v
    }
    return render_template(
        "reports/activities.html",
        year=year,
        ax=ax,
        measure=measure,
        measure_label=MEASURES[measure],
        block=block,
        is_hq=block_code == HQ,
        is_national=block_code == NATIONAL,
        kind=kind,
        council_kinds=COUNCIL_KINDS,
        hq_labels=exports.HQ_LABELS,
        category=category,
        behind=behind,
        page=page,
        pages=pages,
        link_args=link_args,
    )


@bp.route("/fy/<int:first>-<int:last>")
def years(first: int, last: int):
    try:
        figures = queries.range_figures(first, last)
    except ReportError as error:
        return _bad_request(str(error))
    ax = figures.axes
    columns = [(str(y), figures.by_category[y]) for y in figures.years]
    by_category = charts.stacked_bars(columns, [(c.code, c.short_name) for c in ax.categories])
    columns = [(str(y), figures.by_block[y]) for y in figures.years]
    by_block = charts.stacked_bars(columns, [(b.code, b.name) for b in ax.blocks])
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
    _year(year)
    ax = queries.axes()
    figures = queries.year_figures(year, ax)
    rows = queries.detail_rows(year, None, current_user, ax=ax)
    by_block = {b.code: [] for b in ax.blocks}
    for row in rows:
        by_block[row.block_code].append(row)
    return render_template(
        "reports/print.html",
        f=figures,
        by_block=by_block,
        measures=MEASURES,
        pva_columns=PLAN_VS_ACTUAL,
        hq_kinds=HQ_KINDS,
        hq_labels=exports.HQ_LABELS,
        now=utc_now(),
    )


@bp.route("/fy/<int:year>.csv")
def csv_export(year: int):
    _year(year)
    _require_export()
    part = request.args.get("part", "matrix")
    if part not in CSV_PARTS:
        return _bad_request("出力する表(part)は matrix、detail、plan、hq のいずれかです。")
    ax = queries.axes()
    figures = queries.year_figures(year, ax)
    if part == "detail":
        rows = queries.detail_rows(year, None, current_user, ax=ax)
        rows += queries.detail_rows(year, NATIONAL, current_user, ax=ax)
        table = exports.detail_table(rows, figures)
    elif part == "plan":
        table = exports.plan_rows(figures)
    elif part == "hq":
        table = exports.hq_rows(figures)
    else:
        table = exports.matrix_rows(figures)
    names = {"matrix": "活動実績", "detail": "活動実績詳細", "plan": "活動計画", "hq": "本府省会議"}
    return Response(
        exports.to_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": exports.content_disposition(
                f"fy{year}_{part}.csv", f"{figures.label}_{names[part]}.csv"
            )
        },
    )


@bp.route("/fy/<int:year>.xlsx")
def xlsx_export(year: int):
    _year(year)
    _require_export()
    ax = queries.axes()
    figures = queries.year_figures(year, ax)
    rows = queries.detail_rows(year, None, current_user, ax=ax)
    national = queries.detail_rows(year, NATIONAL, current_user, ax=ax)
    body = exports.to_xlsx(figures, rows, now=utc_now(), national=national)
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": exports.content_disposition(
                f"fy{year}_report.xlsx", f"{figures.label}_活動実績.xlsx"
            )
        },
    )
