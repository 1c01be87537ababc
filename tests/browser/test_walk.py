"""Every page of every role, on a phone (375×812) and a desktop (1280×800).

A walk of the URL map's GET routes with one demo object per route (tests/browser/walk.py):
no page is wider than the viewport, no activity title sits in a column narrower than 120px on
the phone, the desktop header keeps its tools on one row, and axe-core finds no serious or
critical violation. Screenshots of the calendar, an activity, its minutes and the FY table
at both sizes go to test-results/browser/ (or $COUNCIL_TEST_OUTPUT).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from council.config import ROOT
from tests.browser.walk import DEMO_PASSWORD, load_demo_app, page_urls
from tests.conftest import _base_config

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
ROLES = {
    "anonymous": None,
    "member": "member@demo.example.jp",
    "secretariat": "kanto@demo.example.jp",
    "hq": "hq@demo.example.jp",
    "admin": "admin@demo.example.jp",
}
SCREENSHOTS = {
    "calendars.month": "calendar",
    "activities.detail": "activity",
    "minutes.show": "minutes",
    "reports.fiscal_year": "fy_table",
}
OUTPUT = Path(os.environ.get("COUNCIL_TEST_OUTPUT", ROOT / "test-results")) / "browser"

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.querySelectorAll('main *, header *')) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && r.width > 0 && !el.closest('.table-scroll, table')) {
        wide.push(el.tagName.toLowerCase() + '.' + (el.className || '') + ' ' + Math.round(r.right));
        if (wide.length > 4) break;
      }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
}"""

# Cells that hold an activity title (a link to /activities/<id>) and are narrower than 120px.
NARROW_TITLES_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('main a[href]')) {
    if (!/^\\/activities\\/\\d+$/.test(a.getAttribute('href'))) continue;
    const cell = a.closest('td, th, li');
    if (!cell || cell.offsetParent === null) continue;
    const width = cell.getBoundingClientRect().width;
    if (width < 120) out.push(Math.round(width) + 'px: ' + a.textContent.trim().slice(0, 30));
  }
  return out.slice(0, 5);
}"""

HEADER_JS = """() => {
  const inner = document.querySelector('.site-header__inner');
  if (!inner) return null;  // the public portal's own, simpler header
  const tops = [...document.querySelectorAll('.site-nav--wide li')].map(li => li.offsetTop);
  const tools = document.querySelector('.site-user--wide');
  return {
    innerHeight: inner.getBoundingClientRect().height,
    navRows: new Set(tops).size,
    toolsVisible: !!tools && tools.offsetParent !== null,
  };
}"""


@pytest.fixture(scope="module")
def walk_site(_schema, tmp_path_factory, request):
    if _schema["kind"] != "sqlite":
        pytest.skip("the walk runs on SQLite (the pages are the same on PostgreSQL)")
    template = request.getfixturevalue("demo_snapshot")["template"]
    app = load_demo_app(template, tmp_path_factory.mktemp("walk"), _base_config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _context(browser, base: str, email: str | None):
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE, base_url=base
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    if email:
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _overflow(page, where: str) -> list[str]:
    """The page is wider than the viewport: the reader would have to scroll sideways."""
    box = page.evaluate(OVERFLOW_JS)
    if box["scroll"] > box["client"]:
        return [f"{where}: {box['scroll']}px wide > {box['client']}px {box['wide']}"]
    return []


def _phone_problems(page, where: str) -> list[str]:
    """On the phone: no sideways scroll, and no activity title squeezed into a narrow column."""
    problems = _overflow(page, where)
    narrow = page.evaluate(NARROW_TITLES_JS)
    if narrow:
        problems.append(f"{where}: titles in narrow columns {narrow}")
    return problems


def _axe_problems(axe, page, where: str) -> list[str]:
    """axe-core's serious and critical violations (the minor ones are not the walk's business)."""
    problems = []
    for v in axe.run(page).response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"][:3]]
            problems.append(f"{where}: axe {v['id']} ({v['impact']}) {targets}")
    return problems


def _desktop_problems(page, where: str) -> list[str]:
    """On the desktop: no sideways scroll, and the header keeps its tools on one row."""
    problems = _overflow(page, where)
    header = page.evaluate(HEADER_JS)
    if header is not None and (
        header["navRows"] > 1 or header["innerHeight"] > 80 or not header["toolsVisible"]
    ):
        problems.append(f"{where}: header wraps {header}")
    return problems


class _Walk:
    """What the walk has seen so far: the problems, the pages checked, the templates axed.
    axe runs once per page template (endpoint and status): the roles share them."""

    def __init__(self, axe):
        self.axe = axe
        self.problems: list[str] = []
        self.pages = 0
        self.axed: set[str] = set()

    def role(self, page, role: str, urls) -> None:
        """Every URL as one role; a page reached twice (a redirect to the login page, say) is
        checked once, except the ones screenshotted."""
        checked: set[str] = set()
        for endpoint, url in urls:
            page.set_viewport_size(PHONE)
            response = page.goto(url)
            status = response.status if response else 0
            if status >= 500:
                self.problems.append(f"{role} {url}: HTTP {status}")
                continue
            landed = page.url.split("?")[0]
            if landed in checked and endpoint not in SCREENSHOTS:
                continue
            checked.add(landed)
            self.pages += 1
            self.page(page, role, endpoint, url, status)

    def page(self, page, role: str, endpoint: str, url: str, status: int) -> None:
        """One page at both sizes, with screenshots of the chosen pages as the secretariat."""
        where = f"{role} {url} (375px)"
        self.problems += _phone_problems(page, where)
        key = f"{endpoint} {status}"
        if key not in self.axed:
            self.axed.add(key)
            self.problems += _axe_problems(self.axe, page, where)
        shot = SCREENSHOTS.get(endpoint) if role == "secretariat" else None
        if shot:
            page.screenshot(path=OUTPUT / f"{shot}-375.png", full_page=True)
        page.set_viewport_size(DESKTOP)
        self.problems += _desktop_problems(page, f"{role} {url} (1280px)")
        if shot:
            page.screenshot(path=OUTPUT / f"{shot}-1280.png", full_page=True)


def test_every_page_fits_phone_and_desktop_and_passes_axe(browser, walk_site):
    from axe_playwright_python.sync_playwright import Axe

    app, base = walk_site
    urls = page_urls(app)
    assert len(urls) >= 50, urls
    OUTPUT.mkdir(parents=True, exist_ok=True)
    walk = _Walk(Axe())
    only = os.environ.get("COUNCIL_WALK_ROLES")  # e.g. "member,hq" while fixing a page
    roles = {r: e for r, e in ROLES.items() if not only or r in only.split(",")}
    for role, email in roles.items():
        context, page = _context(browser, base, email)
        try:
            walk.role(page, role, urls)
        finally:
            context.close()
    problems = walk.problems
    (OUTPUT / "walk-problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert walk.pages >= 40 * len(roles)
    assert not problems, "\n".join(problems)
    for name in SCREENSHOTS.values():
        for width in (375, 1280):
            assert (OUTPUT / f"{name}-{width}.png").stat().st_size > 1000
