"""提出 and 差し戻す ask for confirmation saying what is at stake; a return shows on the
secretariat's home page."""

import html as htmllib
import re


def _confirm_of(page: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="[^"]*/{action}"[^>]*>', page, re.S)
    assert form, action
    found = re.search(r'data-confirm="([^"]*)"', form.group(0))
    assert found, f"no confirmation on {action}"
    return htmllib.unescape(found.group(1))


def test_submit_and_return_ask_for_confirmation(sec_client, hq_client, held_meeting):
    held_meeting()
    page = sec_client.get("/submissions/2007/kanto").get_data(as_text=True)
    message = _confirm_of(page, "record/submit")
    assert "関東ブロックの平成19年度の実績を本府省に提出します" in message
    assert sec_client.post("/submissions/2007/kanto/record/submit", data={}).status_code == 302
    page = hq_client.get("/submissions/2007/kanto").get_data(as_text=True)
    message = _confirm_of(page, "record/return")
    assert "関東ブロックの平成19年度の実績を差し戻します" in message
    assert "再提出" in message


def test_a_return_is_shown_on_the_secretariats_home_page(
    sec_client, hq_client, held_meeting, login_as, app, kinki_secretariat
):
    held_meeting()
    assert "差し戻された提出" not in sec_client.get("/").get_data(as_text=True)
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    hq_client.post(
        "/submissions/2007/kanto/record/return",
        data={"return-record-reason": "参加者数を確認してください"},
    )
    home = sec_client.get("/").get_data(as_text=True)
    assert "本府省から差し戻された提出があります" in home
    assert '<a href="/submissions/2007/kanto">平成19年度の実績</a>' in home
    assert "理由: 参加者数を確認してください" in home
    # Another block's secretariat is not told.
    other = login_as(kinki_secretariat, c=app.test_client())
    assert "差し戻された提出" not in other.get("/").get_data(as_text=True)
    # Once submitted again, the notice goes away.
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    assert "差し戻された提出" not in sec_client.get("/").get_data(as_text=True)
