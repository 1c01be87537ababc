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

    from council import converters, database, markdown, web
    from council.accounts import auth  # noqa: F401  (registers the user loader)
    from council.extensions import csrf, db, login_manager, migrate

    converters.register(app)
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
    from council.activities.csv.views import bp as imports_bp
    from council.activities.views import bp as activities_bp
    from council.analysis.funding.views import bp as funding_bp
    from council.analysis.network.views import bp as network_bp
    from council.api.views import bp as api_bp
    from council.calendars.views import bp as calendars_bp
    from council.directory.views import bp as directory_bp
    from council.history.views import bp as audit_bp
    from council.home.views import bp as home_bp
    from council.measures.views import bp as measures_bp
    from council.minutes.views import bp as minutes_bp
    from council.notices.views import bp as notices_bp
    from council.portal.manage_views import bp as portal_manage_bp
    from council.portal.stats.views import bp as portal_stats_bp
    from council.portal.views import bp as portal_bp
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
        notices_bp,
        portal_bp,
        portal_manage_bp,
        portal_stats_bp,
        reports_bp,
        search_bp,
        submissions_bp,
    ):
        app.register_blueprint(bp)

    from council.activities.attachments import remove_stale_temporaries

    # Uploads cut short by a crash leave temporaries that nothing else would ever remove.
    remove_stale_temporaries(app.config["UPLOAD_FOLDER"])

    from council import cli
    from council.accounts import cli as accounts_cli
    from council.analysis import themes as analysis_themes
    from council.analysis.funding import cli as funding_cli

    analysis_themes.set_source(app, analysis_themes.PortalThemes())
    from council.notices import cli as notices_cli

    cli.register(app)
    from council.portal.cli import portal_cli

    app.cli.add_command(portal_cli)
    accounts_cli.register(app)
    notices_cli.register(app)
    funding_cli.register(app)
    return app
