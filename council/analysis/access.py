"""Who may open the analysis pages at all: one gate for the funding and the network
blueprints, checked before any of their views (each view then checks its block)."""

from flask_login import current_user, login_required

from council import permissions
from council.web.requests import require


@login_required
def signed_in_analyst():
    require(permissions.can_open_analysis(current_user))
