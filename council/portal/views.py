"""The public portal's pages: top, search, record pages, Atom feeds, sitemap and the search API.

Nothing here sets a cookie for an anonymous visitor (no session, no CSRF token is touched), and
every successful page view is handed to the statistics buffer after the response is built.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from council.portal import cache, feed_queries, feeds, queries
from council.portal.models import FACILITY_KINDS, MEASURE_TARGETS, NEWS_KINDS, TYPES
from council.portal.stats.buffer import get_buffer

bp = Blueprint("portal", __name__)

RECORD_ENDPOINTS = {
    "measure": "portal.measure",
    "facility": "portal.facility",
    "theme": "portal.theme",
    "news": "portal.news",
}
# Endpoints whose successful GET is a page view (feeds, the sitemap and the API are not).
PAGE_ENDPOINTS = {
    "portal.top": "top",
    "home.index": "top",
    "portal.search": "search",
    "portal.measure": "measure",
    "portal.facility": "facility",
    "portal.theme": "theme",
    "portal.news": "news",
}


def record_url(type_: str, record_id: int, **kwargs) -> str:
    return url_for(RECORD_ENDPOINTS[type_], record_id=record_id, **kwargs)


@bp.app_context_processor
def _portal_helpers():
    return {"portal_record_url": record_url, "portal_types": TYPES}


def count_view(response):
    """After a portal page (or `/`, which shows the portal's top to the public): buffer one page
    view (no write here, no cookie, no IP kept)."""
    # g may outlive the request (an app context pushed around several requests): take the
    # values this request set, always.
    record_id, query, results = (
        g.pop("portal_record_id", None),
        g.pop("portal_query", None),
        g.pop("portal_results", None),
    )
    page = PAGE_ENDPOINTS.get(request.endpoint or "")
    if page is None or request.method != "GET" or response.status_code != 200:
        return response
    if current_user.is_authenticated:
        return response  # staff browsing is not the public's use of the portal
    get_buffer(current_app_obj()).add(
        address=request.remote_addr or "",
        user_agent=request.user_agent.string or "",
        page=page,
        record_id=record_id,
        query=query,
        results=results,
    )
    return response


def current_app_obj():
    from flask import current_app

    return current_app._get_current_object()


# On every request of the app: `/` is the home blueprint's, and PAGE_ENDPOINTS picks the pages.
bp.after_app_request(count_view)


def render_top():
    """The top page; `/` shows it to anonymous visitors."""
    html, _ = cache.page(
        lambda: (
            render_template(
                "portal/top.html",
                calls=queries.open_calls(),
                news=queries.latest_news(),
                counts=queries.counts_by_type(),
                refs=queries.labels(),
            ),
            {},
        )
    )
    return html


@bp.route("/portal/")
def top():
    return render_top()


@bp.route("/portal/search")
def search():
    refs = queries.labels()
    params = queries.parse_params(request.args, refs)
    if params.converted:
        # 「九州」 typed in the box is the block filter: show it as one the visitor can remove.
        return redirect(url_for("portal.search", **params.args()))
    html, extras = cache.page(lambda: _render_search(params, refs))
    if params.terms:
        g.portal_query = params.q
        g.portal_results = extras["total"]
    return html


def _render_search(params, refs) -> tuple[str, dict]:
    result = queries.search(params)
    facets = {
        name: queries.sorted_facet(name, result.facets.get(name, {}), refs)
        for name in queries.FACETS
    }
    active = [
        (name, value, refs.of(name, value), url_for("portal.search", **params.args(**{name: None})))
        for name, value in params.filters.items()
    ]
    if params.is_open:
        active.append(
            ("open", "1", "募集中のみ", url_for("portal.search", **params.args(open=None)))
        )
    pages = (result.total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE
    html = render_template(
        "portal/search.html",
        result=result,
        params=params,
        facets=facets,
        active=active,
        refs=refs,
        pages=pages,
        facet_names={
            "type": "種類",
            "block": "ブロック",
            "pref": "都道府県",
            "field": "分野",
            "ministry": "府省",
            "kind": "区分・対象",
            "fy": "年度",
        },
    )
    return html, {"total": result.total}


@bp.route("/api/v1/portal/search")
def api_search():
    refs = queries.labels()
    params = queries.parse_params(request.args, refs)
    limit = request.args.get("limit", "")
    size = min(int(limit), 1000) if limit.isdigit() and int(limit) > 0 else 100
    result = queries.search(params, page_size=size)
    return jsonify(
        {
            "total": result.total,
            "facets": {**result.facets, "open": {"1": result.open_count}},
            "results": [
                {
                    "type": d.type,
                    "id": d.record_id,
                    "title": d.title,
                    "url": record_url(d.type, d.record_id, _external=True),
                }
                for d in result.docs
            ],
        }
    )


def _record(loader, record_id: int, template: str, **extra):
    def build():
        record = loader(record_id)
        if record is None:
            abort(404)
        return render_template(template, record=record, refs=queries.labels(), **extra), {}

    html, _ = cache.page(build)
    g.portal_record_id = record_id
    return html


@bp.route("/portal/measures/<int:record_id>")
def measure(record_id: int):
    from council.portal.index import today_jst

    return _record(
        queries.get_public_measure,
        record_id,
        "portal/measure.html",
        today=today_jst(),
        targets=MEASURE_TARGETS,
    )


@bp.route("/portal/facilities/<int:record_id>")
def facility(record_id: int):
    return _record(
        queries.get_public_facility, record_id, "portal/facility.html", kinds=FACILITY_KINDS
    )


@bp.route("/portal/themes/<int:record_id>")
def theme(record_id: int):
    return _record(queries.get_public_theme, record_id, "portal/theme.html")


@bp.route("/portal/news/<int:record_id>")
def news(record_id: int):
    return _record(queries.get_public_news, record_id, "portal/news.html", kinds=NEWS_KINDS)


# --- feeds and the sitemap -----------------------------------------------------------------


def _feed_scope():
    refs = queries.labels()
    block = request.args.get("block") or None
    field = request.args.get("field") or None
    if (block is not None and block not in refs.block) or (
        field is not None and field not in refs.field
    ):
        abort(404)
    return refs, block, field


def _conditional(tag: str, build) -> Response:
    if request.if_none_match and request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = Response(build(), mimetype="application/atom+xml")
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _scope_title(refs, block, field) -> str:
    parts = [refs.block[block] for b in [block] if b] + [refs.field[f] for f in [field] if f]
    return f"({'・'.join(parts)})" if parts else ""


@bp.route("/portal/news.atom")
def news_feed():
    refs, block, field = _feed_scope()
    block_id = refs.block_ids.get(block) if block else None
    field_id = refs.field_ids.get(field) if field else None
    tag = feeds.etag("news", feed_queries.news_validator(block_id, field_id), block, field)
    return _conditional(
        tag,
        lambda: feeds.news_feed(
            feed_queries.feed_news(block_id, field_id),
            title="地域科学技術ポータル ニュース" + _scope_title(refs, block, field),
            self_url=request.url,
            home_url=url_for("portal.top", _external=True),
            url_of=lambda n: url_for("portal.news", record_id=n.id, _external=True),
        ),
    )


@bp.route("/portal/calls.atom")
def calls_feed():
    refs, block, field = _feed_scope()
    tag = feeds.etag("calls", feed_queries.calls_validator(), block, field)
    return _conditional(
        tag,
        lambda: feeds.calls_feed(
            feed_queries.feed_calls(block, field),
            title="地域科学技術ポータル 募集中の支援策" + _scope_title(refs, block, field),
            self_url=request.url,
            home_url=url_for("portal.top", _external=True),
            url_of=lambda rid: url_for("portal.measure", record_id=rid, _external=True),
        ),
    )


@bp.route("/sitemap.xml")
def sitemap():
    docs = feed_queries.sitemap_docs()
    body = render_template("portal/sitemap.xml", docs=docs)
    return Response(body, mimetype="application/xml")
