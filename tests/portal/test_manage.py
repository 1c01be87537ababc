"""Editing the registers: who may edit what, every edit audited, bad input refused with a
Japanese message next to the field and nothing changed."""

import io

import sqlalchemy as sa

from council.audit.models import AuditEntry
from council.extensions import db
from council.portal.models import Facility, SupportMeasure
from tests.portal import factories as f


def _facility_form(facility, **change):
    return {
        "organisation": facility.owner_agency.name,
        "name": facility.name,
        "prefecture": facility.prefecture.code,
        "kind": facility.kind,
        "fields": "nano",
        "conditions": "",
        "fees": "",
        "contact": "",
        "url": "",
        "description": "",
        "status": "published",
        **change,
    }


def test_kinki_secretariat_edits_a_kinki_facility_not_a_kanto_one(
    client, login_as, kinki_secretariat
):
    kinki = f.facility("電波暗室")  # 大阪府立産業技術総合研究所 (27)
    kanto = f.facility(
        "振動試験機", f.org("東京都立産業技術研究センター", "public_lab", "13").name, pref="13"
    )
    login_as(kinki_secretariat)
    ok = client.post(
        f"/portal/manage/facility/{kinki.id}/edit", data=_facility_form(kinki, fees="1時間 3,000円")
    )
    assert ok.status_code == 302
    refused = client.post(
        f"/portal/manage/facility/{kanto.id}/edit", data=_facility_form(kanto, fees="無料")
    )
    assert refused.status_code == 403
    assert client.get(f"/portal/manage/facility/{kanto.id}/edit").status_code == 403
    db.session.expire_all()
    assert db.session.get(Facility, kinki.id).fees == "1時間 3,000円"
    assert db.session.get(Facility, kanto.id).fees == ""
    # Moving the kinki facility into kanto would hand it to another block: refused.
    moved = client.post(
        f"/portal/manage/facility/{kinki.id}/edit", data=_facility_form(kinki, prefecture="13")
    )
    assert moved.status_code == 403
    db.session.expire_all()
    assert db.session.get(Facility, kinki.id).prefecture_id == 27
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Facility",
            AuditEntry.object_id == kinki.id,
            AuditEntry.action == "update",
        )
    ).all()
    assert entry.changes["fees"] == ["", "1時間 3,000円"]
    assert entry.actor_label == kinki_secretariat.email
    assert f",{kinki.block_id}," in entry.block_ids


def test_hq_edits_any_block_and_national_records(client, login_as, hq):
    kanto = f.facility(
        "振動試験機", f.org("東京都立産業技術研究センター", "public_lab", "13").name, pref="13"
    )
    national = f.measure("全国の支援策", organisation="NEDO 北海道支部", blocks="")
    assert national.block_id is None
    login_as(hq)
    assert (
        client.post(
            f"/portal/manage/facility/{kanto.id}/edit", data=_facility_form(kanto, fees="無料")
        ).status_code
        == 302
    )
    assert client.get(f"/portal/manage/measure/{national.id}/edit").status_code == 200


def _measure_form(**change):
    return {
        "organisation": "九州経済産業局",
        "name": "燃料電池 実用化助成",
        "fiscal_year": "平成19年度",
        "opens_on": "2007/11/28",
        "closes_on": "H19.12.28",
        "fields": "energy",
        "blocks": "九州",
        "status": "published",
        **change,
    }


def test_bad_input_gets_a_japanese_message_and_changes_nothing(client, login_as, hq):
    login_as(hq)
    cases = {
        "closes_on": (
            _measure_form(closes_on="2007/11/01"),
            "締切が公募開始より前になっています。",
        ),
        "blocks": (
            _measure_form(blocks="アトランティス"),
            "ブロック「アトランティス」はありません",
        ),
        "name": (_measure_form(name="燃料\x00電池"), "制御文字は使えません。"),
        "description": (
            _measure_form(description="あ" * 10_001),
            "10,000文字以内で入力してください",
        ),
        "url": (_measure_form(url="javascript:alert(1)"), "http:// または https:// で始まる形"),
        "fiscal_year": (_measure_form(fiscal_year="来年"), "年度「来年」を読み取れません"),
    }
    for field, (data, message) in cases.items():
        response = client.post("/portal/manage/measure/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, field
        assert message in page, field
        assert f'id="{field}-error"' in page, field
    # The visitor's text is kept in the form.
    page = client.post(
        "/portal/manage/measure/new", data=_measure_form(closes_on="2007/11/01")
    ).get_data(as_text=True)
    assert 'value="燃料電池 実用化助成"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportMeasure)) == 0
    facility = client.post(
        "/portal/manage/facility/new",
        data={
            "organisation": "大阪府 商工労働部 産業振興室",
            "name": "電子顕微鏡",
            "prefecture": "大阪",
            "status": "published",
        },
    )
    assert facility.status_code == 400
    assert "都道府県「大阪」はありません" in facility.get_data(as_text=True)
    huge = client.post(
        "/portal/manage/measure/new", data=_measure_form(description="あ" * 10_000_000)
    )
    assert huge.status_code in (400, 413)
    assert "大きすぎます" in huge.get_data(as_text=True) or "文字以内" in huge.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportMeasure)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 0


def test_a_csv_with_a_wrong_column_is_refused_whole(client, login_as, hq):
    login_as(hq)
    body = "organisation,name,prefecture,colour\n大阪府 商工労働部 産業振興室,電子顕微鏡,27,赤\n"
    response = client.post(
        "/portal/manage/import",
        data={"kind": "facilities", "file": (io.BytesIO(body.encode()), "f.csv")},
    )
    assert response.status_code == 400
    assert "1行目 colour列: 列「colour」はこの台帳にありません。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 0


def test_a_linked_news_item_keeps_its_activity_fields(
    client, login_as, make_activity, kinki_secretariat
):
    from datetime import timedelta

    from council import fiscal
    from council.extensions import utc_now
    from council.portal.models import News

    day = fiscal.to_jst(utc_now()).date() + timedelta(days=7)
    activity = make_activity(
        block="kinki",
        category="training",
        title="研修会",
        start=f"{day} 10:00",
        visibility="public",
    )
    news = db.session.scalar(sa.select(News).where(News.activity_id == activity.id))
    login_as(kinki_secretariat)
    response = client.post(
        f"/portal/manage/news/{news.id}/edit",
        data={
            "date": "2001-01-01",
            "title": "書き換え",
            "kind": "other",
            "block": "kinki",
            "field": "life",
            "status": "published",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    news = db.session.get(News, news.id)
    assert (news.title, news.news_on, news.field.code) == ("研修会", day, "life")


def test_a_second_record_with_the_same_key_is_refused_next_to_its_name(make_user, client, login_as):
    existing = f.facility("電波暗室")
    login_as(make_user(role="secretariat", block="kinki"))
    response = client.post("/portal/manage/facility/new", data=_facility_form(existing))
    assert response.status_code == 400
    assert "同じ機関・名称(キー)の情報がすでに登録されています。" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 1
