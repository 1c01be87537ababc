"""The directory's reading pages: the blocks, a block's roster by fiscal year, the register of
organisations and an agency's page (with its change history for those who read the audit log)."""

from flask import render_template, request
from flask_login import current_user

from council import fiscal, permissions
from council.audit.queries import history_for_objects
from council.directory import queries
from council.directory.models import AGENCY_KINDS, Agency
from council.directory.views.blueprint import bp
from council.extensions import db
from council.formfields import ReasonForm
from council.web.requests import block_or_404


def _organisation_filters() -> tuple[str | None, int | None]:
    """?kind=<code>&pref=<JIS code>; unknown values are ignored."""
    kind = request.args.get("kind") or None
    pref = request.args.get("pref") or ""
    prefecture_id = int(pref) if pref.isdigit() and 1 <= int(pref) <= 47 else None
    return (kind if kind in AGENCY_KINDS else None), prefecture_id


@bp.route("/blocks")
def blocks():
    return render_template("directory/blocks.html", blocks=queries.list_blocks())


@bp.route("/blocks/<code>")
def block(code: str):
    block = block_or_404(code)
    year = fiscal.parse_fiscal_year(request.args.get("fy")) or fiscal.current_fiscal_year()
    years = queries.membership_years(block)
    if year not in years:
        year = years[-1]
    kind, prefecture_id = _organisation_filters()
    roster = queries.list_block_agencies(block, year, kind=kind, prefecture_id=prefecture_id)
    return render_template(
        "directory/block.html",
        block=block,
        roster=roster,
        kinds=AGENCY_KINDS,
        prefectures=queries.list_prefectures(),
        kind=kind,
        prefecture_id=prefecture_id,
        year=year,
        years=years,
        can_manage=permissions.can_manage_block_directory(current_user, block.id),
    )


@bp.route("/agencies")
def organisations():
    """The one register of organisations: members and non-members, by kind and prefecture."""
    kind, prefecture_id = _organisation_filters()
    return render_template(
        "directory/organisations.html",
        organisations=queries.list_organisations(kind, prefecture_id),
        kinds=AGENCY_KINDS,
        prefectures=queries.list_prefectures(),
        kind=kind,
        prefecture_id=prefecture_id,
    )


@bp.route("/agencies/<int:agency_id>")
def agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    history = []
    if permissions.can_view_audit(current_user):
        history = history_for_objects(
            {
                "Agency": [agency.id],
                "Membership": [m.id for m in agency.memberships],
                "Contact": [c.id for c in agency.contacts],
            },
            viewer=current_user,
        )
    return render_template(
        "directory/agency.html",
        agency=agency,
        history=history,
        can_manage=permissions.can_manage_agency(current_user, agency),
        reason_form=ReasonForm(formdata=None),
    )
