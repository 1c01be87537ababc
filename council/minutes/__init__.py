"""Minutes (議事録) of meetings: drafted, circulated to the agencies taking part, approved as an
official record and corrected by new revisions. A sub-domain beside `council.activities`: it
reads the activity models, and activities know the minutes only through the `minutes` backref.

- `models`: Minutes, MinutesRevision, MinutesResponse, ActionItem;
- `forms`, `views` (blueprint "minutes");
- `services`: the writes of the workflow (案 → 照会 → 確定, 訂正);
- `queries`: the reads the pages need (who answered, owner choices, the heading);
- `diffs`: line diffs of the record between two versions.
"""
