"""Directory pages: the blocks, each block's roster by fiscal year, an agency's page, and the
secretariats' editing of their own block's agencies, memberships and contacts."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.audit.hooks import set_reason
from council.audit.queries import history_for_objects
from council.cleaning import CONTROL_TEXT
from council.directory import queries, services
from council.directory.csv import exporter, importer
from council.directory.forms import (
    AgencyCreateForm,
    AgencyForm,
    ContactForm,
    ImportForm,
    MembershipAddForm,
    MembershipForm,
    ReasonForm,
    fy_choices,
)
from council.directory.models import AGENCY_KINDS, Agency, Block, Contact, Membership, Ministry
from council.extensions import db
from council.reference.models import Prefecture
from council.tables.results import ImportRejected

bp = Blueprint("directory", __name__)


def _block_or_404(code: str) -> Block:
    # Block codes are short ASCII words; anything else (a NUL, say) is simply not found.
    block = queries.get_block_by_code(code) if code.isascii() and code.isalnum() else None
    if block is None:
        abort(404)
    return block


def _apply_error(form, error: services.DirectoryError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


def _ministry_choices() -> list:
    ministries = db.session.scalars(sa.select(Ministry).order_by(Ministry.sort_order))
    return [("", "(なし)")] + [(m.id, m.name) for m in ministries]


def _prefecture_choices() -> list:
    prefectures = db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id))
    return [("", "(なし)")] + [(p.id, f"{p.code} {p.name}") for p in prefectures]


# --- pages ---------------------------------------------------------------------------------


@bp.route("/blocks")
def blocks():
    return render_template("directory/blocks.html", blocks=queries.list_blocks())


@bp.route("/blocks/<code>")
def block(code: str):
    block = _block_or_404(code)
    year = fiscal.parse_fiscal_year(request.args.get("fy")) or fiscal.current_fiscal_year()
    years = queries.membership_years(block)
    if year not in years:
        year = years[-1]
    kind, prefecture_id = _organisation_filters()
    roster = queries.list_block_agencies(block, year, kind=kind, prefecture_id=prefecture_id)
    return render_template(
        "directory/block.html",
        block=block,
        roster=roster,
        kinds=AGENCY_KINDS,
        prefectures=_prefectures(),
        kind=kind,
        prefecture_id=prefecture_id,
        year=year,
        years=years,
        can_manage=permissions.can_manage_block_directory(current_user, block.id),
    )


def _prefectures() -> list[Prefecture]:
    return list(db.session.scalars(sa.select(Prefecture).order_by(Prefecture.id)))


def _organisation_filters() -> tuple[str | None, int | None]:
    """?kind=<code>&pref=<JIS code>; unknown values are ignored."""
    kind = request.args.get("kind") or None
    pref = request.args.get("pref") or ""
    prefecture_id = int(pref) if pref.isdigit() and 1 <= int(pref) <= 47 else None
    return (kind if kind in AGENCY_KINDS else None), prefecture_id


@bp.route("/agencies")
def organisations():
    """The one register of organisations: members and non-members, by kind and prefecture."""
    kind, prefecture_id = _organisation_filters()
    return render_template(
        "directory/organisations.html",
        organisations=queries.list_organisations(kind, prefecture_id),
        kinds=AGENCY_KINDS,
        prefectures=_prefectures(),
        kind=kind,
        prefecture_id=prefecture_id,
    )


@bp.route("/agencies/<int:agency_id>")
def agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    history = []
    if permissions.can_view_audit(current_user):
        history = history_for_objects(
            {
                "Agency": [agency.id],
                "Membership": [m.id for m in agency.memberships],
                "Contact": [c.id for c in agency.contacts],
            },
            viewer=current_user,
        )
    return render_template(
        "directory/agency.html",
        agency=agency,
        history=history,
        can_manage=permissions.can_manage_agency(current_user, agency),
        reason_form=ReasonForm(formdata=None),
    )


# --- agencies ------------------------------------------------------------------------------


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
def new_agency():
    if not permissions.can_create_agency(current_user):
        abort(403)
    blocks = [
        b
        for b in queries.list_blocks()
        if permissions.can_manage_block_directory(current_user, b.id)
    ]
    form = AgencyCreateForm()
    form.ministry_id.choices = _ministry_choices()
    form.prefecture_id.choices = _prefecture_choices()
    form.block_id.choices = [(b.id, b.name) for b in blocks]
    form.first_fy.choices = fy_choices()
    raw_block = request.form.get("block_id")
    if raw_block and raw_block not in {str(b.id) for b in blocks}:
        abort(403)  # another block's roster: not this user's to add to
    if request.method == "GET":
        preset = next((b for b in blocks if b.code == request.args.get("block")), None)
        form.block_id.data = (preset or blocks[0]).id if blocks else None
        form.first_fy.data = fiscal.current_fiscal_year()
    if form.validate_on_submit():
        if not permissions.can_manage_block_directory(current_user, form.block_id.data):
            abort(403)
        try:
            agency = services.create_agency(
                name=form.name.data,
                kind=form.kind.data,
                ministry_id=form.ministry_id.data,
                prefecture_id=form.prefecture_id.data,
                city=form.city.data or "",
                block_id=form.block_id.data,
                first_fy=form.first_fy.data,
            )
        except services.DirectoryError as error:
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{agency.name}を登録しました。", "success")
            return redirect(url_for("directory.agency", agency_id=agency.id))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/agency_form.html", form=form, agency=None), status


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    if not permissions.can_manage_agency(current_user, agency):
        abort(403)
    form = AgencyForm(obj=agency)
    form.ministry_id.choices = _ministry_choices()
    form.prefecture_id.choices = _prefecture_choices()
    if request.method == "GET":
        form.loaded_at.data = services.version_token(agency)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_agency(
                agency,
                name=form.name.data,
                kind=form.kind.data,
                ministry_id=form.ministry_id.data,
                prefecture_id=form.prefecture_id.data,
                city=form.city.data or "",
                expected_version=form.loaded_at.data,
            )
        except services.DirectoryConflict as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            # The next save is deliberate: the user has now seen the newer version.
            form.loaded_at.data = services.version_token(agency)
            status = 409
        except services.DirectoryError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{agency.name}を更新しました。", "success")
            return redirect(url_for("directory.agency", agency_id=agency.id))
    return render_template("directory/agency_form.html", form=form, agency=agency), status


def _set_active(agency_id: int, active: bool):
    agency = db.get_or_404(Agency, agency_id)
    if not permissions.can_manage_agency(current_user, agency):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    set_reason(db.session, form.reason.data or "")
    services.set_agency_active(agency, active)
    db.session.commit()
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


# --- memberships ---------------------------------------------------------------------------


@bp.route("/blocks/<code>/members/new", methods=["GET", "POST"])
@login_required
def add_membership(code: str):
    block = _block_or_404(code)
    if not permissions.can_manage_block_directory(current_user, block.id):
        abort(403)
    current_ids = set(
        db.session.scalars(
            sa.select(Membership.agency_id).where(
                Membership.block_id == block.id, Membership.last_fy.is_(None)
            )
        )
    )
    candidates = [
        a
        for a in db.session.scalars(
            sa.select(Agency)
            .join(Ministry, Ministry.id == Agency.ministry_id)
            .where(Agency.is_active.is_(True))
            .order_by(Ministry.sort_order, Agency.name)
        )
        if a.id not in current_ids
    ]
    form = MembershipAddForm()
    form.agency_id.choices = [("", "選択してください")] + [
        (a.id, f"{a.name}({a.ministry.name})") for a in candidates
    ]
    form.first_fy.choices = fy_choices()
    if request.method == "GET":
        form.first_fy.data = fiscal.current_fiscal_year()
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        try:
            services.add_membership(agency=agency, block=block, first_fy=form.first_fy.data)
        except services.DirectoryError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{agency.name}を{block.name}ブロックの構成機関に加えました。", "success")
            return redirect(url_for("directory.block", code=block.code))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/membership_add.html", form=form, block=block), status


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@login_required
def edit_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    if not permissions.can_manage_membership(current_user, membership):
        abort(403)
    form = MembershipForm(obj=membership)
    form.first_fy.choices = fy_choices(membership.first_fy)
    form.last_fy.choices = fy_choices(membership.last_fy, blank="(継続中)")
    if request.method == "GET" and membership.last_fy is None:
        form.last_fy.data = None
    if form.validate_on_submit():
        set_reason(db.session, form.reason.data or "")
        try:
            services.update_membership(
                membership, first_fy=form.first_fy.data, last_fy=form.last_fy.data
            )
        except services.DirectoryError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash("参加期間を更新しました。", "success")
            return redirect(url_for("directory.agency", agency_id=membership.agency_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/membership_form.html", form=form, membership=membership
    ), status


@bp.route("/memberships/<int:membership_id>/delete", methods=["POST"])
@login_required
def delete_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    if not permissions.can_manage_membership(current_user, membership):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    agency_id = membership.agency_id
    set_reason(db.session, form.reason.data or "")
    try:
        services.delete_membership(membership)
    except services.DirectoryError as error:
        db.session.rollback()
        abort(409, description=str(error))
    db.session.commit()
    flash("参加の登録を削除しました。", "success")
    return redirect(url_for("directory.agency", agency_id=agency_id))


# --- contacts ------------------------------------------------------------------------------


@bp.route("/agencies/<int:agency_id>/contacts/new", methods=["GET", "POST"])
@login_required
def new_contact(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    if not permissions.can_manage_agency(current_user, agency):
        abort(403)
    form = ContactForm()
    if form.validate_on_submit():
        services.add_contact(
            agency,
            name=form.name.data,
            title=form.title.data or "",
            email=form.email.data or "",
            phone=form.phone.data or "",
        )
        db.session.commit()
        flash("担当者を追加しました。", "success")
        return redirect(url_for("directory.agency", agency_id=agency.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/contact_form.html", form=form, agency=agency, contact=None
    ), status


def _manageable_contact(contact_id: int) -> Contact:
    contact = db.get_or_404(Contact, contact_id)
    if not permissions.can_manage_agency(current_user, contact.agency):
        abort(403)
    return contact


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(contact_id: int):
    contact = _manageable_contact(contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        services.update_contact(
            contact,
            name=form.name.data,
            title=form.title.data or "",
            email=form.email.data or "",
            phone=form.phone.data or "",
        )
        db.session.commit()
        flash("担当者を更新しました。", "success")
        return redirect(url_for("directory.agency", agency_id=contact.agency_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/contact_form.html", form=form, agency=contact.agency, contact=contact
    ), status


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@login_required
def delete_contact(contact_id: int):
    contact = _manageable_contact(contact_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    agency_id = contact.agency_id
    services.delete_contact(contact)
    db.session.commit()
    flash("担当者を削除しました。", "success")
    return redirect(url_for("directory.agency", agency_id=agency_id))


# --- CSV -----------------------------------------------------------------------------------


@bp.route("/directory.csv")
@login_required
def export_csv():
    if not permissions.can_export_directory(current_user):
        abort(403)
    code = request.args.get("block")
    block = _block_or_404(code) if code else None
    body = exporter.export_directory(block)
    filename = f"directory-{block.code}.csv" if block else "directory.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/directory/import", methods=["GET", "POST"])
@login_required
def import_csv():
    if not permissions.can_import_directory(current_user):
        abort(403)
    form = ImportForm()
    problems, status = [], 200
    if form.validate_on_submit():
        upload = form.file.data
        filename = CONTROL_TEXT.sub("", upload.filename or "")
        set_reason(db.session, f"CSV取込: {filename}"[:500])
        try:
            rows = importer.parse(upload.read(), actor=current_user)
        except ImportRejected as refused:
            db.session.rollback()
            problems = refused.problems
            # Rows of a block the user does not maintain: refused as any other write would be.
            status = 403 if refused.is_forbidden else 400
        else:
            result = services.import_directory(rows)
            db.session.commit()
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
            return redirect(url_for("directory.import_csv"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "directory/import.html",
        form=form,
        problems=problems,
        columns=exporter.COLUMNS,
        own_block=current_user.block if current_user.is_secretariat else None,
    ), status
