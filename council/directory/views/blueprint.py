"""The directory's blueprint, shared by the modules of council.directory.views."""

from flask import Blueprint, abort

from council.web.forms import save_form

bp = Blueprint("directory", __name__)


def button(form, action) -> None:
    """The buttons (deactivate, delete) whose only field is the reason: a post that does not
    validate (no CSRF token, an over-long reason) is a bare 400, and a refusal (the
    secretariat's own seat) an error page with its message and status; on success the change
    is committed."""
    saved = save_form(form, action)
    if not saved:
        abort(saved.status, description=str(saved.error) if saved.error else None)
