"""gunicorn settings read from the working directory (`make run`, bench/http.py).

The master makes the portal's visitor seed before it forks, so that every worker computes the
same daily visitor key; workers write their buffered page views when they exit.
"""


def on_starting(server):
    from council.portal.stats.buffer import ensure_seed

    ensure_seed()


def worker_exit(server, worker):
    app = getattr(worker, "wsgi", None)
    if app is None:
        return
    from council.portal.stats.buffer import flush_app

    try:
        flush_app(app)
    except Exception:
        server.log.exception("portal statistics: the last batch was lost")
