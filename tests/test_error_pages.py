"""Error pages: Japanese, with a way back; 413 says what was too large; the favicon exists."""

import pytest


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.get_data().startswith(b"\x00\x00\x01\x00")  # an ICO file
    assert "icon" in response.mimetype
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page


def test_a_too_large_text_field_says_so_and_offers_the_way_back(app, login_as, client, secretariat):
    login_as(secretariat)
    app.config["MAX_FORM_MEMORY_SIZE"] = 100_000
    response = client.post(
        "/activities/new",
        data={"title": "協議会", "description": "議" * 60_000},
        content_type="multipart/form-data",
        headers={"Referer": "http://localhost/activities/new"},
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "入力された文章が長すぎます" in html
    assert "約100KB" in html
    assert '<a href="/activities/new">前のページへ戻る</a>' in html
    assert "PDF" not in html and "ファイルを小さく" not in html


def test_a_too_large_form_post_names_the_limit(app, login_as, client, make_activity, secretariat):
    activity = make_activity()
    login_as(secretariat)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = client.post(
        f"/activities/{activity.id}/edit",
        data={"title": "協議会", "description": "議" * 400_000},
        headers={"Referer": f"http://localhost/activities/{activity.id}/edit"},
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "送信内容が大きすぎます" in html
    assert "送信内容が1MBを超えたため" in html and "(送信された大きさ: 約" in html
    assert f'<a href="/activities/{activity.id}/edit">前のページへ戻る</a>' in html
    assert "PDF" not in html


def test_a_referrer_of_another_site_is_not_offered(client, seeded):
    response = client.get("/no-such-page", headers={"Referer": "https://evil.example/x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "evil.example" not in html
    assert "トップページへ戻る" in html


@pytest.mark.parametrize(
    ("path", "method", "status", "title"),
    [
        ("/no-such-page", "get", 404, "ページが見つかりません"),
        ("/login", "put", 405, "この操作はできません"),
        ("/boom", "get", 500, "システムエラー"),
    ],
)
def test_every_error_page_is_japanese_with_a_way_back(app, seeded, path, method, status, title):
    if path == "/boom":
        app.config["PROPAGATE_EXCEPTIONS"] = False

        def boom():
            raise RuntimeError("boom")

        app.add_url_rule("/boom", "boom", boom)
    client = app.test_client()
    response = getattr(client, method)(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert '<a href="/">トップページへ戻る</a>' in html
    assert "Traceback" not in html and "boom" not in html


def test_a_forbidden_page_is_japanese_with_a_way_back(make_user, login_as, client):
    login_as(make_user(role="member"))
    response = client.get("/audit/")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "権限がありません" in html and "トップページへ戻る" in html
