"""The funding survey (資金投入状況) pages: the year page with its CSV/XLSX siblings, the
records list, hand entry and the import. Headquarters reads and writes every block; a
secretariat reads its own block."""

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from council import fiscal, permissions
from council.analysis.access import signed_in_analyst
from council.analysis.funding import charts, exports, queries, services
from council.analysis.funding.forms import FundingForm, FundingImportForm
from council.analysis.funding.importer import COLUMNS, read_funding
from council.analysis.funding.models import KINDS, FundingRecord
from council.cache import kept
from council.converters import page_arg
from council.directory.models import Block, Ministry
from council.extensions import db, utc_now
from council.figures.exports import download
from council.measures.models import Measure
from council.reference.models import Prefecture, ResearchField
from council.web.forms import run_action, save_form
from council.web.requests import require, year_or_404

bp = Blueprint("funding", __name__, url_prefix="/analysis/funding")

RECORDS_PAGE = 200


bp.before_request(signed_in_analyst)


@bp.route("/")
def index():
    year = request.args.get("year", type=int) or queries.latest_year(fiscal.current_fiscal_year())
    return redirect(url_for("funding.year", year=year))


@bp.route("/<int:year>")
def year(year: int):
    """The year's survey. Its content is a pure function of the data: rendered once per
    (year, the viewer's blocks, editing rights, data version) in this process."""
    year_or_404(year)
    block_ids = permissions.analysis_block_ids(current_user)
    can_edit = permissions.can_edit_funding(current_user)
    current = fiscal.current_fiscal_year()
    key = (year, tuple(block_ids) if block_ids is not None else None, can_edit, current)
    content = kept(
        "funding.page", key, queries.data_version(), lambda: _content(year, block_ids, can_edit)
    )
    return render_template("analysis/funding.html", year=year, content=content)


def _content(year: int, block_ids: list[int] | None, can_edit: bool) -> Markup:
    figures = queries.year_figures(year, block_ids)
    return Markup(
        render_template(
            "analysis/_funding_content.html",
            f=figures,
            kinds=KINDS,
            charts={
                kind: (charts.by_block(figures, kind), charts.by_field(figures, kind))
                for kind in KINDS
            },
            years=range(fiscal.current_fiscal_year() + 1, 2004, -1),
            can_edit=can_edit,
        )
    )


# The year's page as a file: the body by extension.
DOWNLOADS = {
    "csv": exports.to_csv_bytes,
    "xlsx": lambda figures: exports.to_xlsx(figures, now=utc_now()),
}


def _download(year: int, ext: str) -> Response:
    year_or_404(year)
    figures = queries.year_figures(year, permissions.analysis_block_ids(current_user))
    return download(
        DOWNLOADS[ext](figures), f"funding_fy{year}.{ext}", f"{figures.label}_資金投入状況.{ext}"
    )


@bp.route("/<int:year>.csv")
def csv_export(year: int):
    return _download(year, "csv")


@bp.route("/<int:year>.xlsx")
def xlsx_export(year: int):
    return _download(year, "xlsx")


@bp.route("/<int:year>/records")
def records(year: int):
    year_or_404(year)
    block_ids = permissions.analysis_block_ids(current_user)
    page = page_arg(request.args)
    query = sa.select(FundingRecord).where(FundingRecord.fiscal_year == year)
    if block_ids is not None:
        query = query.where(FundingRecord.block_id.in_(block_ids))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(FundingRecord.kind, FundingRecord.block_id, FundingRecord.id)
        .limit(RECORDS_PAGE)
        .offset((page - 1) * RECORDS_PAGE)
        .options(
            sa.orm.joinedload(FundingRecord.block),
            sa.orm.joinedload(FundingRecord.field),
            sa.orm.joinedload(FundingRecord.ministry),
            sa.orm.joinedload(FundingRecord.measure),
        )
    ).all()
    return render_template(
        "analysis/funding_records.html",
        year=year,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // RECORDS_PAGE)),
        can_edit=permissions.can_edit_funding(current_user),
    )


def _form(form: FundingForm) -> FundingForm:
    form.set_choices(
        db.session.scalars(sa.select(Ministry).order_by(Ministry.sort_order)).all(),
        db.session.scalars(
            sa.select(Measure)
            .order_by(Measure.sort_order)
            .options(sa.orm.joinedload(Measure.ministry))
        ).all(),
        db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all(),
        db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)).all(),
        db.session.scalars(sa.select(ResearchField).order_by(ResearchField.sort_order)).all(),
    )
    return form


def _save(form: FundingForm, record: FundingRecord | None):
    saved = save_form(form, lambda: services.save_record(form.values(), record=record))
    if saved:
        flash("資金投入の記録を保存しました。", "success")
        return redirect(url_for("funding.records", year=saved.result.fiscal_year))
    # These pages have always answered an entry they cannot take with 422.
    status = 200 if saved.status == 200 else 422
    return render_template("analysis/funding_form.html", form=form, record=record), status


@bp.route("/records/new", methods=["GET", "POST"])
def new_record():
    require(permissions.can_edit_funding(current_user))
    form = _form(FundingForm())
    if request.method == "GET":
        form.fiscal_year.data = request.args.get("year", "")
    return _save(form, None)


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
def edit_record(record_id: int):
    record = db.get_or_404(FundingRecord, record_id)
    require(permissions.can_edit_funding(current_user))
    form = _form(FundingForm())
    if request.method == "GET":
        form.fill(record)
    return _save(form, record)


@bp.post("/records/<int:record_id>/delete")
def delete_record(record_id: int):
    record = db.get_or_404(FundingRecord, record_id)
    require(permissions.can_edit_funding(current_user))
    year = record.fiscal_year
    run_action(lambda: services.delete_record(record))
    flash("資金投入の記録を削除しました。", "success")
    return redirect(url_for("funding.records", year=year))


@bp.route("/import", methods=["GET", "POST"])
def upload():
    require(permissions.can_edit_funding(current_user))
    form = FundingImportForm()
    saved = save_form(form, lambda: _import(form.file.data, dry_run=form.dry_run.data))
    upload = form.file.data
    filename = (getattr(upload, "filename", "") or "").replace("\r", "").replace("\n", "")[:200]
    # An invalid form or a refused file is a 422 here, as it has always been.
    return render_template(
        "analysis/funding_import.html",
        form=form,
        columns=COLUMNS,
        problems=getattr(saved.error, "problems", []),
        summary=saved.result,
        filename=filename if request.method == "POST" else None,
        dry_run=form.dry_run.data,
    ), (422 if saved.status == 400 else saved.status)


def _import(upload, *, dry_run: bool):
    summary = services.import_rows(read_funding(upload.read()))
    if dry_run:
        db.session.rollback()  # checked, not written: save_form then commits nothing
    return summary
