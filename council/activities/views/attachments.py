"""An activity's attached files: upload, download, delete, and the page for an upload that
is too large."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from council import permissions
from council.activities import attachments as files
from council.activities import queries
from council.activities.forms.attachment import AttachmentForm
from council.activities.views.base import bp, load
from council.activities.views.pages import max_upload_bytes, render_detail
from council.extensions import db
from council.web.forms import run_action, save_form
from council.web.requests import require
from council.web.setup import too_large_page


@bp.route("/<int:activity_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(activity_id: int):
    activity = load(activity_id)
    require(permissions.can_manage_attachments(current_user, activity))
    form = AttachmentForm()
    folder = current_app.config["UPLOAD_FOLDER"]
    with files.discarded_unless_committed(folder) as stored:
        saved = save_form(form, lambda: stored(_store(activity, form, folder)))
    if not saved:
        return render_detail(activity, status=saved.status, upload_form=form)
    flash(f"「{saved.result.original_name}」を添付しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attachments")


def _store(activity, form, folder: str):
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        raise files.UploadRefused("添付するファイルを選んでください。")
    return files.store_attachment(
        activity,
        upload.stream,
        upload.filename,
        actor=current_user,
        upload_folder=folder,
        max_bytes=max_upload_bytes(),
    )


@bp.route("/<int:activity_id>/attachments/<int:attachment_id>")
def download_attachment(activity_id: int, attachment_id: int):
    activity = load(activity_id)
    attachment = queries.get_attachment(activity, attachment_id)
    if attachment is None or not permissions.can_download_attachment(current_user, attachment):
        abort(404)
    path = files.path_of(current_app.config["UPLOAD_FOLDER"], attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    # Never rendered by the browser, whatever the bytes are.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:activity_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(activity_id: int, attachment_id: int):
    activity = load(activity_id)
    require(permissions.can_manage_attachments(current_user, activity))
    attachment = queries.get_attachment(activity, attachment_id)
    if attachment is None or attachment.deleted_at is not None:
        abort(404)
    done = run_action(lambda: files.delete_attachment(attachment, actor=current_user))
    if not done:
        abort(done.status)
    flash(f"「{attachment.original_name}」を削除しました。", "success")
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#attachments")


@bp.errorhandler(413)
def _too_large(error):
    """An upload over MAX_CONTENT_LENGTH is cut off before the view runs: say so plainly and
    lead back to the activity."""
    if request.endpoint != "activities.upload_attachment":
        return too_large_page(error)  # a form, not a file: the general page
    db.session.rollback()
    activity_id = (request.view_args or {}).get("activity_id")
    return render_template(
        "activities/too_large.html",
        activity_id=activity_id,
        max_label=files.max_label(max_upload_bytes()),
    ), 413
