from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
def index():
    return "audit"
