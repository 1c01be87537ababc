"""The home page: the ten blocks, and for a signed-in user their dashboard."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from council.audit.labels import OBJECT_TYPES
from council.directory.models import Block
from council.extensions import db
from council.home import queries
from council.minutes.models import MINUTES_STATUSES
from council.portal.views import count_view, render_top

bp = Blueprint("home", __name__)
bp.after_request(count_view)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        # The public's home page is the portal's top page (counted as a portal page view).
        return render_top()
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    dashboard = queries.dashboard(current_user) if current_user.is_authenticated else None
    return render_template(
        "home/index.html",
        blocks=blocks,
        dashboard=dashboard,
        object_labels=OBJECT_TYPES,
        minutes_statuses=MINUTES_STATUSES,
    )
