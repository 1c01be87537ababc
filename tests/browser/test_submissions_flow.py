"""Done-when 4: the kinki secretariat sees its completeness list, fixes the red item (a
briefing whose date has passed but that is still 予定) and submits its FY2007 record; the hq
user sees kinki change from 未提出 to 提出済."""

import re

from council.extensions import db
from council.minutes.models import Minutes

PASSWORD = "correct-horse-battery"


def _login(browser, live_server, email):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # 提出 and 差し戻す ask first
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _kinki_state(page) -> str:
    return page.locator("#overview tr[data-block='kinki'] td[data-col='record-state']").inner_text()


def test_kinki_fixes_its_red_item_submits_and_hq_sees_it(
    make_user, make_activity, browser, live_server
):
    make_user(role="secretariat", block="kinki", email="kinki@example.test")
    make_user(role="hq", email="hq@example.test")
    meeting = make_activity(
        block="kinki",
        title="平成19年度 第1回近畿地域ブロック協議会",
        status="held",
        participants=42,
        start="2007-07-10 14:00",
    )
    db.session.add(Minutes(activity=meeting, status="approved", discussion="議事概要"))
    late = make_activity(
        block="kinki",
        category="briefing",
        title="地域イノベーション関連施策 合同公募説明会(大阪)",
        start="2007-09-10 14:00",
        end="2007-09-10 16:00",
        organizers=["近畿経済産業局"],
    )
    db.session.flush()
    late_id = late.id
    db.session.commit()
    db.session.close()  # the live server's threads write: hold no transaction open here

    hq_context, hq = _login(browser, live_server, "hq@example.test")
    hq.goto(live_server + "/submissions/2007")
    assert "未提出" in _kinki_state(hq)

    context, page = _login(browser, live_server, "kinki@example.test")
    page.click(".site-nav--wide a[data-nav='submissions']")
    page.wait_for_url(re.compile(r"/submissions/$"))
    page.goto(live_server + "/submissions/2007/kinki")
    red = page.locator("#completeness-list tr.finding--red")
    assert red.count() == 1
    assert "開催日を過ぎていますが「予定」のままです" in red.inner_text()

    # The line links to the activity: mark it held with its head count.
    red.locator("a").click()
    page.wait_for_url(re.compile(rf"/activities/{late_id}$"))
    page.click("a:has-text('実施済みにする')")
    page.fill("#participants", "85")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/activities/{late_id}$"))

    page.goto(live_server + "/submissions/2007/kinki")
    assert page.locator("#completeness-list tr.finding--red").count() == 0
    assert page.locator(".completeness-summary").get_attribute("data-status") == "green"
    page.fill("#record-comment", "平成19年度の実績を提出します。")
    page.click("#submit-record")
    page.wait_for_url(re.compile(r"/submissions/2007/kinki$"))
    assert "平成19年度の実績を本府省へ提出しました(第1版)" in page.locator(".flashes").inner_text()
    assert page.locator("#panel-record .submission-state").inner_text() == "提出済"

    hq.reload()
    assert "提出済" in _kinki_state(hq)
    assert (
        hq.locator("#overview tr[data-block='kinki'] td[data-col='record-submitted']").inner_text()
        == "2"
    )
    context.close()
    hq_context.close()
