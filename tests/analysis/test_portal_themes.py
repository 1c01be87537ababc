"""The network reads the portal's adopted themes: published ones, lead and participants."""

import sqlalchemy as sa

from council.directory.models import Agency, Block
from council.extensions import db
from council.portal.models.registers import Theme


def _theme(title, fy, block, lead, participants, status="published"):
    theme = Theme(
        programme="地域イノベーション創出総合支援事業",
        fiscal_year=fy,
        title=title,
        lead_agency_id=lead.id,
        block_id=block.id,
        status=status,
    )
    theme.participants = list(participants)
    db.session.add(theme)
    return theme


def test_a_published_theme_joins_its_organisations_in_the_block_network(hq_client):
    kinki = db.session.scalar(sa.select(Block).filter_by(code="kinki"))
    a, b, c, d = db.session.scalars(sa.select(Agency).order_by(Agency.id).limit(4)).all()
    _theme("燃料電池の共同研究", 2007, kinki, a, [b, c])
    # Not adoptions: a draft, a withdrawn theme, and a theme of another year.
    _theme("下書きのテーマ", 2007, kinki, a, [d], status="draft")
    _theme("取り下げたテーマ", 2007, kinki, b, [d], status="withdrawn")
    _theme("翌年度のテーマ", 2008, kinki, c, [d])
    db.session.commit()

    body = hq_client.get("/api/v1/network/kinki?from=2007&to=2007").get_json()

    assert (body["nodes"], body["edges"]) == (3, 3)
    assert {h["name"] for h in body["hubs"]} == {a.name, b.name, c.name}


def test_a_new_theme_changes_the_cached_network(hq_client):
    kinki = db.session.scalar(sa.select(Block).filter_by(code="kinki"))
    a, b, c = db.session.scalars(sa.select(Agency).order_by(Agency.id).limit(3)).all()
    _theme("第一のテーマ", 2007, kinki, a, [b])
    db.session.commit()
    assert hq_client.get("/api/v1/network/kinki?from=2007&to=2007").get_json()["edges"] == 1

    _theme("第二のテーマ", 2007, kinki, b, [c])
    db.session.commit()

    assert hq_client.get("/api/v1/network/kinki?from=2007&to=2007").get_json()["edges"] == 2


def test_a_change_of_a_themes_organisations_alone_changes_the_cached_network(hq_client, hq):
    """Only the participants change (no column of the theme): the theme is stamped, so the
    network's fingerprint moves and the next request recomputes."""
    from council.portal import services

    kinki = db.session.scalar(sa.select(Block).filter_by(code="kinki"))
    a, b, c = db.session.scalars(sa.select(Agency).order_by(Agency.id).limit(3)).all()
    theme = _theme("共同研究", 2007, kinki, a, [b])
    db.session.commit()
    assert hq_client.get("/api/v1/network/kinki?from=2007&to=2007").get_json()["edges"] == 1
    stamped = theme.updated_at

    services.save_record(
        "themes", theme, {"participant_ids": [b.id, c.id], "_block_id": kinki.id}, actor=hq
    )
    db.session.commit()

    assert theme.updated_at > stamped
    assert hq_client.get("/api/v1/network/kinki?from=2007&to=2007").get_json()["edges"] == 3
