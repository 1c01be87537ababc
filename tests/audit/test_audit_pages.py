"""The audit log pages: filters, paging, visibility by role, and nothing that writes."""

from datetime import UTC, datetime

import sqlalchemy as sa

from council import fiscal
from council.audit.models import AuditEntry
from council.audit.queries import history_for
from council.directory.models import Agency, Block
from council.extensions import db


def _agency(name):
    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


def _block_id(code):
    return db.session.scalar(sa.select(Block.id).where(Block.code == code))


def _edit_city(agency, city):
    agency.city = city
    db.session.commit()


def test_no_route_can_write_to_the_audit_log(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_filters_by_type_block_actor_and_date(make_user, client, login_as):
    kanto = _agency("関東総合通信局")
    kinki = _agency("近畿総合通信局")
    _edit_city(kanto, "関東の新所在地")
    _edit_city(kinki, "近畿の新所在地")
    login_as(make_user(role="hq", email="reviewer@example.jp"))

    def page(query):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    both = page("object_type=Agency")
    assert "関東の新所在地" in both and "近畿の新所在地" in both
    only_kinki = page("object_type=Agency&block=kinki")
    assert "近畿の新所在地" in only_kinki and "関東の新所在地" not in only_kinki
    users = page("object_type=User")
    assert "reviewer@example.jp" in users and "関東の新所在地" not in users
    by_actor = page("actor=system")  # changes made outside a request
    assert "関東の新所在地" in by_actor
    assert "該当する記録はありません" in page("actor=nobody-at-all")
    assert "該当する記録はありません" in page("date_from=2001-01-01&date_to=2001-12-31")
    # The filter's days are Japan's days.
    today = fiscal.to_jst(datetime.now(UTC)).date().isoformat()
    assert "関東の新所在地" in page(f"date_from={today}&date_to={today}")


def test_bad_dates_get_a_japanese_message(client, login_as, admin):
    login_as(admin)
    response = client.get("/audit/?date_from=2007-13-45")
    assert response.status_code == 400
    assert "2007/11/28、2007-11-28、平成19年11月28日" in response.get_data(as_text=True)
    response = client.get("/audit/?date_from=2008-01-02&date_to=2008-01-01")
    assert response.status_code == 400
    assert "終了日は開始日以降" in response.get_data(as_text=True)


def test_secretariat_sees_its_own_block_only(make_user, client, login_as):
    _edit_city(_agency("関東総合通信局"), "関東の新所在地")
    _edit_city(_agency("近畿総合通信局"), "近畿の新所在地")
    _edit_city(_agency("農研機構 中央農業総合研究センター"), "つくば市")  # kanto + chubu
    login_as(make_user(role="secretariat", block="chubu"))
    html = client.get("/audit/").get_data(as_text=True)
    assert "つくば市" in html
    assert "関東の新所在地" not in html and "近畿の新所在地" not in html
    # Asking for another block's entries shows nothing of theirs.
    html = client.get("/audit/?block=kanto").get_data(as_text=True)
    assert "関東の新所在地" not in html


def test_anonymous_and_members_are_kept_out(make_user, client, login_as):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(make_user(role="member"))
    assert client.get("/audit/").status_code == 403


def test_paging(client, login_as, app, admin):
    app.config["PAGE_SIZE"] = 5
    agency = _agency("関東総合通信局")
    for n in range(12):
        _edit_city(agency, f"所在地{n:02d}")
    login_as(admin)
    total = len(history_for("Agency", agency.id))
    assert total in (12, 13)  # 13 where the reference data load was logged (PostgreSQL)
    query = f"/audit/?object_type=Agency&object_id={agency.id}"
    first = client.get(query).get_data(as_text=True)
    assert f"{total}件" in first and "1 / 3 ページ" in first
    assert "所在地11" in first and "所在地05" not in first  # newest first
    third = client.get(query + "&page=3").get_data(as_text=True)
    assert "所在地01" in third and "所在地11" not in third


def test_history_for_one_object_newest_first_and_per_viewer(kinki_secretariat, secretariat):
    agency = _agency("関東総合通信局")
    _edit_city(agency, "一回目")
    _edit_city(agency, "二回目")
    entries = history_for("Agency", agency.id)
    updates = [e.changes["city"][1] for e in entries if e.action == "update"]
    assert updates == ["二回目", "一回目"]
    assert history_for("Agency", agency.id, viewer=kinki_secretariat) == []
    assert history_for("Agency", agency.id, viewer=secretariat) == entries


def test_history_partial_renders_readable_changes(make_user, app):
    from flask import render_template

    agency = _agency("関東総合通信局")
    agency.kind = "iaa"
    agency.is_active = False
    db.session.commit()
    with app.test_request_context():
        html = render_template("audit/_history.html", history=history_for("Agency", agency.id))
    assert "種別" in html and "地方支分部局" in html and "独立行政法人" in html
    assert "有効" in html and "はい" in html and "いいえ" in html
    assert "システム" in html and "system" not in html


def test_entries_are_insert_only(make_user):
    _edit_city(_agency("関東総合通信局"), "記録")
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    for statement in (
        sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(reason="改ざん"),
        sa.delete(AuditEntry).where(AuditEntry.id == entry.id),
    ):
        try:
            db.session.execute(statement)
            db.session.flush()
        except sa.exc.DBAPIError:
            db.session.rollback()
        else:
            raise AssertionError(f"the database accepted {statement}")
    assert db.session.get(AuditEntry, entry.id).reason == ""
