"""Matrix cases for the reports and the JSON API. Neither has a state-changing route; these GET
cases pin who may export the tables (secretariats, hq, admin: not members) and that the API
answers an anonymous caller with 401 instead of a login redirect."""

from tests.matrix.framework import Case

SIGNED_IN = {"member", "member_other", "sec_own", "sec_other", "hq", "admin"}
EXPORTERS = {"sec_own", "sec_other", "hq", "admin"}

CASES = [
    Case(
        name="reports.fiscal_year",
        method="GET",
        url=lambda w: "/reports/fy/2007",
        allowed=SIGNED_IN,
    ),
    Case(
        name="reports.csv_export",
        method="GET",
        url=lambda w: "/reports/fy/2007.csv?part=detail",
        allowed=EXPORTERS,
    ),
    Case(
        name="reports.xlsx_export",
        method="GET",
        url=lambda w: "/reports/fy/2007.xlsx",
        allowed=EXPORTERS,
    ),
    Case(
        name="api.fiscal_year_report",
        method="GET",
        url=lambda w: "/api/v1/reports/fy/2007",
        allowed=SIGNED_IN,
        anonymous=401,
    ),
]
