"""The portal's registers, its search index and its access log."""

from council.portal.models.common import (
    FACILITY_KINDS,
    MEASURE_TARGETS,
    NEWS_KINDS,
    RECORD_STATUSES,
    TYPES,
    managing_block_id,
)
from council.portal.models.index import PortalDoc, PortalDocFacet, PortalState
from council.portal.models.news import News
from council.portal.models.registers import Facility, SupportMeasure, Theme
from council.portal.models.stats import PortalHit

__all__ = [
    "FACILITY_KINDS",
    "MEASURE_TARGETS",
    "NEWS_KINDS",
    "RECORD_STATUSES",
    "TYPES",
    "Facility",
    "News",
    "PortalDoc",
    "PortalDocFacet",
    "PortalHit",
    "PortalState",
    "SupportMeasure",
    "Theme",
    "managing_block_id",
]
