"""Where the collaboration network's edges come from: one query module, two inputs.

(a) activities co-organised by several organisations (activity_organizers), and
(b) adopted research themes with their lead and participating organisations (through the
    small interface of council/analysis/themes.py over the portal's register).

Both give "collaborations": (source, id, fiscal year, agency ids); every pair of agencies in
one collaboration is an edge, weighted by how many collaborations they share.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from council.activities.models import Activity, activity_organizers
from council.analysis import themes
from council.cache import single_read
from council.directory.models import Agency
from council.extensions import db


@dataclass(frozen=True)
class Region:
    """A block (kind "block") or a cluster region of the reference data (kind "cluster")."""

    code: str
    name: str
    kind: str
    block_id: int
    block_name: str
    prefecture_ids: tuple[int, ...] = ()

    @property
    def kind_label(self) -> str:
        return "ブロック" if self.kind == "block" else "クラスター地域"


@dataclass(frozen=True)
class Collaboration:
    source: str  # "activity" or "theme"
    id: int
    fiscal_year: int
    agency_ids: tuple[int, ...]


def activity_collaborations(region: Region, first: int, last: int) -> list[Collaboration]:
    """Activities of the range (not cancelled, not deleted) with their organisers: for a block
    its own activities; for a cluster region every activity, keeping only the organisers
    located in the region's prefectures."""
    query = (
        sa.select(
            activity_organizers.c.activity_id, Activity.fiscal_year, activity_organizers.c.agency_id
        )
        .join(Activity, Activity.id == activity_organizers.c.activity_id)
        .where(
            Activity.deleted_at.is_(None),
            Activity.status != "cancelled",
            Activity.fiscal_year.between(first, last),
        )
        .order_by(activity_organizers.c.activity_id, activity_organizers.c.agency_id)
    )
    if region.kind == "block":
        query = query.where(Activity.block_id == region.block_id)
    else:
        query = query.join(Agency, Agency.id == activity_organizers.c.agency_id).where(
            Agency.prefecture_id.in_(region.prefecture_ids)
        )
    grouped: dict[int, tuple[int, list[int]]] = {}
    for activity_id, fy, agency_id in db.session.execute(query):
        grouped.setdefault(activity_id, (fy, []))[1].append(agency_id)
    return [
        Collaboration("activity", activity_id, fy, tuple(ids))
        for activity_id, (fy, ids) in grouped.items()
        if len(ids) > 1
    ]


def theme_collaborations(
    region: Region, theme_rows: list[themes.ThemeMembers], prefecture_of: dict[int, int | None]
) -> list[Collaboration]:
    """Adopted themes of the range (`theme_rows`, read once): for a block the themes of that
    block; for a cluster region the theme organisations located in its prefectures."""
    out = []
    wanted = set(region.prefecture_ids)
    for theme in theme_rows:
        if region.kind == "block":
            if theme.block_id != region.block_id:
                continue
            ids = tuple(sorted(set(theme.agency_ids)))
        else:
            ids = tuple(sorted(a for a in set(theme.agency_ids) if prefecture_of.get(a) in wanted))
        if len(ids) > 1:
            out.append(Collaboration("theme", theme.theme_id, theme.fiscal_year, ids))
    return out


def agency_rows(ids=None) -> dict[int, tuple[str, str, int | None]]:
    """id → (name, kind, prefecture id), for the given agencies (or all)."""
    query = sa.select(Agency.id, Agency.name, Agency.kind, Agency.prefecture_id)
    if ids is not None:
        query = query.where(Agency.id.in_(sorted(ids)))
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def collaborations(region: Region, first: int, last: int):
    """Every collaboration of the region and range, with the agencies it names."""
    found = activity_collaborations(region, first, last)
    theme_rows = list(themes.get_source().members(first, last))
    if theme_rows:
        agencies = agency_rows()
        prefecture_of = {i: row[2] for i, row in agencies.items()}
        found += theme_collaborations(region, theme_rows, prefecture_of)
    else:
        ids = {a for c in found for a in c.agency_ids}
        agencies = agency_rows(ids) if ids else {}
    return found, agencies


# One scalar subquery per aggregate: SQLite answers a lone MAX() from an index (two in one
# SELECT would scan the table); one statement, one round trip. Built once: the pages read it
# on every request.
_PROBES = tuple(
    sa.select(sa.func.max(column)).scalar_subquery()
    for column in (Activity.id, Activity.updated_at, Agency.id, Agency.updated_at)
)
_GLOBAL_WITH_PORTAL = sa.select(*_PROBES, *themes.PortalThemes.probes())
_GLOBAL = sa.select(*_PROBES)


def global_version() -> str:
    """A cheap fingerprint of everything the networks read: index probes only (newest id and
    newest change of activities and organisations; activities are deleted softly, and list
    edits touch updated_at). When it is unchanged, no cached network can be stale."""
    source = themes.get_source()
    # The portal's register is probed in the same statement; another source (a test's)
    # answers for itself.
    portal = isinstance(source, themes.PortalThemes)
    row = single_read(_GLOBAL_WITH_PORTAL if portal else _GLOBAL)
    return f"{tuple(row)}|{'' if portal else source.version()}"


def data_version(region: Region) -> str:
    """Changes whenever an activity of the region (or, for a cluster region, any activity),
    an organisation or a theme changes: the cache key of the computed network."""
    acts = sa.select(
        sa.func.count(), sa.func.max(Activity.updated_at), sa.func.sum(Activity.version)
    )
    if region.kind == "block":
        acts = acts.where(Activity.block_id == region.block_id)
    a = db.session.execute(acts).one()
    g = db.session.execute(sa.select(sa.func.count(), sa.func.max(Agency.updated_at))).one()
    return f"{a[0]}:{a[1]}:{a[2]}|{g[0]}:{g[1]}|{themes.get_source().version()}"
