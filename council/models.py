"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""

from council.accounts.models import ApiToken, LoginAttempt, User, UserSession
from council.activities.models import (
    ActionItem,
    Activity,
    Attachment,
    Attendance,
    Category,
    Minutes,
    MinutesResponse,
    MinutesRevision,
)
from council.analysis.funding.models import FundingRecord
from council.audit.models import AuditEntry
from council.directory.models import Agency, Block, Contact, Membership, Ministry
from council.measures.models import Measure, MeasureBudget, PublishedTotal, SlotFigure
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
    "Contact",
    "FundingRecord",
    "LoginAttempt",
    "Measure",
    "MeasureBudget",
    "Membership",
    "Minutes",
    "MinutesResponse",
    "MinutesRevision",
    "Ministry",
    "Prefecture",
    "PublishedTotal",
    "ResearchField",
    "SearchDocument",
    "SlotFigure",
    "Snapshot",
    "Submission",
    "User",
    "UserSession",
]
