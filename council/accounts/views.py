from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"


@bp.route("/profile")
def profile():
    return "profile"
