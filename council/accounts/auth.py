"""How a request is tied to a user (replaced by server-side sessions in accounts work)."""

from council.accounts.models import User
from council.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = "このページを見るにはログインしてください。"


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None
