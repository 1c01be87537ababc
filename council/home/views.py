"""The home page: the ten blocks, and for a signed-in user their dashboard."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from council.activities.models import MINUTES_STATUSES
from council.directory.models import Block
from council.extensions import db
from council.home import queries
from council.portal.views import count_view, render_top

bp = Blueprint("home", __name__)
bp.after_request(count_view)

OBJECT_LABELS = {
    "Activity": "活動",
    "Attendance": "出欠",
    "Attachment": "添付ファイル",
    "Minutes": "議事録",
    "MinutesResponse": "議事録照会への回答",
    "ActionItem": "今後の対応",
    "Agency": "構成機関",
    "Membership": "ブロック所属",
    "Contact": "担当者",
    "User": "利用者",
    "Measure": "施策",
}


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
        object_labels=OBJECT_LABELS,
        minutes_statuses=MINUTES_STATUSES,
    )
