"""The funding survey's SVG charts and the network drawing render in Chromium."""

import re

from council.analysis.funding.demo import load_funding_demo
from council.extensions import db


def test_hq_sees_the_funding_charts_and_a_network_drawing(
    seeded, page, live_server, make_user, make_activity
):
    load_funding_demo()
    db.session.commit()
    make_activity(
        title="合同展示会", category="exhibition", organizers=["関東経済産業局", "関東総合通信局"]
    )
    make_user(role="hq", email="hq@example.test")
    page.goto(live_server + "/login")
    page.fill("#email", "hq@example.test")
    page.fill("#password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    page.click(".site-nav--wide a[data-nav='analysis']")
    page.wait_for_url(re.compile(r"/analysis/funding/2008$"))  # the newest year with records
    page.select_option("#funding-year", "2006")
    page.click(".report-nav__form button[type=submit]")
    page.wait_for_url(re.compile(r"/analysis/funding/2006$"))
    for chart in ("chart-large-block", "chart-grant-block", "chart-grant-field"):
        svg = page.locator(f"#{chart}")
        box = svg.bounding_box()
        assert box["width"] > 300 and box["height"] > 150
        bars = svg.locator("rect.chart-bar")
        assert bars.count() > 5
        bar = bars.first.bounding_box()
        assert bar["width"] > 1 and bar["height"] > 0
    # the tallest grant bar is 関東's
    heights = page.eval_on_selector_all(
        "#chart-grant-block rect.chart-bar",
        "rs => { const t = {}; rs.forEach(r => { const c = r.dataset.column;"
        " t[c] = (t[c] || 0) + r.getBBox().height; }); return t; }",
    )
    assert max(heights, key=heights.get) == "kanto"
    # A4 print keeps the charts
    page.emulate_media(media="print")
    assert page.locator("#chart-grant-field").is_visible()
    page.emulate_media(media="screen")

    page.goto(live_server + "/analysis/network/kanto")
    drawing = page.locator("#network-drawing")
    assert drawing.bounding_box()["width"] > 300
    assert drawing.locator("circle").count() == 2
