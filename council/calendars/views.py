from flask import Blueprint

bp = Blueprint("calendars", __name__)


@bp.route("/calendar")
def month():
    return "calendar"
