"""Request-wide behaviour: security headers, error pages, template helpers, audit actor."""

from flask import Flask, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from council import fiscal, permissions
from council.extensions import db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def configure(app: Flask) -> None:
    from council.audit.hooks import set_actor

    @app.before_request
    def _attribute_changes():
        actor = current_user if current_user.is_authenticated else None
        set_actor(db.session, actor, ip=request.remote_addr or "")

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # no-referrer would break Flask-WTF's HTTPS referrer check on every POST.
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()

    def _error(status: int, title: str, message: str):
        def handler(error):
            db.session.rollback()
            description = getattr(error, "description", None)
            detail = description if isinstance(description, str) and status == 409 else message
            return render_template(
                "errors/error.html", status=status, title=title, message=detail
            ), status

        return handler

    app.register_error_handler(
        400, _error(400, "リクエストが正しくありません", "入力内容を確認してください。")
    )
    app.register_error_handler(
        CSRFError,
        _error(
            400,
            "フォームの有効期限が切れました",
            "セキュリティ確認に失敗しました。ページを再読み込みしてから、もう一度送信してください。",
        ),
    )
    app.register_error_handler(
        403, _error(403, "権限がありません", "この操作を行う権限がありません。")
    )
    app.register_error_handler(
        404, _error(404, "ページが見つかりません", "お探しのページは見つかりませんでした。")
    )
    app.register_error_handler(
        405, _error(405, "この操作はできません", "このページではこの操作を受け付けていません。")
    )
    app.register_error_handler(
        409, _error(409, "競合しています", "他の操作と競合したため、処理を中止しました。")
    )
    app.register_error_handler(
        413,
        _error(
            413,
            "ファイルが大きすぎます",
            "アップロードできるファイルの大きさは{}MBまでです。".format(
                app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            ),
        ),
    )
    app.register_error_handler(
        429, _error(429, "しばらくお待ちください", "短時間に多くの要求がありました。")
    )
    app.register_error_handler(
        500,
        _error(
            500, "システムエラー", "処理中にエラーが発生しました。入力内容は保存されていません。"
        ),
    )

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
        }

    @app.before_request
    def _request_start():
        g.setdefault("page_title", None)
