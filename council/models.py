"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""

from council.accounts.models import ApiToken, LoginAttempt, User, UserSession
from council.activities.models import Activity, Attachment, Attendance, Category
from council.analysis.funding.models import FundingRecord
from council.audit.models import AuditEntry
from council.directory.models import Agency, Block, Contact, Membership, Ministry
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure
from council.minutes.models import ActionItem, Minutes, MinutesResponse, MinutesRevision
from council.notices.models import (
    DailyRun,
    DeliveryAttempt,
    Notice,
    NoticeContent,
    NoticeEvent,
    NoticePreference,
    OutboxMessage,
)
from council.portal.models import (
    Facility,
    News,
    PortalDoc,
    PortalDocFacet,
    PortalHit,
    PortalState,
    SupportMeasure,
    Theme,
)
from council.reference.models import ClusterRegion, Prefecture, ResearchField
from council.search.models import SearchDocument
from council.submissions.models import Snapshot, Submission

__all__ = [
    "ActionItem",
    "Activity",
    "Agency",
    "ApiToken",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Block",
    "Category",
    "ClusterRegion",
    "DailyRun",
    "DeliveryAttempt",
    "Contact",
    "Facility",
    "FundingRecord",
    "LoginAttempt",
    "Measure",
    "MeasureBudget",
    "Membership",
    "Minutes",
    "MinutesResponse",
    "MinutesRevision",
    "Ministry",
    "News",
    "PortalDoc",
    "PortalDocFacet",
    "PortalHit",
    "PortalState",
    "Prefecture",
    "Notice",
    "NoticeContent",
    "NoticeEvent",
    "NoticePreference",
    "OutboxMessage",
    "PublishedTotal",
    "ResearchField",
    "SearchDocument",
    "SlotFigure",
    "Snapshot",
    "Submission",
    "SupportMeasure",
    "Theme",
    "User",
    "UserSession",
]
