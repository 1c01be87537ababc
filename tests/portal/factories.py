"""Portal records for tests, written through the same service as the forms and the import."""

from datetime import date, timedelta

import sqlalchemy as sa

from council.directory.models import Agency
from council.extensions import db
from council.portal import rows as rowmod
from council.portal.index import today_jst
from council.portal.services import save_record
from council.reference.models import Prefecture


def org(name: str, kind: str = "company", pref: str = "13") -> Agency:
    agency = db.session.scalar(sa.select(Agency).where(Agency.name == name))
    if agency is None:
        prefecture = db.session.scalar(sa.select(Prefecture).where(Prefecture.code == pref))
        agency = Agency(name=name, kind=kind, prefecture_id=prefecture.id)
        db.session.add(agency)
        db.session.flush()
    return agency


def _save(kind: str, cells: dict, commit: bool = True):
    cleaned = rowmod.clean(kind, cells, rowmod.Lookups())
    assert not cleaned.errors, cleaned.errors
    record, _ = save_record(kind, None, cleaned.values, actor=None, check=False)
    if commit:
        db.session.commit()
    return record


def measure(
    name="燃料電池関連 研究開発支援事業",
    organisation="九州経済産業局",
    *,
    opens=None,
    closes=None,
    status="published",
    fiscal_year="2026",
    commit=True,
    **cells,
):
    today = today_jst()
    opens = opens if opens is not None else today - timedelta(days=5)
    closes = closes if closes is not None else today + timedelta(days=20)
    return _save(
        "measures",
        {
            "organisation": organisation,
            "name": name,
            "fiscal_year": fiscal_year,
            "opens_on": opens.isoformat() if isinstance(opens, date) else opens,
            "closes_on": closes.isoformat() if isinstance(closes, date) else closes,
            "status": status,
            "fields": "energy",
            "blocks": "kyushu",
            **cells,
        },
        commit,
    )


def facility(
    name="走査型電子顕微鏡",
    organisation=None,
    *,
    pref="27",
    status="published",
    commit=True,
    **cells,
):
    if organisation is None:
        organisation = org("大阪府立産業技術総合研究所", "public_lab", "27").name
    return _save(
        "facilities",
        {
            "organisation": organisation,
            "name": name,
            "prefecture": pref,
            "kind": "equipment",
            "status": status,
            "fields": "nano",
            **cells,
        },
        commit,
    )


def theme(
    title="燃料電池用セパレータの開発",
    organisation=None,
    *,
    status="published",
    commit=True,
    **cells,
):
    if organisation is None:
        organisation = org("福岡精密工業株式会社", "company", "40").name
    return _save(
        "themes",
        {
            "programme": "地域新生コンソーシアム研究開発事業",
            "fiscal_year": "2007",
            "title": title,
            "organisation": organisation,
            "field": "energy",
            "status": status,
            **cells,
        },
        commit,
    )


def news(
    title="燃料電池セミナー",
    *,
    day="2026-11-28",
    block="kyushu",
    status="published",
    commit=True,
    **cells,
):
    return _save(
        "news",
        {
            "date": day,
            "title": title,
            "kind": "seminar",
            "block": block,
            "place": "福岡市",
            "status": status,
            **cells,
        },
        commit,
    )
