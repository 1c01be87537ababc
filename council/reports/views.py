from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/fy/<int:year>")
def fiscal_year(year: int):
    return "report"
