def test_home_page_shows_the_ten_blocks(seeded, page, live_server):
    # An anonymous visitor's home page is the portal's top page, which lists the ten blocks.
    page.goto(live_server + "/")
    cards = page.locator(".portal-blocks a")
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
