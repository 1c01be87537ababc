"""Registering, editing, deactivating and reactivating an agency."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.audit.hooks import with_reason
from council.directory import queries, services
from council.directory.forms import AgencyCreateForm, AgencyForm, fy_choices
from council.directory.models import Agency, Block
from council.directory.views.blueprint import bp, button
from council.extensions import db
from council.formfields import ReasonForm
from council.locking import EditConflict, parse_version
from council.web.forms import save_form
from council.web.requests import require


def _set_place_choices(form: AgencyForm) -> None:
    form.ministry_id.choices = [("", "(なし)")] + [
        (m.id, m.name) for m in queries.list_ministries()
    ]
    form.prefecture_id.choices = [("", "(なし)")] + [
        (p.id, f"{p.code} {p.name}") for p in queries.list_prefectures()
    ]


def _agency_values(form: AgencyForm) -> dict:
    """The agency's own fields, as both the new and the edit form post them."""
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "ministry_id": form.ministry_id.data,
        "prefecture_id": form.prefecture_id.data,
        "city": form.city.data or "",
    }


def _create_form(blocks: list[Block]) -> AgencyCreateForm:
    """The form offers only the blocks this user maintains; a new page starts on the block the
    user came from (?block=) and the current fiscal year."""
    form = AgencyCreateForm()
    _set_place_choices(form)
    form.block_id.choices = [(b.id, b.name) for b in blocks]
    form.first_fy.choices = fy_choices()
    if request.method == "GET":
        preset = next((b for b in blocks if b.code == request.args.get("block")), None)
        form.block_id.data = (preset or blocks[0]).id if blocks else None
        form.first_fy.data = fiscal.current_fiscal_year()
    return form


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
def new_agency():
    require(permissions.can_create_agency(current_user))
    blocks = [
        b
        for b in queries.list_blocks()
        if permissions.can_manage_block_directory(current_user, b.id)
    ]
    # Another block's roster is not this user's to add to.
    raw_block = request.form.get("block_id")
    require(not raw_block or raw_block in {str(b.id) for b in blocks})
    form = _create_form(blocks)

    def create() -> Agency:
        require(permissions.can_manage_block_directory(current_user, form.block_id.data))
        return services.create_agency(
            **_agency_values(form), block_id=form.block_id.data, first_fy=form.first_fy.data
        )

    saved = save_form(form, create)
    if saved:
        flash(f"{saved.result.name}を登録しました。", "success")
        return redirect(url_for("directory.agency", agency_id=saved.result.id))
    return render_template("directory/agency_form.html", form=form, agency=None), saved.status


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    require(permissions.can_manage_agency(current_user, agency))
    form = AgencyForm(obj=agency)
    _set_place_choices(form)
    saved = save_form(
        form,
        lambda: services.update_agency(
            agency,
            **_agency_values(form),
            expected_version=parse_version(form.version.data),
        ),
    )
    if saved:
        flash(f"{agency.name}を更新しました。", "success")
        return redirect(url_for("directory.agency", agency_id=agency.id))
    if isinstance(saved.error, EditConflict):
        # The next save is deliberate: the user has now seen the newer version.
        form.version.data = agency.version
    return render_template("directory/agency_form.html", form=form, agency=agency), saved.status


def _set_active(agency_id: int, active: bool):
    agency = db.get_or_404(Agency, agency_id)
    require(permissions.can_manage_agency(current_user, agency))
    form = ReasonForm()
    button(form, with_reason(form, lambda: services.set_agency_active(agency, active)))
    flash(f"{agency.name}を{'有効に戻しました' if active else '廃止にしました'}。", "success")
    return redirect(url_for("directory.agency", agency_id=agency.id))


@bp.route("/agencies/<int:agency_id>/deactivate", methods=["POST"])
@login_required
def deactivate_agency(agency_id: int):
    return _set_active(agency_id, False)


@bp.route("/agencies/<int:agency_id>/reactivate", methods=["POST"])
@login_required
def reactivate_agency(agency_id: int):
    return _set_active(agency_id, True)
