"""Directory pages: the blocks, each block's roster by fiscal year, an agency's page, and the
secretariats' editing of their own block's agencies, memberships and contacts.

One blueprint (`directory`), its routes grouped by behaviour in the modules beside this one;
importing them here registers their routes."""

from council.directory.views import agencies, csv_files, memberships, pages  # noqa: F401
from council.directory.views.blueprint import bp

__all__ = ["bp"]
