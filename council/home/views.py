"""The home page: the ten blocks, and for a signed-in user their dashboard."""

import sqlalchemy as sa
from flask import Blueprint, render_template

from council.directory.models import Block
from council.extensions import db

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    blocks = db.session.scalars(sa.select(Block).order_by(Block.sort_order)).all()
    return render_template("home/index.html", blocks=blocks)
