"""Hand entry of funding records: validation in Japanese, permissions and the audit log."""

import sqlalchemy as sa

from council.analysis.funding.models import FundingRecord
from council.audit.models import AuditEntry
from council.extensions import db


def _form(ids, **over):
    data = {
        "fiscal_year": "平成19年度",
        "kind": "grant",
        "ministry_id": str(ids["ministry"]["経済産業省"]),
        "measure_id": str(ids["measure"]["地域新生コンソーシアム研究開発事業"].id),
        "block_id": str(ids["block"]["kanto"]),
        "prefecture_id": "13",
        "field_id": str(ids["field"]["nano"]),
        "title": "ナノ材料の共同研究",
        "amount": "1,234.5",
        "theme_id": "",
    }
    data.update(over)
    return data


def test_hq_enters_edits_and_deletes_a_record_and_each_change_is_audited(ids, hq_client):
    response = hq_client.post("/analysis/funding/records/new", data=_form(ids))
    assert response.status_code == 302
    record = db.session.scalar(sa.select(FundingRecord))
    assert (record.fiscal_year, str(record.amount_million), record.prefecture_id) == (
        2007,
        "1234.5",
        13,
    )
    response = hq_client.post(
        f"/analysis/funding/records/{record.id}/edit", data=_form(ids, amount="1000")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FundingRecord, record.id).amount_tenths == 10000
    assert hq_client.post(f"/analysis/funding/records/{record.id}/delete").status_code == 302
    actions = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.object_type == "FundingRecord")
        .order_by(AuditEntry.id)
    ).all()
    assert [a for a, _ in actions] == ["create", "update", "delete"]
    assert actions[1][1]["amount_tenths"] == [12345, 10000]
    page = hq_client.get("/audit/").get_data(as_text=True)
    assert "資金投入の記録" in page and "ナノ材料の共同研究" in page


def test_bad_input_is_answered_next_to_the_field_and_the_text_is_kept(ids, hq_client):
    response = hq_client.post(
        "/analysis/funding/records/new",
        data=_form(ids, amount="-5", fiscal_year="1999", prefecture_id=str(27)),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "負の値は入力できません。" in html
    assert "2000〜2100の西暦" in html
    assert "選んだブロックの都道府県を選んでください。" in html
    assert 'value="ナノ材料の共同研究"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingRecord)) == 0


def test_a_second_record_with_the_same_key_is_refused(ids, hq_client):
    assert hq_client.post("/analysis/funding/records/new", data=_form(ids)).status_code == 302
    response = hq_client.post("/analysis/funding/records/new", data=_form(ids, amount="1"))
    assert response.status_code == 422
    assert "同じ年度・区分・府省・ブロック・案件名の記録がすでにあります。" in response.get_data(
        as_text=True
    )


def test_a_secretariat_may_not_write_records(ids, client, login_as, make_funding, secretariat):
    record = make_funding()
    login_as(secretariat)
    assert client.post("/analysis/funding/records/new", data=_form(ids)).status_code == 403
    assert client.post(f"/analysis/funding/records/{record.id}/delete").status_code == 403
    assert client.get(f"/analysis/funding/records/{record.id}/edit").status_code == 403
    assert db.session.get(FundingRecord, record.id) is not None
