"""A block's roster and an agency's contacts: seating an agency on a block, changing or
deleting a membership period, adding, editing and deleting contacts."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.audit.hooks import with_reason
from council.directory import queries, services
from council.directory.forms import ContactForm, MembershipAddForm, MembershipForm, fy_choices
from council.directory.models import Agency, Contact, Membership
from council.directory.views.blueprint import bp, button
from council.extensions import db
from council.formfields import ReasonForm
from council.web.forms import save_form
from council.web.requests import block_or_404, require

# --- memberships ---------------------------------------------------------------------------


@bp.route("/blocks/<code>/members/new", methods=["GET", "POST"])
@login_required
def add_membership(code: str):
    block = block_or_404(code)
    require(permissions.can_manage_block_directory(current_user, block.id))
    form = MembershipAddForm()
    form.agency_id.choices = [("", "選択してください")] + [
        (a.id, f"{a.name}({a.ministry.name})") for a in queries.membership_candidates(block)
    ]
    form.first_fy.choices = fy_choices()
    if request.method == "GET":
        form.first_fy.data = fiscal.current_fiscal_year()

    def add() -> Agency:
        agency = db.session.get(Agency, form.agency_id.data)
        services.add_membership(agency=agency, block=block, first_fy=form.first_fy.data)
        return agency

    saved = save_form(form, add)
    if saved:
        flash(f"{saved.result.name}を{block.name}ブロックの構成機関に加えました。", "success")
        return redirect(url_for("directory.block", code=block.code))
    return render_template("directory/membership_add.html", form=form, block=block), saved.status


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@login_required
def edit_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    require(permissions.can_manage_membership(current_user, membership))
    form = MembershipForm(obj=membership)
    form.first_fy.choices = fy_choices(membership.first_fy)
    form.last_fy.choices = fy_choices(membership.last_fy, blank="(継続中)")
    if request.method == "GET" and membership.last_fy is None:
        form.last_fy.data = None
    saved = save_form(
        form,
        with_reason(
            form,
            lambda: services.update_membership(
                membership, first_fy=form.first_fy.data, last_fy=form.last_fy.data
            ),
        ),
    )
    if saved:
        flash("参加期間を更新しました。", "success")
        return redirect(url_for("directory.agency", agency_id=membership.agency_id))
    return render_template(
        "directory/membership_form.html", form=form, membership=membership
    ), saved.status


@bp.route("/memberships/<int:membership_id>/delete", methods=["POST"])
@login_required
def delete_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    require(permissions.can_manage_membership(current_user, membership))
    agency_id = membership.agency_id
    form = ReasonForm()
    button(form, with_reason(form, lambda: services.delete_membership(membership)))
    flash("参加の登録を削除しました。", "success")
    return redirect(url_for("directory.agency", agency_id=agency_id))


# --- contacts ------------------------------------------------------------------------------


def _contact_values(form: ContactForm) -> dict:
    return {
        "name": form.name.data,
        "title": form.title.data or "",
        "email": form.email.data or "",
        "phone": form.phone.data or "",
    }


def _save_contact(form: ContactForm, agency: Agency, contact: Contact | None):
    """The contact form's one flow, for a new contact (None) and an existing one."""
    if contact is None:
        saved = save_form(form, lambda: services.add_contact(agency, **_contact_values(form)))
    else:
        saved = save_form(form, lambda: services.update_contact(contact, **_contact_values(form)))
    if saved:
        flash("担当者を追加しました。" if contact is None else "担当者を更新しました。", "success")
        return redirect(url_for("directory.agency", agency_id=agency.id))
    return render_template(
        "directory/contact_form.html", form=form, agency=agency, contact=contact
    ), saved.status


@bp.route("/agencies/<int:agency_id>/contacts/new", methods=["GET", "POST"])
@login_required
def new_contact(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    require(permissions.can_manage_agency(current_user, agency))
    return _save_contact(ContactForm(), agency, None)


def _manageable_contact(contact_id: int) -> Contact:
    contact = db.get_or_404(Contact, contact_id)
    require(permissions.can_manage_agency(current_user, contact.agency))
    return contact


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(contact_id: int):
    contact = _manageable_contact(contact_id)
    return _save_contact(ContactForm(obj=contact), contact.agency, contact)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@login_required
def delete_contact(contact_id: int):
    contact = _manageable_contact(contact_id)
    agency_id = contact.agency_id
    button(ReasonForm(), lambda: services.delete_contact(contact))
    flash("担当者を削除しました。", "success")
    return redirect(url_for("directory.agency", agency_id=agency_id))
