from flask import Blueprint

bp = Blueprint("submissions", __name__, url_prefix="/submissions")


@bp.route("/")
def index():
    return "submissions"
