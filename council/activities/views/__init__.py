"""Activity pages, by behaviour: list and detail (pages.py), create/edit/duplicate
(editing.py), status changes (status.py), attendance and RSVP (attendance.py), attached files
(attachments.py). They share the blueprint and the first steps of every view (base.py).

Every view: load → check access (permissions) → validate → one service → commit → respond.
An activity the user may not see answers 404, whether it exists or not.
"""

from council.activities.views import attachments, attendance, editing, pages, status
from council.activities.views.base import bp

__all__ = ["attachments", "attendance", "bp", "editing", "pages", "status"]
