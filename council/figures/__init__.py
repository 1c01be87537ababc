"""The figures that several pages read: the reports' tables, the submissions' snapshots and
plan vs actual, the JSON API, and the analysis' charts and exports.

- `axes`: the fiscal years the system keeps, the blocks and categories every table is laid on;
- `counts`: one fiscal year's counts (held, planned, plan vs actual as logged);
- `details`: the activities behind the counts (the block detail and the drill-down);
- `snapshots`: what a submission freezes, and the latest snapshot of each block;
- `plans`: the submitted plan against what happened;
- `completeness`: the check (点検) of a block's year before it is submitted;
- `charts` and `exports`: the SVG bars and the CSV/XLSX helpers every table export shares.

Read-only and pure of the web: domains read these; these read only domain models.
"""
