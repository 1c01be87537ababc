"""Login, logout, the profile page with its API tokens, password change, user management.

One blueprint (`accounts`), its routes grouped by behaviour in the modules beside this one;
importing them here registers their routes."""

from council.accounts.views import profile, sessions, user_status, users  # noqa: F401
from council.accounts.views.blueprint import bp

__all__ = ["bp"]
