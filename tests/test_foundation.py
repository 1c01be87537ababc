"""Reference data, the migrations and the read-only directory and measures pages."""

import re
import subprocess
import sys
from collections import Counter

import sqlalchemy as sa

from council.extensions import db
from council.models import (
    Agency,
    Block,
    Category,
    Contact,
    Measure,
    MeasureBudget,
    Membership,
    Ministry,
    PublishedTotal,
    SlotFigure,
)
from council.seed import seed_all

SEEDED = (
    Block,
    Ministry,
    Category,
    Agency,
    Membership,
    Contact,
    Measure,
    MeasureBudget,
    PublishedTotal,
    SlotFigure,
)


def _counts():
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in SEEDED
    }


def test_seed_twice_leaves_the_same_rows(app):
    seed_all()
    db.session.commit()
    first = _counts()
    seed_all()
    db.session.commit()
    assert _counts() == first
    assert first["Block"] == 10
    assert first["Ministry"] == 8
    assert first["Category"] == 9
    # The 18 FY2007 lines, their FY2008 successor and five sub-programmes.
    assert first["Measure"] == 24
    assert first["MeasureBudget"] == 18


def test_every_block_has_a_realistic_council(seeded):
    per_block = Counter(
        db.session.execute(
            sa.select(Block.code).join(Membership, Membership.block_id == Block.id)
        ).scalars()
    )
    assert len(per_block) == 10
    assert all(n >= 8 for n in per_block.values()), per_block
    secretariats = db.session.execute(
        sa.select(Block.code, Agency.name)
        .join(Membership, Membership.block_id == Block.id)
        .join(Agency)
        .where(Membership.is_secretariat)
    ).all()
    assert {code for code, _ in secretariats} == {
        b.code for b in db.session.scalars(sa.select(Block))
    }
    # An office that covers two blocks sits on both councils as one agency.
    agency = db.session.scalar(sa.select(Agency).where(Agency.name == "中国四国農政局"))
    assert {m.block.code for m in agency.memberships} == {"chugoku", "shikoku"}


def test_fy2007_budget_lines_sum_to_the_published_total(seeded):
    total = db.session.scalar(
        sa.select(sa.func.sum(MeasureBudget.amount_million)).where(
            MeasureBudget.fiscal_year == 2007
        )
    )
    published = db.session.scalar(
        sa.select(PublishedTotal).where(PublishedTotal.fiscal_year == 2007)
    )
    assert total == published.amount_million == 74222


def test_blocks_page_lists_all_blocks_with_their_secretariats(seeded, client):
    html = client.get("/blocks").get_data(as_text=True)
    for block in db.session.scalars(sa.select(Block)):
        assert block.name in html
        assert block.secretariat_name in html


def test_block_page_lists_its_member_agencies(seeded, client):
    response = client.get("/blocks/chugoku")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "中国経済産業局" in html
    assert "中国四国農政局" in html
    assert "北海道開発局" not in html
    assert client.get("/blocks/nowhere").status_code == 404


def test_measures_page_shows_the_fy2007_sum_and_published_totals(seeded, client):
    html = client.get("/measures/").get_data(as_text=True)
    assert "沖縄科学技術大学院大学(仮称)設立" in html
    sums = re.search(r'id="line-sums".*?data-year="2007">([\d,]+)<', html, re.S)
    assert sums and sums.group(1) == "74,222"
    published = re.search(r'id="published-totals"(.*?)</tr>', html, re.S).group(1)
    assert "70,332" in published and "81,535" in published and "74,222" in published


def test_security_headers_on_every_page(seeded, client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_header_the_view_set_is_kept_and_sent_once(seeded, client):
    # The feed sets its own Referrer-Policy and Cache-Control: the defaults must neither
    # replace them nor be sent beside them; the others are still added.
    response = client.get("/calendar.ics")
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers.getlist("Cache-Control") == ["private, no-cache"]
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert len(response.headers.getlist("Content-Security-Policy")) == 1


def test_migrations_match_the_models(tmp_path):
    """`flask db upgrade` on an empty database, then `flask db check`, reports no drift."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        "SECRET_KEY": "x",
        "PATH": "/usr/bin:/bin",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    check = subprocess.run([*flask, "db", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
