"""Markdown for minutes, rendered safely at display time.

markdown-it-py with raw HTML off turns the text into HTML; nh3 then keeps only an allowlist of
tags and attributes and only http(s)/mailto links. Both steps run on every render (page, print,
conflict and diff views alike), so a stored text is never trusted, whenever it was saved.
"""

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

# breaks=True: clerks type one statement per line and expect the line breaks to stay.
_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# No <img>: minutes carry no pictures, and an image URL would leak who reads them.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str | None) -> Markup:
    """Markdown → sanitised HTML, safe to put in a page as is."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)


def register(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render
