"""The web layer every domain's views share: one request shape.

- `requests`: load or 404 (`block_or_404`, `year_or_404`) and `require(...)` over the
  predicates of `council.permissions` (403);
- `forms`: `save_form`, the one way a view validates, acts, maps a refused action onto the form
  and commits; the form fields and small forms every domain uses;
- `setup`: request-wide behaviour (headers, error pages, template helpers, audit actor);
- `sessions`: Flask's signed-cookie session, its serializer built once per secret key.
"""

from council.web.setup import configure

__all__ = ["configure"]
