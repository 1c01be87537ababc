"""Editing the portal's registers: headquarters edits every record, a secretariat the records
of its own block; imports and exports of each register."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.converters import page_arg
from council.errors import DomainError
from council.extensions import db
from council.portal import rows as rowmod
from council.portal.csv import exporter
from council.portal.csv.importer import import_register
from council.portal.forms import ImportForm, record_form
from council.portal.models import RECORD_STATUSES, TYPES
from council.portal.services import KIND_OF_TYPE, MODELS, save_record, set_status
from council.web.forms import run_action, save_form
from council.web.requests import require

bp = Blueprint("portal_manage", __name__, url_prefix="/portal/manage")
PAGE = 50


def _kind_or_404(type_: str) -> str:
    kind = KIND_OF_TYPE.get(type_)
    if kind is None:
        abort(404)
    return kind


@bp.route("/")
@login_required
def index():
    require(permissions.can_manage_portal(current_user))
    type_ = request.args.get("type", "facility")
    kind = _kind_or_404(type_)
    model = MODELS[kind]
    query = sa.select(model)
    if not permissions.is_staff(current_user):
        query = query.where(model.block_id == current_user.block_id)
    page = page_arg(request.args)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    records = db.session.scalars(
        query.order_by(model.id.desc()).limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    return render_template(
        "portal/manage/index.html",
        records=records,
        type_=type_,
        total=total,
        page=page,
        pages=(total + PAGE - 1) // PAGE,
        statuses=RECORD_STATUSES,
    )


def _save(kind: str, type_: str, record):
    form = record_form(
        kind,
        formdata=request.form if request.method == "POST" else None,
        data=exporter.cell_dict(kind, record) if record is not None else None,
    )
    saved = save_form(form, lambda: _store(kind, record, form.cleaned.values))
    if saved:
        record, _ = saved.result
        flash("保存しました。", "success")
        return redirect(url_for("portal_manage.edit", type=type_, record_id=record.id))
    return render_template(
        "portal/manage/edit.html", form=form, record=record, type_=type_, type_label=TYPES[type_]
    ), saved.status


def _store(kind: str, record, values: dict):
    """The block the values put the record in is known only once they are cleaned: a
    secretariat may not file a record under another block (403, like any refusal)."""
    require(permissions.can_assign_portal_block(current_user, values.get("_block_id")))
    return save_record(kind, record, values, actor=current_user)


@bp.route("/<type>/new", methods=["GET", "POST"])
@login_required
def new(type: str):
    kind = _kind_or_404(type)
    require(permissions.can_manage_portal(current_user))
    return _save(kind, type, None)


@bp.route("/<type>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(type: str, record_id: int):
    kind = _kind_or_404(type)
    record = db.get_or_404(MODELS[kind], record_id)
    require(permissions.can_edit_portal_record(current_user, record))
    return _save(kind, type, record)


@bp.route("/<type>/<int:record_id>/status", methods=["POST"])
@login_required
def change_status(type: str, record_id: int):
    kind = _kind_or_404(type)
    record = db.get_or_404(MODELS[kind], record_id)
    require(permissions.can_edit_portal_record(current_user, record))
    status = request.form.get("status", "")
    if status not in RECORD_STATUSES:
        abort(400)
    saved = run_action(lambda: set_status(record, status, actor=current_user))
    if not saved:
        abort(saved.status)
    flash(f"公開状態を「{RECORD_STATUSES[status]}」にしました。", "success")
    return redirect(url_for("portal_manage.edit", type=type, record_id=record_id))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    require(permissions.can_manage_portal(current_user))
    form = ImportForm()
    saved = save_form(form, lambda: _import(form))
    problems = getattr(saved.error, "problems", [])
    return render_template(
        "portal/manage/import.html", form=form, problems=problems, summary=saved.result
    ), saved.status


def _import(form):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError("ファイルを選んでください。", "file")
    return import_register(
        form.kind.data, upload.read(), actor=current_user, filename=upload.filename
    )


@bp.route("/export/<kind>.<ext>")
@login_required
def export(kind: str, ext: str):
    require(permissions.can_manage_portal(current_user))
    if kind not in rowmod.COLUMNS or ext not in ("csv", "xlsx"):
        abort(404)
    if ext == "csv":
        body, mimetype = exporter.export_csv(kind), "text/csv; charset=utf-8"
    else:
        body = exporter.export_xlsx(kind)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=portal_{kind}.{ext}"
    return response
