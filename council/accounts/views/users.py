"""User management: the list of the accounts a manager manages, creating and editing them, and
unlocking a login held after repeated failures."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from council import permissions
from council.accounts import queries, services, throttle
from council.accounts.forms import UserCreateForm, UserForm
from council.accounts.models import ROLES, User
from council.accounts.views.blueprint import bp
from council.audit.queries import history_for
from council.cleaning import without_control
from council.converters import page_arg
from council.extensions import db
from council.formfields import ReasonForm
from council.web.forms import run_action, save_form
from council.web.requests import require


def manageable_user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    require(permissions.can_manage_user(current_user, user))
    return user


def _set_choices(form: UserForm, target: User | None = None) -> None:
    """Offer only what this manager may assign: roles, blocks, and agencies of their block."""
    form.role.choices = [(r, ROLES[r]) for r in permissions.assignable_roles(current_user)]
    blocks, agencies = queries.assignable_blocks_and_agencies(current_user)
    # Keep the target's current agency selectable even if it has since been deactivated.
    if target is not None and target.agency is not None and target.agency not in agencies:
        agencies = [target.agency, *agencies]
    form.block_id.choices = [("", "(なし)")] + [(b.id, b.name) for b in blocks]
    form.agency_id.choices = [("", "(なし)")] + [(a.id, a.name) for a in agencies]


def _within_scope(form: UserForm) -> bool:
    """A submitted role, block or agency that was not offered asks for what this manager may
    not assign (the selects offer nothing else): refused as 403, like any other block's data."""
    if request.method != "POST":
        return True
    for field in (form.role, form.block_id, form.agency_id):
        raw = request.form.get(field.name)
        if raw and raw not in {str(choice.value) for choice in field.choices}:
            return False
    return True


def edit_form(user: User) -> UserForm:
    """The edit form as stored, for pages that answer another form's post."""
    form = UserForm(formdata=None, obj=user)
    _set_choices(form, target=user)
    return form


def render_edit(user: User, form: UserForm, *, reason_form=None, status: int = 200):
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        reason_form=reason_form or ReasonForm(formdata=None),
        token_count=len(services.active_api_tokens(user)),
        history=history_for("User", user.id, viewer=current_user),
    ), status


@bp.route("/users")
@login_required
def users():
    require(permissions.can_manage_users(current_user))
    q = without_control(request.args.get("q"), 100)
    role = request.args.get("role") or ""
    state = request.args.get("state") or "active"
    page = page_arg(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    found = queries.list_manageable_users(
        current_user, q=q, role=role, state=state, page=page, per_page=per_page
    )
    return render_template(
        "accounts/users.html",
        locked=throttle.locked_accounts() if permissions.can_unlock_logins(current_user) else [],
        users=found.users,
        total=found.total,
        page=page,
        pages=max((found.total + per_page - 1) // per_page, 1),
        filters={"q": q, "role": role, "state": state},
        roles=ROLES,
    )


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock_login(user_id: int):
    user = db.get_or_404(User, user_id)
    require(permissions.can_unlock_logins(current_user))
    run_action(lambda: services.unlock_login(user))
    flash(f"{user.name}さんのログインのロックを解除しました。", "success")
    return redirect(url_for("accounts.users"))


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    require(permissions.can_manage_users(current_user))
    form = UserCreateForm()
    _set_choices(form)
    require(_within_scope(form))
    password = form.password.data or services.generate_password()

    def create() -> User:
        user = services.create_user(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=password,
            block_id=form.block_id.data,
            agency_id=form.agency_id.data,
        )
        require(permissions.can_manage_user(current_user, user))
        return user

    saved = save_form(form, create)
    if not saved:
        return render_template("accounts/user_form.html", form=form, user=None), saved.status
    flash(f"{saved.result.name}さんのアカウントを作成しました。", "success")
    # The initial password is shown on this response only; it is never stored in clear.
    return render_template(
        "accounts/user_password.html",
        user=saved.result,
        password=None if form.password.data else password,
        created=True,
    ), 201


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    user = manageable_user_or_404(user_id)
    form = UserForm(obj=user)
    _set_choices(form, target=user)
    require(_within_scope(form))

    def update() -> None:
        services.update_user(
            user,
            actor=current_user,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            block_id=form.block_id.data,
            agency_id=form.agency_id.data,
        )
        # The change must leave the user among this manager's own.
        require(permissions.can_manage_user(current_user, user))

    saved = save_form(form, update)
    if saved:
        flash("ユーザー情報を更新しました。", "success")
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_edit(user, form, status=saved.status)
