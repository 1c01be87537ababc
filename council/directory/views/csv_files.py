"""The directory CSV: the export of a block's (or every) roster with contacts, and the import
that checks every row against the block the user maintains before writing any."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.audit.hooks import set_reason
from council.cleaning import CONTROL_TEXT
from council.directory import services
from council.directory.csv import exporter, importer
from council.directory.forms import ImportForm
from council.directory.views.blueprint import bp
from council.extensions import db
from council.web.forms import save_form
from council.web.requests import block_or_404, require


@bp.route("/directory.csv")
@login_required
def export_csv():
    require(permissions.can_export_directory(current_user))
    code = request.args.get("block")
    block = block_or_404(code) if code else None
    body = exporter.export_directory(block)
    filename = f"directory-{block.code}.csv" if block else "directory.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _flash_result(result) -> None:
    if result.changed:
        flash(
            "CSVを取り込みました。"
            f"機関 新規{result.agencies_created}件・更新{result.agencies_updated}件、"
            f"参加 新規{result.memberships_created}件・更新{result.memberships_updated}件、"
            f"担当者 新規{result.contacts_created}件・更新{result.contacts_updated}件。",
            "success",
        )
    else:
        flash("CSVを確認しました。変更はありませんでした。", "success")


@bp.route("/directory/import", methods=["GET", "POST"])
@login_required
def import_csv():
    require(permissions.can_import_directory(current_user))
    form = ImportForm()
    # Rows of a block the user does not maintain are refused (403) as any other write would be.
    saved = save_form(form, lambda: _import(form.file.data))
    if saved:
        _flash_result(saved.result)
        return redirect(url_for("directory.import_csv"))
    return render_template(
        "directory/import.html",
        form=form,
        problems=saved.error.problems if saved.error else [],
        columns=exporter.COLUMNS,
        own_block=current_user.block if current_user.is_secretariat else None,
    ), saved.status


def _import(upload):
    filename = CONTROL_TEXT.sub("", upload.filename or "")
    set_reason(db.session, f"CSV取込: {filename}"[:500])
    return services.import_directory(importer.parse(upload.read(), actor=current_user))
