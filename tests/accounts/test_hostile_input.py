"""NUL and control characters in forms, filters and URLs get a 4xx, never a 500 (PostgreSQL
refuses NUL in a query parameter; run the suite on it to make this test bite)."""


def test_nul_in_login_filters_and_urls(client, login_as, app, admin):
    response = client.post("/login", data={"email": "a\x00@example.jp", "password": "x"})
    assert response.status_code == 400
    assert "制御文字" in response.get_data(as_text=True)
    assert client.get("/blocks/kan%00to").status_code == 404
    login_as(admin)
    assert client.get("/users?q=a%00b").status_code == 200
    response = client.get("/audit/?actor=a%00b")
    assert response.status_code == 400
    assert "制御文字" in response.get_data(as_text=True)
    assert client.get("/directory.csv?block=k%00").status_code == 404
    assert client.get("/blocks/kan%00to/members/new").status_code == 404
