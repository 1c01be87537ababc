"""The home page: the ten blocks, and for a signed-in user their dashboard."""

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, render_template
from flask_login import current_user

from council.audit.labels import OBJECT_TYPES
from council.directory.models import Block
from council.extensions import db
from council.home import queries
from council.minutes.models import MINUTES_STATUSES

bp = Blueprint("home", __name__)


def set_public_page(app: Flask, render) -> None:
    """The page anonymous visitors get at `/` is another domain's (the portal's top page, which
    also counts the view): the app factory names it, so home imports no other domain's views."""
    app.extensions["council_public_home"] = render


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        # The public's home page is the portal's top page (counted as a portal page view).
        return current_app.extensions["council_public_home"]()
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    dashboard = queries.dashboard(current_user) if current_user.is_authenticated else None
    return render_template(
        "home/index.html",
        blocks=blocks,
        dashboard=dashboard,
        object_labels=OBJECT_TYPES,
        minutes_statuses=MINUTES_STATUSES,
    )
