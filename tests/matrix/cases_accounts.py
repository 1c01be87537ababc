"""Matrix cases for accounts routes: own password and API tokens, and user management (admin:
everyone; a secretariat: the member accounts of agencies in its block)."""

import sqlalchemy as sa

from council.accounts import services
from council.accounts.models import ApiToken, User
from council.directory.models import Agency
from council.extensions import db
from tests.matrix.framework import Case

ALL_SIGNED_IN = {"member", "member_other", "sec_own", "sec_other", "hq", "admin"}
MANAGERS = {"sec_own", "admin"}  # the target is a member account of a kanto agency


def _agency_id(name: str) -> int:
    return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))


def _target(world, *, active: bool = True) -> None:
    user = world.factories["make_user"](
        role="member", agency="関東総合通信局", email="target@example.test", name="対象 太郎"
    )
    if not active:
        services.deactivate_user(user)
    world.objects["target"] = user
    world.objects["target_hash"] = user.password_hash


def _fresh(world) -> User:
    return db.session.get(User, world.target.id)


def _token(world) -> None:
    services.issue_api_token(world.users["member"], "matrix")
    world.objects["token"] = db.session.scalar(sa.select(ApiToken))


def _user_state(world):
    user = _fresh(world)
    return (user.name, user.role, user.is_active_user, user.password_hash)


CASES = [
    Case(
        # Name = the endpoint. Every signed-in user may change their own password; here the
        # form is wrong on purpose (mismatch), so success means "400 with the form", not 403.
        name="accounts.change_password",
        url=lambda w: "/profile/password",
        data=lambda w: {"current_password": "x", "new_password": "a", "confirm": "b"},
        allowed=ALL_SIGNED_IN,
        ok=(400,),
    ),
    Case(
        name="accounts.issue_token",
        url=lambda w: "/profile/tokens",
        data=lambda w: {"name": "集計用"},
        allowed=ALL_SIGNED_IN,
        state=lambda w: db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)),
        changed=lambda w: db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1,
    ),
    Case(
        # A token is revoked only by its owner; anyone else gets 404 (it is not theirs to see).
        name="accounts.revoke_token",
        setup=_token,
        url=lambda w: f"/profile/tokens/{w.token.id}/revoke",
        allowed={"member"},
        state=lambda w: db.session.get(ApiToken, w.token.id).revoked_at,
        changed=lambda w: db.session.get(ApiToken, w.token.id).revoked_at is not None,
    ),
    Case(
        name="accounts.new_user",
        url=lambda w: "/users/new",
        data=lambda w: {
            "email": "new-member@example.test",
            "name": "新規 花子",
            "role": "member",
            "agency_id": str(_agency_id("関東総合通信局")),
        },
        allowed=MANAGERS,
        ok=(201,),
        state=lambda w: db.session.scalar(
            sa.select(sa.func.count()).where(User.email == "new-member@example.test")
        ),
        changed=lambda w: (
            db.session.scalar(
                sa.select(User).where(User.email == "new-member@example.test")
            ).agency.name
            == "関東総合通信局"
        ),
    ),
    Case(
        name="accounts.edit_user",
        setup=_target,
        url=lambda w: f"/users/{w.target.id}/edit",
        data=lambda w: {
            "email": "target@example.test",
            "name": "対象 次郎",
            "role": "member",
            "agency_id": str(w.target.agency_id),
        },
        allowed=MANAGERS,
        state=_user_state,
        changed=lambda w: _fresh(w).name == "対象 次郎",
    ),
    Case(
        name="accounts.deactivate_user",
        setup=_target,
        url=lambda w: f"/users/{w.target.id}/deactivate",
        data=lambda w: {"reason": "異動"},
        allowed=MANAGERS,
        state=_user_state,
        changed=lambda w: not _fresh(w).is_active_user,
    ),
    Case(
        name="accounts.reactivate_user",
        setup=lambda w: _target(w, active=False),
        url=lambda w: f"/users/{w.target.id}/reactivate",
        allowed=MANAGERS,
        state=_user_state,
        changed=lambda w: _fresh(w).is_active_user,
    ),
    Case(
        name="accounts.reset_password",
        setup=_target,
        url=lambda w: f"/users/{w.target.id}/reset-password",
        allowed=MANAGERS,
        state=_user_state,
        changed=lambda w: _fresh(w).password_hash != w.target_hash,
    ),
]

# The login unlock (issue 17): administrators only, whoever the account belongs to.
CASES.append(
    Case(
        name="accounts.unlock_login",
        setup=_target,
        url=lambda w: f"/users/{w.target.id}/unlock",
        data=lambda w: {},
        allowed={"admin"},
        state=lambda w: _fresh(w).login_unlocked_at,
        changed=lambda w: _fresh(w).login_unlocked_at is not None,
    )
)
