"""Bulk load (CSV in UTF-8/BOM/Shift_JIS, or XLSX) and export of the portal's registers."""
