"""The portal's demo data: exactly the report's numbers, searchable, and a re-run adds nothing."""

import time

import sqlalchemy as sa

from council.extensions import db
from council.portal.demo import load_portal_demo
from council.portal.models import Facility, News, PortalDoc, SupportMeasure, Theme


def _counts():
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for name, model in (
            ("measures", SupportMeasure),
            ("facilities", Facility),
            ("themes", Theme),
            ("news", News),
            ("docs", PortalDoc),
        )
    }


def test_the_demo_holds_the_reports_numbers_and_runs_once(seeded, client):
    started = time.perf_counter()
    load_portal_demo()
    db.session.commit()
    elapsed = time.perf_counter() - started
    counts = _counts()
    assert counts == {
        "measures": 621,
        "facilities": 579,
        "themes": 5034,
        "news": 642,
        "docs": 621 + 579 + 5034 + 642,
    }
    assert elapsed < 60
    assert load_portal_demo() == {}
    assert _counts() == counts
    data = client.get("/api/v1/portal/search?q=燃料電池&block=kyushu&open=1").get_json()
    assert data["total"] >= 8
    assert client.get("/api/v1/portal/search?q=大阪府立産業技術総合研究所").get_json()["total"] > 0
    blocks = client.get("/api/v1/portal/search?type=theme").get_json()["facets"]["block"]
    assert len(blocks) == 10
