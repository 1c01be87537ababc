"""Login, logout, the profile page with its API tokens, password change, user management."""

import logging
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from council import permissions
from council.accounts import auth, services, throttle
from council.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserCreateForm,
    UserForm,
)
from council.accounts.models import ROLES, ApiToken, User
from council.accounts.passwords import hash_password
from council.audit.hooks import set_reason
from council.audit.queries import history_for
from council.cleaning import without_control
from council.converters import page_arg
from council.directory.models import Agency, Block, Membership, Ministry
from council.extensions import db
from council.formfields import ReasonForm

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """A path on this host, rebuilt from its parsed parts, or the home page. Any whitespace or
    control character refuses the target: browsers drop tabs and newlines before resolving,
    so `/<TAB>/evil.example` would become `//evil.example`, and a newline cannot go in a header."""
    home = url_for("home.index")
    if not target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return home
    if "\\" in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return home
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        ip = request.remote_addr or ""
        # Check and record atomically: concurrent attempts must not all pass one check.
        throttle.serialize(email)
        wait = throttle.check(email, ip)
        if wait is not None:
            throttle.record_attempt(email, ip, success=False, refused=True)
            db.session.commit()
            log.warning("login refused (%s lock) for %s from %s", wait.scope, email, ip)
            form.password.errors.append(wait.message)
            return (
                render_template("accounts/login.html", form=form),
                429,
                {"Retry-After": str(wait.seconds_left)},
            )
        user = services.authenticate(email, form.password.data)
        if user is not None:
            throttle.record_attempt(email, ip, success=True)
            auth.login(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_attempt(email, ip, success=False)
        db.session.commit()
        log.info("login failed for %s from %s", email, ip)
        form.password.errors.append("メールアドレスまたはパスワードが正しくありません。")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        auth.logout()
        db.session.commit()
    flash("ログアウトしました。", "success")
    return redirect(url_for("home.index"))


def _render_profile(*, token_form=None, new_token=None, status=200):
    return render_template(
        "accounts/profile.html",
        user=current_user,
        tokens=services.active_api_tokens(current_user),
        token_form=token_form or TokenForm(),
        new_token=new_token,
    ), status


@bp.route("/profile")
@login_required
def profile():
    return _render_profile()


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def issue_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_profile(token_form=form, status=400)
    # The real User, not the proxy: the audit entry records the object's type.
    token = services.issue_api_token(current_user._get_current_object(), form.name.data or "")
    db.session.commit()
    # Shown on this response only: the token is stored as a hash and cannot be shown again.
    return _render_profile(new_token=token, status=201)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    services.revoke_api_token(token)
    db.session.commit()
    flash(f"APIトークン {token.prefix}… を失効させました。", "success")
    return redirect(url_for("accounts.profile") + "#tokens")


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not services.check_password(current_user, form.current_password.data):
            form.current_password.errors.append("現在のパスワードが正しくありません。")
            return render_template("accounts/password.html", form=form), 400
        current_user.password_hash = hash_password(form.new_password.data)
        # Every other session of this user ends; this one goes on.
        services.revoke_all_sessions(current_user, keep=session.get("sid"))
        db.session.commit()
        flash("パスワードを変更しました。他の端末のログインは終了しました。", "success")
        return redirect(url_for("accounts.profile"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/password.html", form=form), status


# --- user management -----------------------------------------------------------------------


def _manageable_user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not permissions.can_manage_user(current_user, user):
        abort(403)
    return user


def _set_choices(form: UserForm, target: User | None = None) -> None:
    """Offer only what this manager may assign: roles, blocks, and agencies of their block."""
    form.role.choices = [(r, ROLES[r]) for r in permissions.assignable_roles(current_user)]
    if permissions.can_manage_all_directory(current_user):
        blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
        agencies = db.session.scalars(
            sa.select(Agency)
            .join(Ministry, Ministry.id == Agency.ministry_id)
            .where(Agency.is_active.is_(True))
            .order_by(Ministry.sort_order, Agency.name)
        ).all()
    else:
        blocks = []
        in_block = sa.select(Membership.agency_id).where(
            Membership.block_id == current_user.block_id, Membership.last_fy.is_(None)
        )
        agencies = db.session.scalars(
            sa.select(Agency)
            .join(Ministry, Ministry.id == Agency.ministry_id)
            .where(Agency.id.in_(in_block), Agency.is_active.is_(True))
            .order_by(Ministry.sort_order, Agency.name)
        ).all()
    # Keep the target's current agency selectable even if it has since been deactivated.
    if target is not None and target.agency is not None and target.agency not in agencies:
        agencies = [target.agency, *agencies]
    form.block_id.choices = [("", "(なし)")] + [(b.id, b.name) for b in blocks]
    form.agency_id.choices = [("", "(なし)")] + [(a.id, a.name) for a in agencies]


def _outside_scope(form: UserForm) -> bool:
    """A submitted role, block or agency that was not offered asks for what this manager may
    not assign (the selects offer nothing else): refused as 403, like any other block's data."""
    if request.method != "POST":
        return False
    for field in (form.role, form.block_id, form.agency_id):
        raw = request.form.get(field.name)
        if raw and raw not in {str(choice.value) for choice in field.choices}:
            return True
    return False


def _apply_error(form: UserForm, error: services.AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors.append(str(error))
    else:
        form.form_errors.append(str(error))


@bp.route("/users")
@login_required
def users():
    if not permissions.can_manage_users(current_user):
        abort(403)
    q = without_control(request.args.get("q"), 100)
    role = request.args.get("role") or ""
    state = request.args.get("state") or "active"
    page = page_arg(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    query = sa.select(User).where(permissions.manageable_users_clause(current_user))
    if q:
        pattern = f"%{q}%"
        query = query.where(sa.or_(User.email.ilike(pattern), User.name.ilike(pattern)))
    if role in ROLES:
        query = query.where(User.role == role)
    if state == "active":
        query = query.where(User.is_active_user.is_(True))
    elif state == "inactive":
        query = query.where(User.is_active_user.is_(False))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(selectinload(User.block), selectinload(User.agency))
        .order_by(User.role, User.email)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return render_template(
        "accounts/users.html",
        locked=throttle.locked_accounts() if permissions.can_unlock_logins(current_user) else [],
        users=rows,
        total=total,
        page=page,
        pages=max((total + per_page - 1) // per_page, 1),
        filters={"q": q, "role": role, "state": state},
        roles=ROLES,
    )


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock_login(user_id: int):
    user = db.get_or_404(User, user_id)
    if not permissions.can_unlock_logins(current_user):
        abort(403)
    services.unlock_login(user)
    db.session.commit()
    flash(f"{user.name}さんのログインのロックを解除しました。", "success")
    return redirect(url_for("accounts.users"))


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    if not permissions.can_manage_users(current_user):
        abort(403)
    form = UserCreateForm()
    _set_choices(form)
    if _outside_scope(form):
        abort(403)
    if form.validate_on_submit():
        password = form.password.data or services.generate_password()
        try:
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=password,
                block_id=form.block_id.data,
                agency_id=form.agency_id.data,
            )
        except services.AccountError as error:
            _apply_error(form, error)
        else:
            if not permissions.can_manage_user(current_user, user):
                abort(403)
            db.session.commit()
            flash(f"{user.name}さんのアカウントを作成しました。", "success")
            # The initial password is shown on this response only; it is never stored in clear.
            return render_template(
                "accounts/user_password.html",
                user=user,
                password=None if form.password.data else password,
                created=True,
            ), 201
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form, user=None), status


def _render_edit(user: User, form: UserForm, *, reason_form=None, status: int = 200):
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        reason_form=reason_form or ReasonForm(formdata=None),
        token_count=len(services.active_api_tokens(user)),
        history=history_for("User", user.id, viewer=current_user),
    ), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    user = _manageable_user_or_404(user_id)
    form = UserForm(obj=user)
    _set_choices(form, target=user)
    if _outside_scope(form):
        abort(403)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                block_id=form.block_id.data,
                agency_id=form.agency_id.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            if not permissions.can_manage_user(current_user, user):
                abort(403)
            db.session.commit()
            flash("ユーザー情報を更新しました。", "success")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return _render_edit(user, form, status=400 if request.method == "POST" else 200)


def _status_change(user_id: int, change, message: str):
    """Deactivate or reactivate: load, check, validate the reason, act, commit."""
    user = _manageable_user_or_404(user_id)
    reason_form = ReasonForm()
    if not reason_form.validate_on_submit():
        return _render_edit(user, _edit_form(user), reason_form=reason_form, status=400)
    set_reason(db.session, reason_form.reason.data or "")
    try:
        change(user)
    except services.AccountError as error:
        db.session.rollback()
        reason_form.reason.errors.append(str(error))
        return _render_edit(user, _edit_form(user), reason_form=reason_form, status=409)
    db.session.commit()
    flash(message.format(name=user.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


def _edit_form(user: User) -> UserForm:
    form = UserForm(formdata=None, obj=user)
    _set_choices(form, target=user)
    return form


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate_user(user_id: int):
    return _status_change(
        user_id,
        lambda user: services.deactivate_user(user, actor=current_user),
        "{name}さんのアカウントを無効にしました。ログイン中のセッションとトークンはすべて失効しました。",
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate_user(user_id: int):
    return _status_change(
        user_id, services.reactivate_user, "{name}さんのアカウントを有効に戻しました。"
    )


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    user = _manageable_user_or_404(user_id)
    reason_form = ReasonForm()
    if not reason_form.validate_on_submit():
        return _render_edit(user, _edit_form(user), reason_form=reason_form, status=400)
    set_reason(db.session, reason_form.reason.data or "")
    password = services.reset_password(user)
    db.session.commit()
    # Shown on this response only, to the manager who passes it on to the user.
    return render_template(
        "accounts/user_password.html", user=user, password=password, created=False
    )
