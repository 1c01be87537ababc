"""Issue 17, items 1 and 2: the `next` target of a login is a path on this host, whatever bytes
the query carries (tabs and newlines are dropped by browsers, so `/\t/evil` means `//evil`)."""

from urllib.parse import urlsplit

import pytest

HOSTILE = [
    "/%09/evil.example",
    "/%0d/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "//evil.example",
    "///evil.example",
    "/%5Cevil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "%20//evil.example",
    "/%00/evil.example",
    "/%E2%80%A8/evil.example",
]


def _login(client, user, next_value):
    return client.post(
        f"/login?next={next_value}",
        data={"email": user.email, "password": "correct-horse-battery"},
        follow_redirects=False,
    )


@pytest.mark.parametrize("next_value", HOSTILE)
def test_hostile_next_ends_on_this_host(client, next_value, hq):
    response = _login(client, hq, next_value)
    assert response.status_code == 302
    location = response.headers["Location"]
    # A browser drops tabs and newlines before resolving: judge what it would see.
    seen = "".join(ch for ch in location if ch not in "\t\r\n")
    parts = urlsplit(seen)
    assert parts.scheme in ("", "http"), location
    assert parts.netloc in ("", "localhost"), location
    assert parts.path.startswith("/") and not parts.path.startswith("//"), location
    assert "\\" not in seen
    assert client.get("/profile").status_code == 200  # the login itself went through


@pytest.mark.parametrize(
    "next_value, expected",
    [
        ("/activities/?q=%E4%BC%9A%E8%AD%B0", "/activities/?q=%E4%BC%9A%E8%AD%B0"),
        ("/calendar/2007/11", "/calendar/2007/11"),
    ],
)
def test_local_next_is_kept(client, next_value, expected, hq):
    response = _login(client, hq, next_value)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
