"""確定 over an agency's objection names it in the confirmation."""

import html as htmllib
import re

import sqlalchemy as sa

from council.directory.models import Agency
from council.extensions import db
from council.minutes import services


def _agency_id(name):
    return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))


def _approve_confirm(page: str) -> str:
    form = re.search(r'<form[^>]*action="[^"]*/minutes/approve"[^>]*>', page, re.S)
    assert form, "no 確定 form"
    return htmllib.unescape(re.search(r'data-confirm="([^"]*)"', form.group(0)).group(1))


def test_approving_over_an_objection_names_the_agency_and_its_comment(
    make_minutes, secretariat, member, login_as, client
):
    minutes = make_minutes(status="circulated")
    services.respond_to_minutes(
        minutes,
        actor=member,
        agency_id=_agency_id("関東総合通信局"),
        confirmed=False,
        comment="議題2の発言者名が誤っています。",
    )
    db.session.commit()
    login_as(secretariat)
    message = _approve_confirm(
        client.get(f"/activities/{minutes.activity_id}/minutes").get_data(as_text=True)
    )
    assert (
        "意見ありの機関が1機関あります: 関東総合通信局「議題2の発言者名が誤っています。」"
        in message
    )
    assert "未回答の機関が" in message  # 関東農政局 has not answered


def test_without_objections_the_confirmation_does_not_mention_them(
    make_minutes, secretariat, member, login_as, client
):
    minutes = make_minutes(status="circulated")
    services.respond_to_minutes(
        minutes, actor=member, agency_id=_agency_id("関東総合通信局"), confirmed=True, comment=""
    )
    db.session.commit()
    login_as(secretariat)
    message = _approve_confirm(
        client.get(f"/activities/{minutes.activity_id}/minutes").get_data(as_text=True)
    )
    assert "意見あり" not in message and "確定しますか" in message
