"""Done-when 1: for the demo data, every fiscal year's table equals the held activities counted
independently, one by one, from the activity list API."""

from collections import Counter

import sqlalchemy as sa

from council.activities.models import Activity
from council.extensions import db
from tests.reports.html import matrix, national


def test_every_demo_year_matrix_equals_the_held_activities_listed_by_the_api(demo_data, app):
    logins = demo_data
    email, password = next((e, p) for role, e, p in logins if role == "hq")
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    years = sorted(db.session.scalars(sa.select(Activity.fiscal_year).distinct()))
    assert 2007 in years and len(years) >= 3

    held_in_blocks = 0
    for year in years:
        listed = client.get(f"/api/v1/activities?fy={year}&status=held&limit=10000").get_json()
        assert listed["total"] == len(listed["activities"])
        by_cell = Counter(
            (a["block"], a["category"])
            for a in listed["activities"]
            if a["block"] not in (None, "national")
        )
        by_national = Counter(
            a["category"] for a in listed["activities"] if a["block"] == "national"
        )
        by_kind = Counter(a["kind"] for a in listed["activities"] if a["block"] is None)
        held_in_blocks += sum(by_cell.values())

        html = client.get(f"/reports/fy/{year}").get_data(as_text=True)
        table = matrix(html)
        assert {(b, c): n for b, row in table.items() for c, n in row.items() if n} == dict(
            by_cell
        ), year
        national_line = {c: n for c, n in national(html).items() if c and n}
        assert national_line == dict(by_national), year
        report = client.get(f"/api/v1/reports/fy/{year}").get_json()
        assert report["counts"] == table, year
        assert {c: n for c, n in report["national"].items() if n} == dict(by_national), year
        assert report["hq_meetings"] == {k: by_kind.get(k, 0) for k in ("wg", "pt", "tf")}
    assert held_in_blocks > 0, "the demo data set holds no held activity"
