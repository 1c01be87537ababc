"""The one way a view saves a form.

    form = AgencyForm(obj=agency)
    saved = save_form(form, lambda: services.update_agency(agency, ...))
    if saved:
        flash("…を更新しました。", "success")
        return redirect(url_for(...))
    return render_template("directory/agency_form.html", form=form), saved.status

`save_form` validates; on a valid post it calls the action (a service, which only flushes),
commits once, and reports success. A refused action (a `DomainError`) rolls back, lands next to
its field or above the form, and sets the status to answer with (400, 409 for a conflict); an
invalid post is a 400; a GET is a 200. The user's text stays in the form in every case.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from council.errors import DomainError
from council.extensions import db


@dataclass
class Saved:
    ok: bool
    status: int
    result: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


def apply_error(form, error: DomainError) -> None:
    """Show a refused action's message next to the field it names, or above the form."""
    if not error.on_form:
        return
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


def save_form(form, action: Callable[[], Any]) -> Saved:
    if not form.validate_on_submit():
        return Saved(False, 400 if request.method == "POST" else 200)
    return run_action(action, form)


def run_action(action: Callable[[], Any], form=None) -> Saved:
    """Act and commit once; a DomainError rolls back and, with a form, lands on it. For the
    buttons that post no fields of their own (approve, cancel), after their CSRF check."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            apply_error(form, error)
        return Saved(False, error.status, error=error)
    db.session.commit()
    return Saved(True, 200, result)
