"""Directory pages: the blocks, each block's member agencies and an agency's page."""

from flask import Blueprint, abort, render_template, request

from council import fiscal
from council.directory import queries
from council.directory.models import Agency
from council.extensions import db

bp = Blueprint("directory", __name__)


@bp.route("/blocks")
def blocks():
    return render_template("directory/blocks.html", blocks=queries.list_blocks())


@bp.route("/blocks/<code>")
def block(code: str):
    block = queries.get_block_by_code(code)
    if block is None:
        abort(404)
    year = request.args.get("fy", type=int) or fiscal.current_fiscal_year()
    years = queries.membership_years(block)
    if year not in years:
        year = years[-1]
    roster = queries.list_block_agencies(block, year)
    return render_template(
        "directory/block.html", block=block, roster=roster, year=year, years=years
    )


@bp.route("/agencies/<int:agency_id>")
def agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    return render_template("directory/agency.html", agency=agency)
