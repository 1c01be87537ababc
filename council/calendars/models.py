"""Schema that the calendars need on a table another domain owns.

Feeds answer conditional requests from the latest activity change; this index turns that
MAX(updated_at) into one index probe instead of a scan of every activity. Created by
migration 0003_search_index. (Its natural home is Activity.__table_args__; it is declared
here so that the calendars' needs stay in the calendars' package.)
"""

import sqlalchemy as sa

from council.activities.models import Activity

ix_activities_updated_at = sa.Index("ix_activities_updated_at", Activity.__table__.c.updated_at)
