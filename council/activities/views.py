from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")


@bp.route("/")
def index():
    return "activities"
