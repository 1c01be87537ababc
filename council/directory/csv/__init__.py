"""The Directory CSV (README "Directory CSV"): the format and the export (`exporter`), one row
read and checked (`rows`), and the whole file checked against itself and the stored directory
(`importer`). services.import_directory writes what a checked file changes; the reading
machinery every table shares is council.tables."""
