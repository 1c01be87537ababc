"""The audit log's pages (変更履歴, blueprint `audit`): read-only. No route here or anywhere
edits or deletes an entry. The log itself, its hook on the session and its queries are the core
package council.audit; these pages are a reader of it like any other domain."""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.accounts.models import User
from council.activities.models import Activity
from council.audit import labels, queries
from council.converters import id_arg, page_arg
from council.directory.models import Agency, Block
from council.extensions import db
from council.history.forms import AuditFilterForm
from council.web.requests import require

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.app_template_filter("audit_type")
def _audit_type(object_type: str) -> str:
    return labels.object_type_label(object_type)


@bp.app_template_global("audit_changes")
def _audit_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each changed field of an entry, in readable Japanese."""
    out = []
    for field, pair in (entry.changes or {}).items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        out.append(
            (
                labels.field_label(entry.object_type, field),
                labels.value_label(entry.object_type, field, old),
                labels.value_label(entry.object_type, field, new),
            )
        )
    return out


@bp.app_template_global("audit_object_url")
def _audit_object_url(entry) -> str | None:
    """A link to the object's page, where there is one this viewer may open."""
    if entry.object_id is None or entry.action == "delete":
        return None
    endpoint, arg = {
        "Agency": ("directory.agency", "agency_id"),
        "Activity": ("activities.detail", "activity_id"),
        "User": ("accounts.edit_user", "user_id"),
    }.get(entry.object_type, (None, None))
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    # Only links this viewer can follow: never a page that would answer 403 or 404.
    if entry.object_type == "User":
        target = db.session.get(User, entry.object_id)
        if target is None or not permissions.can_manage_user(current_user, target):
            return None
    elif entry.object_type == "Activity":
        activity = db.session.get(Activity, entry.object_id)
        if activity is None or not permissions.can_view_activity(current_user, activity):
            return None
    elif entry.object_type == "Agency" and db.session.get(Agency, entry.object_id) is None:
        return None
    return url_for(endpoint, **{arg: entry.object_id})


@bp.route("/")
@login_required
def index():
    require(permissions.can_view_audit(current_user))
    form = AuditFilterForm(request.args)
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    if not permissions.is_staff(current_user):
        blocks = [b for b in blocks if b.id == current_user.block_id]
    form.object_type.choices = [("", "すべて")] + list(labels.OBJECT_TYPES.items())
    form.block.choices = [("", "すべて")] + [(b.code, b.name) for b in blocks]
    entries, total, status = [], 0, 200
    page = page_arg(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    if form.validate():
        block = next((b for b in blocks if b.code == form.block.data), None)
        filters = queries.AuditFilters(
            object_type=form.object_type.data or None,
            object_id=id_arg(request.args, "object_id"),
            block_id=block.id if block else None,
            actor=(form.actor.data or "").strip() or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        entries, total = queries.search_entries(current_user, filters, page=page, per_page=per_page)
    else:
        status = 400
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/index.html",
        form=form,
        entries=entries,
        total=total,
        page=page,
        pages=max((total + per_page - 1) // per_page, 1),
        args=args,
    ), status
