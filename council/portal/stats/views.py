"""Headquarters' page of the portal's access statistics."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.portal.stats import report
from council.web.requests import require

bp = Blueprint("portal_stats", __name__, url_prefix="/portal/manage/stats")


@bp.route("/")
@login_required
def index():
    require(permissions.can_view_portal_stats(current_user))
    year_text = request.args.get("fy", "")
    year = (
        int(year_text)
        if year_text.isdigit() and 1990 < int(year_text) < 2100
        else fiscal.current_fiscal_year()
    )
    this, previous = report.monthly(year), report.monthly(year - 1)
    labels = (fiscal.fiscal_year_label(year), fiscal.fiscal_year_label(year - 1))
    return render_template(
        "portal/manage/stats.html",
        year=year,
        rows=list(zip(this, previous, strict=True)),
        views_chart=report.grouped_chart(
            [m.views for m in this], [m.views for m in previous], labels
        ),
        visits_chart=report.grouped_chart(
            [m.visits for m in this], [m.visits for m in previous], labels
        ),
        top=report.most_viewed(year),
        zero=report.zero_result_searches(year),
        labels=labels,
    )
