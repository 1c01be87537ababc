"""The HTML calendar (month, week, list), the iCalendar feeds and the personal feed token."""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from council import cache, fiscal, ical, permissions
from council.activities.models import Activity, Category
from council.calendars import feeds, grid, queries, render, services
from council.calendars.forms import VIEWS, CalendarFilterForm, parse_date, parse_month
from council.database import answers_from_one_read
from council.directory.models import Block
from council.extensions import db
from council.web.forms import run_action
from council.web.requests import require

bp = Blueprint("calendars", __name__)

FEED_HEADERS = {
    # Feed URLs may carry a secret: keep them out of search engines and Referer headers.
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}
CALENDAR_NAME = "地域ブロック協議会"


def today_in_japan() -> date:
    return fiscal.to_jst(datetime.now(UTC)).date()


# --- HTML calendar -------------------------------------------------------------------------


def _anchor(form: CalendarFilterForm, today: date) -> date:
    if form.month.data and not form.month.errors:
        month = parse_month(form.month.data)
        if month is not None:
            return month
    if form.date.data and not form.date.errors:
        day = parse_date(form.date.data)
        if day is not None:
            return day
    return today


def _filters(form: CalendarFilterForm, choices: dict) -> tuple[dict, dict]:
    """(query arguments, ids for the query) of the valid filters; invalid ones are ignored
    (and reported next to their field)."""
    args, ids = {}, {"block_id": None, "category_id": None, "agency_id": None}
    if form.block.data and not form.block.errors:
        args["block"] = form.block.data
        ids["block_id"] = (
            form.block.data
            if form.block.data in ("hq", "national")
            else next(b.id for b in choices["blocks"] if b.code == form.block.data)
        )
    if form.category.data and not form.category.errors:
        args["category"] = form.category.data
        ids["category_id"] = next(
            c.id for c in choices["categories"] if c.code == form.category.data
        )
    if form.agency.data and not form.agency.errors:
        args["agency"] = form.agency.data
        ids["agency_id"] = int(form.agency.data)
    return args, ids


@dataclass(frozen=True)
class Span:
    first: date  # the days shown
    last: date
    items_first: date  # the days whose items are looked up
    items_last: date
    previous: date  # where the navigation links lead
    following: date
    heading: str
    in_range: Callable[[date], bool] | None = None


def _span(view: str, anchor: date) -> Span:
    """What a view shows around `anchor`. The month grid shows the whole weeks around the
    month but the items of the month only: the neighbouring days complete the weeks (a
    multi-day item still runs on into them)."""
    if view == "week":
        first = grid.week_start(anchor)
        last = first + timedelta(days=6)
        heading = f"{fiscal.format_date(first)}〜{fiscal.format_date(last)}"
        return Span(
            first, last, first, last, first - timedelta(days=7), last + timedelta(days=1), heading
        )
    month_first, month_last = grid.month_bounds(anchor.year, anchor.month)
    previous, following = grid.add_months(anchor, -1), grid.add_months(anchor, 1)
    heading = f"{anchor.year}年{anchor.month}月"
    if view == "list":
        return Span(month_first, month_last, month_first, month_last, previous, following, heading)
    first, last = grid.month_grid_span(anchor.year, anchor.month)
    return Span(
        first,
        last,
        month_first,
        month_last,
        previous,
        following,
        heading,
        in_range=lambda d: d.month == anchor.month,
    )


def _filter_choices() -> dict:
    """Blocks, categories and agencies for the filter form, kept by this app for a minute:
    reference data that changes a few times a year, read on every calendar page. A new agency
    reaches the menu within FILTER_CHOICES_SECONDS; the calendar itself is never cached."""
    cache = current_app.extensions.setdefault("calendars.filter_choices", {})
    now = time.monotonic()
    if cache.get("until", 0.0) <= now:
        cache["value"] = queries.filter_choices()
        cache["until"] = now + current_app.config.get("FILTER_CHOICES_SECONDS", 60)
    return cache["value"]


@bp.route("/calendar")
def month():
    choices = _filter_choices()
    form = CalendarFilterForm(formdata=request.args)
    form.set_choices(choices)
    status = 200 if form.validate() else 400
    view = form.view.data if form.view.data in VIEWS else "month"
    today = today_in_japan()
    anchor = _anchor(form, today)
    args, ids = _filters(form, choices)
    span = _span(view, anchor)
    grid_key = _grid_key(view, anchor, args, ids, today)
    grid_kept = grid_key is not None and cache.store("calendars.grid").get(grid_key) is not None
    items, omitted = ([], {}) if grid_kept else _items(view, span, ids)
    days = (
        []
        if grid_kept
        else grid.build_days(
            span.first, span.last, items, today=today, in_range=span.in_range, omitted=omitted
        )
    )
    feed_args = {k: v for k, v in args.items() if k in ("block", "category")}
    return render_template(
        f"calendars/{view}.html",
        form=form,
        view=view,
        views=VIEWS,
        anchor=anchor,
        heading=span.heading,
        filter_text="・".join(form.selected_labels(args)),
        days=days,
        weeks=grid.weeks(days),
        items=items,
        holidays={d.date: d.holiday for d in days if d.holiday},
        activity_path=f"{request.script_root}/activities/",
        item_link=render.item_link,
        day_items=render.day_items,
        select_options=render.select_options,
        weekday_names=grid.WEEKDAY_NAMES,
        args=args,
        **_links(view, span, anchor, args),
        grid_key=grid_key,
        fragment=cache.fragment,
        public_feed_url=url_for(".public_feed", _external=True, **feed_args),
        today=today,
    ), status


def _grid_key(view: str, anchor: date, args: dict, ids: dict, today: date) -> tuple | None:
    """The month grid is kept per data version for everyone who sees the same activities:
    the key names all it shows (None: not kept, a list or week view, or a change settling)."""
    if view != "month" or (version := cache.data_version()) is None:
        return None
    user = current_user
    scope = (getattr(user, "role", None), getattr(user, "block_id", None))
    scope += (getattr(user, "agency_id", None),)
    key = (scope, anchor.year, anchor.month, tuple(ids.items()), today, version)
    # Category and block names are reference data, read again every minute (with the
    # filter choices): a grid is kept no longer than they are.
    refreshed = current_app.extensions["calendars.filter_choices"]["until"]
    return key + (request.script_root, tuple(sorted(args.items())), refreshed)


def _items(view: str, span: Span, ids: dict) -> tuple[list, dict]:
    """The activities of the span; a month cell holds a few, and counts the ones it leaves
    out."""
    if view == "month":
        return queries.month_items(
            current_user,
            span.items_first,
            span.items_last,
            per_day=render.MONTH_CELL_ITEMS,
            **ids,
        )
    return queries.calendar_items(current_user, span.items_first, span.items_last, **ids), {}


def _links(view: str, span: Span, anchor: date, args: dict) -> dict:
    """Previous, next and today in this view, the other views of this date, and a day's
    "more" link, all keeping the filters."""
    return {
        "nav": {
            "previous": url_for(".month", view=view, date=span.previous.isoformat(), **args),
            "next": url_for(".month", view=view, date=span.following.isoformat(), **args),
            "today": url_for(".month", view=view, **args),
        },
        "view_urls": {v: url_for(".month", view=v, date=anchor.isoformat(), **args) for v in VIEWS},
        "more_url": url_for(".month", view="week", **args) + "&date=",
    }


# --- iCalendar feeds -----------------------------------------------------------------------


def _feed(
    user, fingerprint, *, name: str, scope: tuple, block_id=None, category_id=None
) -> Response:
    """Answer a feed request: 304 from one cheap query when the client's copy is current,
    else the feed, served from the per-activity cache."""
    today = today_in_japan()
    window = feeds.feed_window(
        today,
        current_app.config["FEED_WINDOW_DAYS_BACK"],
        current_app.config["FEED_WINDOW_DAYS_AHEAD"],
    )
    base_url = request.url_root.rstrip("/")
    settling = cache.is_settling(
        fingerprint, datetime.now(UTC), current_app.config.get("FEED_SETTLE_SECONDS", 60)
    )
    tag = feeds.etag(
        fingerprint,
        window.first_day,
        window.last_day,
        base_url,
        name,
        *scope,
        nonce=secrets.token_hex(8) if settling else "",
    )
    modified = feeds.last_modified(fingerprint, today).replace(microsecond=0)
    if settling:
        not_modified = False
    elif request.if_none_match:
        not_modified = request.if_none_match.contains_weak(tag)
    else:
        since = request.if_modified_since
        not_modified = since is not None and since >= modified
    if not_modified:
        response = Response(status=304)
    else:
        bodies = current_app.extensions.setdefault("calendars.feed_bodies", feeds.BodyCache())
        body = bodies.get(tag)
        if body is None:
            clauses = feeds.feed_clauses(user, window, block_id=block_id, category_id=category_id)
            body = ical.assemble(name, feeds.fragments(clauses, base_url))
            # The feed may have filled the VEVENT cache: keep it for the next request.
            db.session.commit()
            if not settling:
                bodies.put(tag, body, current_app.config.get("FEED_BODY_CACHE_ENTRIES", 8))
        response = Response(body, mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response.set_etag(tag, weak=True)
    response.last_modified = modified
    response.headers.update(FEED_HEADERS)
    # Calendar apps revalidate with the ETag; shared caches must not keep a personal feed.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _lookup_code(model, code: str | None, label: str):
    if not code:
        return None, None
    if not (code.isascii() and code.isalnum()) or len(code) > 20:
        abort(404)  # codes are short ASCII words; anything else (NUL included) names nothing
    row = db.session.execute(sa.select(model.id, model.name).where(model.code == code)).first()
    if row is None:
        abort(404, description=f"{label}「{code}」はありません。")
    return row.id, row.name


@bp.route("/calendar.ics")
@answers_from_one_read
def public_feed():
    """Public activities only, whoever asks (a signed-in user has the personal feed)."""
    block_code = request.args.get("block") or None
    if block_code == "hq":
        block_id, block_name = "hq", "本府省"
    elif block_code == "national":
        block_id, block_name = "national", "全国"
    else:
        block_id, block_name = _lookup_code(Block, block_code, "ブロック")
    category_id, category_name = _lookup_code(Category, request.args.get("category"), "区分")
    name = " ".join(part for part in (CALENDAR_NAME, block_name, category_name, "公開予定") if part)
    return _feed(
        None,
        feeds.fingerprint(),
        name=name,
        scope=("public", block_id, category_id),
        block_id=block_id,
        category_id=category_id,
    )


@bp.route("/feeds/<token>.ics")
@answers_from_one_read
def personal_feed(token: str):
    """Everything the token's owner may see now; an unknown or replaced token is 404."""
    if len(token) > 100:
        abort(404)
    found = feeds.owner_and_fingerprint(token)
    if found is None or not permissions.can_have_feed(found[0]):
        abort(404)
    owner, fingerprint = found
    scope = ("user", owner.id, owner.role, owner.block_id, owner.agency_id)
    return _feed(owner, fingerprint, name=f"{CALENDAR_NAME} 予定表({owner.name})", scope=scope)


@bp.route("/activities/<int:activity_id>.ics")
def activity_ics(activity_id: int):
    """One activity, for "add to my calendar"; 404 for what the caller may not see."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or not permissions.can_view_activity(current_user, activity):
        abort(404)
    event = ical.event_from_activity(activity, request.url_root.rstrip("/"))
    response = Response(ical.build_calendar(activity.title, [event]), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="activity-{activity.id}.ics"'
    response.headers.update(FEED_HEADERS)
    return response


# --- the personal feed token (a section of the profile page) ------------------------------


@bp.route("/profile/feed-token", methods=["POST"])
@login_required
def regenerate_feed_token():
    require(permissions.can_have_feed(current_user))
    token = run_action(lambda: services.regenerate_feed_token(current_user)).result
    # The URL is shown on this response only: the token is stored as a hash. The profile page
    # (another blueprint's view) renders it through calendars/_feed_section.html.
    g.new_feed_url = url_for(".personal_feed", token=token, _external=True)
    flash("個人用カレンダーのURLを発行しました。以前のURLは使えなくなりました。", "success")
    try:
        return current_app.view_functions["accounts.profile"]()
    finally:
        g.pop("new_feed_url", None)


@bp.route("/profile/feed-token/stop", methods=["POST"])
@login_required
def stop_feed():
    require(permissions.can_have_feed(current_user))
    run_action(lambda: services.stop_feed(current_user))
    flash("個人用カレンダーの配信を停止しました。登録済みのURLは使えなくなりました。", "success")
    return redirect(url_for("accounts.profile") + "#feed")
