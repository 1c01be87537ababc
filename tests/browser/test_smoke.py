def test_home_page_shows_the_ten_blocks(seeded, page, live_server):
    page.goto(live_server + "/")
    cards = page.locator(".block-card__name")
    assert cards.count() == 10
    names = cards.all_inner_texts()
    assert names == [
        "北海道",
        "東北",
        "関東",
        "中部",
        "北陸",
        "近畿",
        "中国",
        "四国",
        "九州",
        "沖縄",
    ]
    assert page.title().endswith("地域ブロック協議会 活動管理システム")
