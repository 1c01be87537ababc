"""Issue 4, done-when 1: from logging a council meeting to approved minutes, in a real browser.

A kanto secretariat user creates the meeting through /activities/new, attaches the agenda PDF,
marks the meeting held with 23 participants, writes the minutes, circulates them (a participating
agency confirms) and approves them. A member of a participating agency then reads the approved
minutes; a member of another block cannot.
"""

import re

from playwright.sync_api import expect

PASSWORD = "correct-horse-battery"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DISCUSSION = "## 各機関の施策説明\n- 総務省: SCOPE の公募について説明\n- 農林水産省: 研究高度化事業について説明"


def _login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_a_meeting_from_creation_to_approved_minutes(seeded, make_user, browser, live_server):
    make_user(role="secretariat", block="kanto", email="sec@kanto.example.test", name="関東 事務局")
    make_user(
        role="member", agency="関東総合通信局", email="soumu@kanto.example.test", name="総通 太郎"
    )
    make_user(role="member", agency="近畿総合通信局", email="soumu@kinki.example.test")

    def new_page():
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
        page = context.new_page()
        page.set_default_timeout(10_000)
        # Approving asks "確定しますか。" through the form's data-confirm.
        page.on("dialog", lambda dialog: dialog.accept())
        return context, page

    sec_context, page = new_page()
    _login(page, live_server, "sec@kanto.example.test")

    # 1. The council meeting, through the activity form.
    page.goto(live_server + "/activities/new")
    page.get_by_label("区分").select_option(label="地域ブロック協議会・幹事会の開催")
    page.get_by_label("種別").select_option(label="協議会")
    page.get_by_label("件名").fill("関東地域ブロック協議会")
    page.get_by_label("開始日").fill("2007-11-28")
    page.get_by_label("開始時刻").fill("14:00")
    page.get_by_label("終了時刻").fill("16:00")
    page.get_by_label("会場").fill("さいたま新都心合同庁舎1号館 共用大会議室")
    page.locator("#organizers-group").get_by_label("関東経済産業局").check()
    participants = page.locator("#participant_agencies-group")
    participants.get_by_label("関東総合通信局").check()
    participants.get_by_label("関東農政局").check()
    page.get_by_role("button", name="登録する").click()
    expect(page.locator("h1")).to_contain_text("関東地域ブロック協議会")
    activity_url = re.sub(r"[#?].*$", "", page.url)
    assert re.search(r"/activities/\d+$", activity_url), page.url

    # 2. The agenda, as a PDF attachment.
    page.locator("#attachments input[type=file]").set_input_files(
        files=[{"name": "議事次第.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="添付する").click()
    expect(page.locator("#attachments").get_by_role("link", name="議事次第.pdf")).to_be_visible()

    # 3. Held, with 23 participants.
    page.get_by_role("link", name="実施済みにする").click()
    page.get_by_label("参加者数").fill("23")
    page.get_by_role("button", name="実施済みにする").click()
    expect(page.locator("h1 .badge")).to_have_text("実施")
    expect(page.locator(".activity-summary")).to_contain_text("23人")

    # 4. The minutes, from the activity page.
    page.get_by_role("link", name="議事録を作成").click()
    expect(page.get_by_label("出席者")).to_have_value(re.compile("関東総合通信局"))
    page.get_by_label("議題").fill("開会\n各機関の施策説明\n意見交換\n閉会")
    page.get_by_label("議事概要").fill(DISCUSSION)
    page.get_by_label("決定事項").fill("合同成果発表会を2月に開催する。")
    page.get_by_label("1行目の内容").fill("成果発表会の出展者を推薦する")
    page.get_by_label("1行目の担当機関").select_option(label="関東総合通信局")
    page.get_by_label("1行目の期限").fill("2008-01-18")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("h1 .badge")).to_have_text("案")
    expect(page.locator(".minutes-record h2", has_text="各機関の施策説明")).to_be_visible()

    # 5. Circulated to the agencies (the deadline defaults to a week from today).
    page.get_by_role("button", name="照会する").click()
    expect(page.locator("h1 .badge")).to_have_text("照会中")
    expect(page.locator(".responses")).to_contain_text("関東総合通信局")

    member_context, member_page = new_page()
    _login(member_page, live_server, "soumu@kanto.example.test")
    member_page.goto(activity_url + "/minutes")
    member_page.get_by_label("内容を確認しました(意見なし)").check()
    member_page.get_by_role("button", name="回答を送信する").click()
    expect(member_page.locator(".flash--success").first).to_contain_text("回答を送信しました")

    # 6. The secretariat sees the answer and approves: revision 1.
    page.reload()
    expect(page.get_by_text("回答済み 1 / 3 機関")).to_be_visible()
    page.get_by_role("button", name="確定する").click()
    expect(page.locator("h1 .badge")).to_have_text("確定")
    expect(page.get_by_role("link", name="第1版を表示")).to_be_visible()

    page.get_by_role("link", name="印刷用表示").click()
    expect(page.locator(".gov-minutes__title")).to_have_text(
        "平成19年度 第1回 関東地域ブロック協議会 議事録"
    )
    expect(page.locator(".gov-minutes")).to_contain_text("(出席者数 23名)")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    sec_context.close()

    # 7. A member of a participating agency reads the approved minutes from the activity page.
    member_page.goto(activity_url)
    panel = member_page.locator(".minutes-panel")
    expect(panel).to_contain_text("確定")
    panel.get_by_role("link", name="議事録を見る").click()
    expect(member_page.locator(".minutes-record")).to_contain_text("SCOPE の公募について説明")
    expect(member_page.locator(".minutes-record")).to_contain_text("成果発表会の出展者を推薦する")
    member_context.close()

    # 8. A member of another block does not.
    other_context, other_page = new_page()
    _login(other_page, live_server, "soumu@kinki.example.test")
    response = other_page.goto(activity_url + "/minutes")
    assert response.status in (403, 404)
    expect(other_page.locator("body")).not_to_contain_text("SCOPE の公募について説明")
    response = other_page.goto(activity_url + "/minutes/print")
    assert response.status in (403, 404)
    other_page.goto(activity_url)
    expect(other_page.locator("body")).not_to_contain_text("議事録を見る")
    other_context.close()
