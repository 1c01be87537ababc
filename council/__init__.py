"""Block Council: the app factory."""

from flask import Flask

from council.config import ROOT, load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from council import database, markdown, web
    from council.accounts import auth  # noqa: F401  (registers the user loader)
    from council.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    database.configure(app)
    web.configure(app)
    markdown.register(app)

    from council.accounts.views import bp as accounts_bp
    from council.activities.import_views import bp as imports_bp
    from council.activities.minutes_views import bp as minutes_bp
    from council.activities.views import bp as activities_bp
    from council.analysis.funding.views import bp as funding_bp
    from council.analysis.network.views import bp as network_bp
    from council.api.views import bp as api_bp
    from council.audit.views import bp as audit_bp
    from council.calendars.views import bp as calendars_bp
    from council.directory.views import bp as directory_bp
    from council.home.views import bp as home_bp
    from council.measures.views import bp as measures_bp
    from council.reports.views import bp as reports_bp
    from council.search.views import bp as search_bp
    from council.submissions.views import bp as submissions_bp

    for bp in (
        accounts_bp,
        activities_bp,
        api_bp,
        audit_bp,
        calendars_bp,
        directory_bp,
        funding_bp,
        network_bp,
        home_bp,
        imports_bp,
        measures_bp,
        minutes_bp,
        reports_bp,
        search_bp,
        submissions_bp,
    ):
        app.register_blueprint(bp)

    from council import cli
    from council.accounts import cli as accounts_cli
    from council.analysis.funding import cli as funding_cli

    cli.register(app)
    accounts_cli.register(app)
    funding_cli.register(app)
    return app
