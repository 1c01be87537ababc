"""One search box over activities and minutes (Japanese substrings), within what the user
may see."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from council import cache
from council.extensions import db
from council.search import index as search_index
from council.search import queries

bp = Blueprint("search", __name__, cli_group="search")


@bp.route("/search")
def index():
    q = request.args.get("q", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    per_page = current_app.config["PAGE_SIZE"]
    error, total, hits, terms, results_key = None, 0, [], [], None
    try:
        terms = queries.terms_of(q)
        if terms:
            # A page of results, and its HTML, is kept per data version and viewer's scope.
            version = cache.data_version(*queries.MINUTES_VERSION)
            if version is not None:
                user = current_user
                scope = (getattr(user, "role", None), getattr(user, "block_id", None))
                scope += (getattr(user, "agency_id", None),)
                results_key = (scope, q, page, per_page, version)
            if results_key is None or cache.store("search.results").get(results_key) is None:
                total, hits = queries.search(
                    current_user,
                    q,
                    limit=per_page,
                    offset=(page - 1) * per_page,
                    version=version,
                )
    except queries.SearchQueryError as exc:
        error = str(exc)
    results = [
        {
            "hit": hit,
            "title": queries.snippet(hit.title, terms, width=200),
            "body": queries.snippet(hit.body, terms),
        }
        for hit in hits
    ]
    return render_template(
        "search/index.html",
        q=q,
        error=error,
        total=total,
        results=results,
        page=page,
        pages=max(1, -(-total // per_page)),
        results_key=results_key,
        fragment=cache.fragment,
    ), (400 if error else 200)


@bp.cli.command("rebuild")
def rebuild_command():
    """Rebuild every search document (after loading data with bulk SQL)."""
    count = search_index.rebuild()
    db.session.commit()
    print(f"{count} search documents rebuilt.")
