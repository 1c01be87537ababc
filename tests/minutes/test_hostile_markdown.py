"""Hostile Markdown renders inert: in the filter, and on every page that shows minutes text."""

from html.parser import HTMLParser

import pytest

from council.extensions import db
from council.markdown import render
from council.minutes import services

HOSTILE = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click me](javascript:alert(1))",
    "[upper](JAVASCRIPT:alert(1))",
    "[spaced]( javascript:alert(1) )",
    "<javascript:alert(1)>",
    "[ref link][r]\n\n[r]: javascript:alert(1)",
    "[vb](vbscript:msgbox(1))",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">raw link</a>',
    "<div onmouseover=alert(1)>hover</div>",
    "<svg onload=alert(1)></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body { display: none }</style>",
    "<!-- comment --><b>raw bold</b>",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![png](data:image/png;base64,iVBORw0KGgo=)",
    '[title](https://example.jp "onmouseover=alert(1)")',
    "`<script>in code</script>`",
]

ALLOWED_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "style", "img", "svg", "object", "embed"}, tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert (value or "").strip().lower().startswith(ALLOWED_SCHEMES), (tag, value)


@pytest.mark.parametrize("text", HOSTILE)
def test_each_hostile_snippet_renders_inert(text):
    html = str(render(text))
    assert_inert(html)
    assert "<b>" not in html and "<div" not in html


def test_what_was_typed_stays_visible_as_text():
    html = str(render("<script>alert(1)</script> and [x](javascript:alert(1))"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(1)" in html  # as text, not as a link
    assert "<a " not in html


def test_ordinary_markdown_still_works():
    html = str(
        render("## 報告\n- 一つ目\n- 二つ目\n\n**重要** [資料](https://example.go.jp/a.pdf)")
    )
    assert "<h2>報告</h2>" in html
    assert "<li>一つ目</li>" in html
    assert "<strong>重要</strong>" in html
    assert (
        'href="https://example.go.jp/a.pdf"' in html
        and 'rel="noopener noreferrer nofollow"' in html
    )


def _page_without_the_app_shell(html: str) -> str:
    # Only the main content holds user text; the layout's own scripts are ours.
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_minutes_pages_render_hostile_markdown_inert(
    app, client, login_as, meeting, secretariat, make_minutes
):
    hostile = "\n\n".join(HOSTILE)
    minutes = make_minutes(status="approved", discussion=hostile, decisions=hostile)
    services.correct_minutes(
        minutes,
        actor=secretariat,
        expected_version=minutes.version,
        reason="<script>alert('reason')</script>",
        discussion=hostile + "\n\n<img src=x onerror=alert(2)>",
    )
    db.session.commit()
    login_as(secretariat)
    base = f"/activities/{meeting.id}/minutes"
    for url in (base, base + "/print", base + "/print?revision=1", base + "/revisions/2"):
        response = client.get(url)
        assert response.status_code == 200, url
        main = _page_without_the_app_shell(response.get_data(as_text=True))
        assert_inert(main)
        assert "&lt;script&gt;" in main, url


def test_the_conflict_page_renders_hostile_text_inert(
    client, login_as, meeting, secretariat, make_minutes
):
    minutes = make_minutes(discussion="<script>alert('saved')</script>\n[x](javascript:alert(1))")
    stale = minutes.version
    services.update_minutes(
        minutes,
        actor=secretariat,
        expected_version=stale,
        discussion="<img src=x onerror=alert(1)>\n" + minutes.discussion,
    )
    db.session.commit()
    login_as(secretariat)
    response = client.post(
        f"/activities/{meeting.id}/minutes/edit",
        data={
            "attendees": "",
            "agenda": "",
            "discussion": "<svg onload=alert(3)></svg>\n[d](data:text/html,hi)",
            "decisions": "",
            "version": str(stale),
        },
    )
    assert response.status_code == 409
    main = _page_without_the_app_shell(response.get_data(as_text=True))
    assert_inert(main)
    assert "&lt;svg onload=alert(3)&gt;" in main
