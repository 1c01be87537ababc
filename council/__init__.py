"""Block Council: the app factory."""

from flask import Flask

from council.config import ROOT, load_config


class CouncilFlask(Flask):
    """Flask, with one per-request cost taken out: Flask asks for every hook and view, on
    every request, whether it is a coroutine function (eleven `inspect` calls on a feed's
    304). The app has no async views, and the answer for a function never changes: it is
    kept per function."""

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_council_sync", {})
        try:
            return known[func]
        except KeyError:
            known[func] = synced = super().ensure_sync(func)
            return synced
        except TypeError:  # an unhashable callable: ask Flask every time
            return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    app = CouncilFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_settings(app, config)
    _init_extensions(app)
    _register_blueprints(app)
    _remove_stale_uploads(app)
    _register_commands(app)
    return app


def _load_settings(app: Flask, config: dict | None) -> None:
    """The environment's settings, then the caller's (tests) on top; behind a proxy, trust its
    forwarded address, scheme and host."""
    app.config.update(load_config())
    if config:
        app.config.update(config)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def _init_extensions(app: Flask) -> None:
    """Bind the extensions, the engine settings and every session hook, then the request-wide
    behaviour (headers, error pages, template helpers)."""
    from council import converters, database, markdown, models, web  # noqa: F401  (models registers every table)
    from council.accounts import auth  # noqa: F401  (registers the user loader)
    from council.extensions import csrf, db, login_manager, migrate

    converters.register(app)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    _install_session_hooks(app, first=database.configure(app))
    web.configure(app)
    markdown.register(app)


def _install_session_hooks(app: Flask, *, first: bool) -> None:
    """The domains' session hooks, in the order they have always run (after the audit hook that
    database.configure installs): once per process, since they listen on the Session class;
    the search index is bound to each app."""
    from sqlalchemy.orm import Session

    from council.activities import events as activity_events
    from council.portal import index as portal_index
    from council.portal import news_sync
    from council.search import index as search_index

    if first:
        activity_events.install(Session)
        news_sync.install(Session)
        portal_index.install(Session)
    search_index.configure(app, Session)


def _register_blueprints(app: Flask) -> None:
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

    from council.home.views import set_public_page
    from council.portal.views import render_top

    set_public_page(app, render_top)


def _remove_stale_uploads(app: Flask) -> None:
    from council.activities.attachments import remove_stale_temporaries

    # Uploads cut short by a crash leave temporaries that nothing else would ever remove.
    remove_stale_temporaries(app.config["UPLOAD_FOLDER"])


def _register_commands(app: Flask) -> None:
    """The CLI commands, and the analysis's theme source (the portal's themes)."""
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
