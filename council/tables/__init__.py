"""The machinery every table import shares, whatever the table holds.

A table file (CSV in UTF-8 with or without a BOM or in Shift_JIS/CP932, as Excel saves it, or
XLSX) is read into records whose lines are counted as a text editor or Excel counts them
(`reading`); its header names each column by code or by Japanese label (`text.column_names`);
each domain checks its rows and collects `Problem`s, and refuses the whole file with
`ImportRejected` when there is any (all or nothing, `results`); a row whose natural key was
seen before is the same record twice (`keys.FirstLines`); cells are guarded against spreadsheet
formulas both ways (`cells`); and the command line runs an import, or its dry run, one way
(`commands.run_import`).

No domain code here: the domains' `csv/` packages (activities, directory, portal) and the
funding importer say which columns exist and what a row means.
"""
