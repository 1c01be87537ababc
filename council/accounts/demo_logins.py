"""One demo login per role, for `flask demo` (council/demo.py calls ensure_demo_logins())."""

import sqlalchemy as sa

from council.accounts import services
from council.accounts.models import User
from council.accounts.passwords import verify_password
from council.directory.models import Agency, Block
from council.extensions import db

# Shared by every demo login and printed by `flask demo`: demo data only, never production.
DEMO_PASSWORD = "council-demo-2007"

# (role, e-mail, name, block code, agency name)
DEMO_LOGINS = (
    ("admin", "admin@demo.example.jp", "管理 太郎", None, None),
    ("hq", "hq@demo.example.jp", "本府 花子", None, None),
    ("secretariat", "kanto@demo.example.jp", "関東 事務局", "kanto", None),
    ("secretariat", "kinki@demo.example.jp", "近畿 事務局", "kinki", None),
    ("member", "member@demo.example.jp", "総通 一郎", None, "関東総合通信局"),
)


class DemoLoginError(Exception):
    pass


def ensure_demo_logins() -> list[tuple[str, str, str]]:
    """Create the demo logins, or bring existing ones back to the documented state (active, the
    demo password, the documented role). Idempotent: a second call changes nothing.
    Needs the reference data (`flask seed`). Returns (role, e-mail, password) tuples."""
    out = []
    for role, email, name, block_code, agency_name in DEMO_LOGINS:
        block_id = agency_id = None
        if block_code:
            block_id = db.session.scalar(sa.select(Block.id).where(Block.code == block_code))
            if block_id is None:
                raise DemoLoginError(f"block {block_code} is missing: load the reference data")
        if agency_name:
            agency_id = db.session.scalar(sa.select(Agency.id).where(Agency.name == agency_name))
            if agency_id is None:
                raise DemoLoginError(f"agency {agency_name} is missing: load the reference data")
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            services.create_user(
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                block_id=block_id,
                agency_id=agency_id,
            )
        else:
            if (user.role, user.block_id, user.agency_id) != (role, block_id, agency_id):
                user.role, user.block_id, user.agency_id = role, block_id, agency_id
            if not user.is_active_user:
                user.is_active_user = True
            if not verify_password(user.password_hash, DEMO_PASSWORD):
                user.password_hash = services.hash_password(DEMO_PASSWORD)
        out.append((role, email, DEMO_PASSWORD))
    db.session.flush()
    return out
