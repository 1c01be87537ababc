"""Done-when 1: the whole cycle on the demo data. kanto submits its FY2007 record; an FY2007
activity is then edited with a reason; the hq overview shows the submitted figure, the figure
now and the difference, and names who changed what; hq returns; kanto resubmits; both
snapshots stay readable."""

import re

import sqlalchemy as sa

from council.activities.models import Activity, Category
from council.directory.models import Block
from council.extensions import db
from council.figures.completeness import check_block
from tests.submissions.conftest import edit_form


def _login(app, logins, email):
    password = next(p for _, e, p in logins if e == email)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client


def _cell(html: str, table_id: str, block: str, category: str) -> str:
    table = re.search(rf'<table[^>]*id="{table_id}">.*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr data-block="{block}">.*?</tr>', table, re.S).group(0)
    cell = re.search(rf'data-category="{category}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<br>", " ", cell).strip()


def test_the_submission_cycle_on_the_demo_data(demo_data, app):
    logins = demo_data
    kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
    sec = _login(app, logins, "kanto@demo.example.jp")
    hq = _login(app, logins, "hq@demo.example.jp")

    # The demo's FY2007 meetings all have approved minutes; take one away so that kanto
    # first meets a red item, as a secretariat does when a set of minutes was never written.
    meeting = db.session.scalar(
        sa.select(Activity)
        .join(Category)
        .where(
            Activity.block_id == kanto.id,
            Activity.fiscal_year == 2007,
            Activity.status == "held",
            Category.code == "council",
        )
        .order_by(Activity.starts_at)
    )
    meeting.status = "planned"
    db.session.commit()
    found = check_block(kanto.id, 2007)
    assert found.red
    refused = sec.post("/submissions/2007/kanto/record/submit", data={})
    assert refused.status_code == 409
    assert found.red[0].name in refused.get_data(as_text=True)
    # Fix it: the meeting was held after all.
    meeting.status = "held"
    db.session.commit()
    assert not check_block(kanto.id, 2007).red

    response = sec.post(
        "/submissions/2007/kanto/record/submit", data={"record-comment": "平成19年度実績"}
    )
    assert response.status_code == 302
    first = hq.get("/submissions/2007").get_data(as_text=True)
    training_before = int(_cell(first, "categories-record", "kanto", "training"))
    results_before = int(_cell(first, "categories-record", "kanto", "results"))

    # An FY2007 activity is edited, with a reason: a training session was a results meeting.
    training = db.session.scalar(
        sa.select(Activity)
        .join(Category)
        .where(
            Activity.block_id == kanto.id,
            Activity.fiscal_year == 2007,
            Activity.status == "held",
            Category.code == "training",
        )
        .order_by(Activity.starts_at)
    )
    edit = sec.post(
        f"/activities/{training.id}/edit",
        data=edit_form(
            training, category="results", reason="成果発表会として開催したため区分を訂正"
        ),
    )
    assert edit.status_code == 302, edit.get_data(as_text=True)[:3000]

    overview = hq.get("/submissions/2007").get_data(as_text=True)
    assert _cell(overview, "categories-record", "kanto", "training") == (
        f"{training_before} → {training_before - 1} (-1)"
    )
    assert _cell(overview, "categories-record", "kanto", "results") == (
        f"{results_before} → {results_before + 1} (+1)"
    )
    changes = re.search(
        r'<section class="submission-changes" data-block="kanto" data-kind="record">.*?</section>',
        overview,
        re.S,
    ).group(0)
    assert training.title in changes
    assert "関東 事務局" in changes and "kanto@demo.example.jp" in changes
    assert "成果発表会として開催したため区分を訂正" in changes
    assert "研修会等" in changes and "成果発表会" in changes

    # hq returns; kanto resubmits; both snapshots stay readable, each with its own figures.
    returned = hq.post(
        "/submissions/2007/kanto/record/return",
        data={"return-record-reason": "区分の訂正を反映して再提出してください"},
    )
    assert returned.status_code == 302
    assert "差戻し" in _cell_state(hq.get("/submissions/2007").get_data(as_text=True))
    assert sec.post("/submissions/2007/kanto/record/submit", data={}).status_code == 302
    assert "提出済" in _cell_state(hq.get("/submissions/2007").get_data(as_text=True))
    one = sec.get("/submissions/2007/kanto/record/1").get_data(as_text=True)
    two = hq.get("/submissions/2007/kanto/record/2").get_data(as_text=True)
    assert training.title in one and training.title in two
    assert _figure(one, "training") == training_before
    assert _figure(two, "training") == training_before - 1
    assert "平成19年度実績" in one


def _cell_state(html: str) -> str:
    row = re.search(r'<tr data-block="kanto">.*?</tr>', html, re.S).group(0)
    return re.search(r'data-col="record-state">(.*?)</td>', row, re.S).group(1)


def _figure(html: str, category: str) -> int:
    row = re.search(rf'<tr data-category="{category}".*?</tr>', html, re.S).group(0)
    return int(re.search(r'data-col="submitted">(\d+)<', row).group(1))
