"""The read-only JSON API under /api/v1/ (SPEC, "JSON API").

Authenticated by the session cookie or by `Authorization: Bearer <token>` (the accounts
request loader); an anonymous caller sees public activities only and gets 401 for the reports.
Every route is GET, so CSRF protection (which only guards state-changing methods) never
applies and the blueprint is deliberately not exempted: a POST route added here later would
be protected by default. Errors are JSON: {"error": "<Japanese message>"}.
"""

import json

from flask import Blueprint, Response, request
from flask_login import current_user

from council import fiscal, permissions
from council.activities.models import NATIONAL, STATUSES
from council.analysis.funding import queries as funding_queries
from council.analysis.network import service as network_service
from council.api import queries
from council.errors import DomainError
from council.figures.axes import ReportError, axes
from council.figures.counts import HQ, year_figures

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000


class ApiError(DomainError):
    """A refused API call, answered as JSON with its own status (400, 401, 403, 404)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(data, status: int = 200) -> Response:
    # Keys stay in SPEC order (blocks and categories as the tables list them).
    body = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return Response(body, status=status, mimetype="application/json")


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = json_response({"error": error.message}, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="council"'
    return response


@bp.before_request
def _reject_bad_token():
    # A client whose token was revoked must learn it, not silently get the public view.
    if request.headers.get("Authorization", "").startswith("Bearer ") and (
        not current_user.is_authenticated
    ):
        raise ApiError(401, "APIトークンが無効です。新しいトークンを発行してください。")


def require_user() -> None:
    """401 for anonymous callers (JSON body), for the routes that are not public."""
    if not current_user.is_authenticated:
        raise ApiError(
            401,
            "認証が必要です。ログインするか、Authorization: Bearer ヘッダーでAPIトークンを送ってください。",
        )


def _int_arg(name: str, default: int | None, low: int, high: int, message: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, message) from None
    if not low <= value <= high:
        raise ApiError(400, message)
    return value


@bp.get("/activities")
def activities():
    fiscal_year = _int_arg(
        "fy",
        None,
        fiscal.FIRST_YEAR,
        fiscal.LAST_YEAR,
        f"fy には年度を西暦の整数({fiscal.FIRST_YEAR}〜{fiscal.LAST_YEAR}、例: 2007)で指定してください。",
    )
    limit = _int_arg(
        "limit",
        DEFAULT_LIMIT,
        0,
        MAX_LIMIT,
        f"limit には0から{MAX_LIMIT:,}までの整数を指定してください。",
    )
    offset = _int_arg("offset", 0, 0, 10**9, "offset には0以上の整数を指定してください。")
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(
            400, "status には planned、held、cancelled、postponed のいずれかを指定してください。"
        )
    ax = axes()
    block_code = request.args.get("block") or None
    block = None
    if block_code is not None and block_code not in (HQ, NATIONAL):
        block = ax.block(block_code)
        if block is None:
            raise ApiError(400, f"block「{block_code}」というブロックはありません。")
    category_code = request.args.get("category") or None
    category = None
    if category_code is not None:
        category = ax.category(category_code)
        if category is None:
            raise ApiError(400, f"category「{category_code}」という活動区分はありません。")
    total, rows = queries.list_activities(
        current_user,
        fiscal_year=fiscal_year,
        block_id=block.id if block else None,
        hq_only=block_code == HQ,
        national_only=block_code == NATIONAL,
        category_id=category.id if category else None,
        status=status,
        limit=limit,
        offset=offset,
    )
    return json_response({"total": total, "activities": rows})


@bp.get("/reports/fy/<int:year>")
def fiscal_year_report(year: int):
    require_user()
    if not permissions.can_view_reports(current_user):
        raise ApiError(403, "この集計を見る権限がありません。")
    try:
        figures = year_figures(year)
    except ReportError as error:
        raise ApiError(400, str(error)) from None
    return json_response(
        {
            "fiscal_year": figures.fiscal_year,
            "label": figures.label,
            "counts": figures.held,
            "planned": figures.planned,
            "hq_meetings": figures.hq["held"],
            "national": figures.national["held"],
            "national_planned": figures.national["planned"],
            "by_kind": figures.by_kind["held"],
            "planned_by_kind": figures.by_kind["planned"],
        }
    )


@bp.get("/submissions/<int:year>")
def submissions(year: int):
    """Who has submitted what for the fiscal year: hq and admin see every block, a
    secretariat its own block only."""
    require_user()
    if permissions.can_view_submissions(current_user):
        block_ids = None
    elif permissions.can_view_submissions(current_user, current_user.block_id):
        block_ids = [current_user.block_id]
    else:
        raise ApiError(403, "提出状況を見る権限がありません。")
    try:
        body = queries.year_submissions(year, block_ids)
    except ReportError as error:
        raise ApiError(400, str(error)) from None
    return json_response(body)


@bp.get("/funding/<int:year>")
def funding(year: int):
    """The funding survey of a fiscal year (SPEC "Analysis"); a secretariat sees its block."""
    require_user()
    if not permissions.can_open_analysis(current_user):
        raise ApiError(403, "この分析を見る権限がありません。")
    if not fiscal.FIRST_YEAR <= year <= fiscal.LAST_YEAR:
        raise ApiError(
            400,
            f"年度は{fiscal.FIRST_YEAR}年度から{fiscal.LAST_YEAR}年度の範囲で指定してください。",
        )
    block_ids = permissions.analysis_block_ids(current_user)
    return json_response(funding_queries.year_figures(year, block_ids).as_json())


@bp.get("/network/<region>")
def network(region: str):
    """The collaboration network metrics of a block or a cluster region (?from=&to=)."""
    require_user()
    try:
        found, first, last = network_service.resolve(
            region, request.args.get("from"), request.args.get("to")
        )
    except network_service.NetworkError as error:
        raise ApiError(error.status, str(error)) from None
    if not permissions.can_view_analysis(current_user, found.block_id):
        raise ApiError(403, "この地域の分析を見る権限がありません。")
    return json_response(network_service.result(found, first, last).metrics)


@bp.route("/")
@bp.route("/<path:anything>")
def not_found(anything: str = ""):
    raise ApiError(404, "このURLのAPIはありません。")
