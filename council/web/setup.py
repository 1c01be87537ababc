"""Request-wide behaviour: security headers, error pages, template helpers, audit actor."""

from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from council import cache, fiscal, permissions
from council.extensions import db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Every response carries these unless its view set its own; no-referrer would break
# Flask-WTF's HTTPS referrer check on every POST.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
# ... and a page (not a static file) is not stored by any cache unless its view says so.
NO_STORE = (("Cache-Control", "no-store"),)


def _same_site_referrer() -> str | None:
    """The page the user came from, when it is a page of this site (a way back)."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if not referrer or parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    if parts.path == request.path and request.method == "GET":
        return None  # a link to this very page leads nowhere
    return parts.path + (f"?{parts.query}" if parts.query else "")


def too_large_page(error=None):
    """413: say what was too large (the whole post, or one text field) and how to go back."""
    db.session.rollback()
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    with_file = (request.mimetype or "") == "multipart/form-data"
    if request.content_length and limit and request.content_length > limit:
        what = "添付ファイルを含む送信内容" if with_file else "送信内容"
        title = "ファイルが大きすぎます" if with_file else "送信内容が大きすぎます"
        message = (
            f"{what}が{limit // (1024 * 1024)}MBを超えたため、受け付けませんでした"
            f"(送信された大きさ: 約{request.content_length / (1024 * 1024):.1f}MB)。"
            + ("ファイルを小さくするか、分けて添付してください。" if with_file else "")
        )
    else:
        field_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000
        title = "入力された文章が長すぎます"
        message = (
            f"1つの入力欄に送れるのは約{field_limit // 1000:,}KB"
            f"(日本語でおよそ{field_limit // 3:,}文字)までです。文章を短くするか、"
            "添付ファイルにしてください。"
        )
    return render_template(
        "errors/error.html",
        status=413,
        title=title,
        message=message,
        back_url=_same_site_referrer(),
        back_hint="ブラウザの「戻る」で前の画面に戻ると、入力した内容が残っている場合があります。",
    ), 413


def configure(app: Flask) -> None:
    from council.web.sessions import CouncilSessionInterface

    app.session_interface = CouncilSessionInterface()
    _guard_requests(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    _serve_favicon(app)


def _guard_requests(app: Flask) -> None:
    """Around every request: refuse NUL in paths, name the audit actor, add the security
    headers, and roll back what a failed request left in the session."""
    from council.audit.hooks import forget_request_actor
    from council.database import read_in_autocommit

    app.before_request(read_in_autocommit)

    @app.before_request
    def _no_nul_in_paths():
        # No record has NUL in its code or name (forms refuse it), and PostgreSQL would refuse
        # it as a query parameter: such a path names nothing.
        if "\x00" in request.path:
            abort(404)

    @app.before_request
    def _attribute_changes():
        # The audit names the signed-in user at the request's first change (audit.hooks);
        # a session kept from an earlier request (an app context around several) forgets
        # the actor it named then. No session is opened here: most requests change nothing.
        if db.session.registry.has():
            forget_request_actor(db.session)

    @app.after_request
    def _security_headers(response):
        # One pass over the headers the view set, where a setdefault per header would scan
        # them five times.
        present = {name.lower() for name, _ in response.headers}
        defaults = SECURITY_HEADERS
        if request.endpoint and not request.endpoint.startswith("static"):
            defaults += NO_STORE
        response.headers.extend(
            [(name, value) for name, value in defaults if name.lower() not in present]
        )
        return response

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()


def _error_page(status: int, title: str, message: str):
    """An error handler: roll back, then the error page with a way back. A 409 shows the
    description it was raised with (what conflicted); other statuses their fixed message."""

    def handler(error):
        db.session.rollback()
        description = getattr(error, "description", None)
        detail = description if isinstance(description, str) and status == 409 else message
        return render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=detail,
            back_url=_same_site_referrer(),
        ), status

    return handler


ERROR_PAGES = (
    (400, 400, "リクエストが正しくありません", "入力内容を確認してください。"),
    (
        CSRFError,
        400,
        "フォームの有効期限が切れました",
        "セキュリティ確認に失敗しました。ページを再読み込みしてから、もう一度送信してください。",
    ),
    (403, 403, "権限がありません", "この操作を行う権限がありません。"),
    (404, 404, "ページが見つかりません", "お探しのページは見つかりませんでした。"),
    (405, 405, "この操作はできません", "このページではこの操作を受け付けていません。"),
    (409, 409, "競合しています", "他の操作と競合したため、処理を中止しました。"),
    (429, 429, "しばらくお待ちください", "短時間に多くの要求がありました。"),
    (
        500,
        500,
        "システムエラー",
        "処理中にエラーが発生しました。入力内容は保存されていません。",
    ),
)


def _register_error_pages(app: Flask) -> None:
    for code_or_exception, status, title, message in ERROR_PAGES:
        app.register_error_handler(code_or_exception, _error_page(status, title, message))
    app.register_error_handler(413, too_large_page)


class NavState(NamedTuple):
    """Everything the site menu shows that can differ between requests."""

    script_root: str
    current_fy: int
    submissions: bool
    analysis: bool
    users: bool
    audit: bool


def nav_state() -> NavState:
    user = current_user
    signed_in = user.is_authenticated
    return NavState(
        request.script_root,
        fiscal.current_fiscal_year(),
        signed_in and permissions.can_view_submissions(user, user.block_id),
        signed_in and permissions.can_open_analysis(user),
        signed_in and permissions.can_manage_users(user),
        signed_in and permissions.can_view_audit(user),
    )


def _register_template_helpers(app: Flask) -> None:
    """Japanese dates and fiscal years, line breaks, and what every template may read."""
    app.jinja_env.filters["jdate"] = fiscal.format_date
    app.jinja_env.filters["jdatetime"] = fiscal.format_datetime
    app.jinja_env.filters["jtime"] = fiscal.format_time
    app.jinja_env.filters["fy_label"] = fiscal.fiscal_year_label
    app.jinja_env.filters["fy_choice"] = fiscal.fiscal_year_choice
    app.jinja_env.filters["yen_million"] = lambda n: "" if n is None else f"{n:,}"

    @app.template_filter("nl2br")
    def _nl2br(text: str) -> Markup:
        escaped = Markup.escape(text or "")
        return Markup("<br>\n".join(escaped.split("\n")))

    @app.context_processor
    def _globals():
        return {
            "perm": permissions,
            "current_fy": fiscal.current_fiscal_year(),
            "fiscal": fiscal,
            "nav_state": nav_state,
            "fragment": cache.fragment,
        }

    @app.before_request
    def _request_start():
        g.setdefault("page_title", None)


def _serve_favicon(app: Flask) -> None:
    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico in every new session, whatever the page links to.
        icon = app.extensions.get("council_favicon")
        if icon is None:
            icon = app.extensions["council_favicon"] = Path(
                app.static_folder, "favicon.ico"
            ).read_bytes()
        return Response(
            icon, mimetype="image/x-icon", headers={"Cache-Control": "public, max-age=604800"}
        )
