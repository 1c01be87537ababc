"""The collaboration network pages: the regions side by side, one region's page with its
hubs, communities and drawing, and its GraphML and CSV exports."""

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from council import fiscal, permissions
from council.analysis.access import signed_in_analyst
from council.analysis.network import exports, service
from council.cache import kept
from council.figures.exports import download
from council.web.requests import require

bp = Blueprint("network", __name__, url_prefix="/analysis/network")

# Up to this many nodes the drawing is inline (a <title> on every node answers the pointer);
# above, the page shows /<region>.svg as an image.
INLINE_NODES = 400


bp.before_request(signed_in_analyst)


def _load(code: str):
    try:
        region, first, last = service.resolve(
            code, request.args.get("from"), request.args.get("to")
        )
    except service.NetworkError as error:
        abort(error.status, str(error))
    require(permissions.can_view_analysis(current_user, region.block_id))
    return service.result(region, first, last)


@bp.route("/")
def index():
    """The report's comparison: every block and every cluster region (a secretariat: those
    of its own block)."""
    try:
        first = service.parse_fy(request.args.get("from"), service.FIRST_FY, "from")
        last = service.parse_fy(request.args.get("to"), fiscal.current_fiscal_year(), "to")
    except service.NetworkError as error:
        abort(400, str(error))
    if first > last:
        abort(400)
    regions = [
        r for r in service.list_regions() if permissions.can_view_analysis(current_user, r.block_id)
    ]
    results = [service.result(r, first, last) for r in regions]
    return render_template("analysis/network_index.html", results=results, first=first, last=last)


@bp.route("/<region>")
def region(region: str):
    """The page's content follows from the computed network alone: rendered once per
    (region, range, network version) in this process, as the network itself is kept."""
    r = _load(region)
    key = (r.region.code, r.first, r.last)

    def content() -> Markup:
        inline = r.metrics_obj.nodes <= INLINE_NODES
        return Markup(render_template("analysis/_network_region_content.html", r=r, inline=inline))

    return render_template(
        "analysis/network_region.html",
        r=r,
        content=kept("network.page", key, (r.version,), content),
    )


@bp.route("/<region>.svg")
def drawing(region: str):
    """The drawing alone: the page links it as an image above INLINE_NODES nodes, so that a
    large region's page stays small and the browser keeps the picture."""
    r = _load(region)
    if not r.drawing:
        abort(404)
    return Response(str(r.drawing), mimetype="image/svg+xml")


def _file(r, ext: str) -> tuple[str, str]:
    """The export's name: (ASCII fallback, Japanese name)."""
    span = f"{r.first}-{r.last}.{ext}"
    return f"network_{r.region.code}_{span}", f"{r.region.name}_連携ネットワーク_{span}"


@bp.route("/<region>.graphml")
def graphml(region: str):
    r = _load(region)
    return download(exports.graphml(r.graph, r.metrics_obj.communities), *_file(r, "graphml"))


@bp.route("/<region>.csv")
def edge_csv(region: str):
    r = _load(region)
    return download(exports.edge_list(r.graph), *_file(r, "csv"))
