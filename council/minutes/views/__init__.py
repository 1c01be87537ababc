"""The minutes pages (blueprint "minutes"), one module per part of the work; importing them
registers their routes on `bp`."""

from council.minutes.views import document, drafting
from council.minutes.views.common import bp

__all__ = ["bp", "document", "drafting"]
