"""The measures register."""

from flask import Blueprint, render_template

from council.measures import queries

bp = Blueprint("measures", __name__, url_prefix="/measures")


@bp.route("/")
def index():
    return render_template("measures/index.html", **queries.register())
