"""The Activity CSV (SPEC "Activity CSV"): its columns and labels, one row checked, the import,
the export, the files kept between a dry run and its confirmation, and the pages. The reading
machinery every table shares is council.tables."""
