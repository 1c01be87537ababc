"""The Activity CSV pages: upload (import) for secretariats, hq and admin; export download.

Import: load the file → check the page is theirs → validate every row (importer) → write →
commit once. A refused file writes nothing and lists every problem by line and column.
"""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField

from council import fiscal, permissions
from council.activities.csv import exporter, importer, store
from council.activities.csv.labels import COLUMNS, HEADERS
from council.activities.models import NATIONAL
from council.directory.models import Block
from council.extensions import db
from council.web.forms import run_action
from council.web.requests import require

bp = Blueprint("imports", __name__, url_prefix="/activities")

FIRST_FY = 2005
HQ_FILTER = "hq"  # as on the activity list: the block filter value for headquarters meetings


class ImportForm(FlaskForm):
    file = FileField("CSVファイル", validators=[FileRequired("CSVファイルを選んでください。")])
    dry_run = BooleanField("確認だけ行う(取り込まない)")


class ConfirmImportForm(FlaskForm):
    """Imports the file kept by a dry run, named by its token."""

    token = HiddenField()


def _page(form, status=200, **context):
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    years = list(range(fiscal.current_fiscal_year() + 1, FIRST_FY - 1, -1))
    return render_template(
        "activities/import.html",
        form=form,
        blocks=blocks,
        years=years,
        columns=COLUMNS,
        header_labels=[HEADERS[c] for c in COLUMNS],
        **context,
    ), status


def _import(data: bytes, filename: str, form, *, dry_run: bool):
    """Import (or, on a dry run, check and keep the file for the confirmation); a refused file
    lists its problems with 422 (403 for another block's rows)."""

    def act():
        summary = importer.import_activities(data, actor=current_user, source=filename)
        if dry_run:
            db.session.rollback()  # checked, not written: save_form then commits nothing
        return summary

    saved = run_action(act, form)
    if not saved:
        status = 422 if saved.status == 400 else saved.status
        return _page(form, status, problems=saved.error.problems, filename=filename)
    token = store.keep(_store_root(), current_user.id, data, filename) if dry_run else None
    return _page(form, summary=saved.result, filename=filename, dry_run=dry_run, token=token)


def _store_root() -> str:
    return current_app.config["UPLOAD_FOLDER"]


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    require(permissions.can_open_activity_import(current_user))
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, 422 if request.method == "POST" else 200)
    upload = form.file.data
    filename = (upload.filename or "").replace("\r", "").replace("\n", "")[:200]
    return _import(upload.read(), filename, form, dry_run=form.dry_run.data)


@bp.route("/import/confirm", methods=["POST"])
@login_required
def confirm():
    """Imports the file that a dry run checked, without choosing it again."""
    require(permissions.can_open_activity_import(current_user))
    confirm_form = ConfirmImportForm()
    form = ImportForm(formdata=None)
    if not confirm_form.validate_on_submit():
        abort(400)
    token = confirm_form.token.data or ""
    kept = store.load(_store_root(), current_user.id, token)
    if kept is None:
        return _page(form, 410, expired=True)
    data, filename = kept
    response = _import(data, filename, form, dry_run=False)
    if response[1] == 200:
        store.forget(_store_root(), current_user.id, token)
    return response


@bp.route("/import/template.csv")
@login_required
def template():
    """An empty Activity CSV with the Japanese headers, to fill in with Excel."""
    require(permissions.can_open_activity_import(current_user))
    return Response(
        exporter.template_csv(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="activities-template.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/export.csv")
@login_required
def export():
    require(permissions.can_export_activities(current_user))
    raw_year = request.args.get("fy", "").strip()
    block_code = request.args.get("block", "").strip()
    fiscal_year = fiscal.parse_fiscal_year(raw_year) if raw_year else None
    if raw_year and not (fiscal_year and fiscal.FIRST_YEAR <= fiscal_year <= fiscal.LAST_YEAR):
        abort(400)
    block = None
    if "\x00" in block_code:  # PostgreSQL refuses NUL in a parameter: no block has it
        abort(400)
    if block_code and block_code not in (HQ_FILTER, NATIONAL):
        block = db.session.scalar(sa.select(Block).where(Block.code == block_code))
        if block is None:
            abort(400)
    query = exporter.export_query(
        current_user,
        fiscal_year=fiscal_year,
        block_id=block.id if block else None,
        hq_only=block_code == HQ_FILTER,
        national_only=block_code == NATIONAL,
    )
    labels = request.args.get("labels") == "1"
    body = exporter.export_csv(db.session.scalars(query), labels=labels)
    name = "activities"
    if fiscal_year:
        name += f"-FY{fiscal_year}"
    if block_code:
        name += f"-{block.code if block else block_code}"
    if labels:
        name += "-labels"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
