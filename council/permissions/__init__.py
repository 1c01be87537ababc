"""Every "may this user do X to this object" answer, in one place.

Views, templates (to hide buttons), feeds, search, reports and the API all ask here, as
`permissions.can_x(...)`; the rules live in one module per domain beside this file and are
re-exported here. This package imports domain models only, never a domain's other code.
"""

from council.permissions.accounts import (
    assignable_roles,
    can_manage_user,
    can_manage_users,
    can_unlock_logins,
    manageable_users_clause,
)
from council.permissions.activities import (
    can_create_activity,
    can_download_attachment,
    can_edit_activity,
    can_export_activities,
    can_have_feed,
    can_import_activities,
    can_manage_attachments,
    can_open_activity_import,
    can_record_attendance,
    can_rsvp,
    can_view_activity,
    visible_activities,
    visible_activities_clause,
)
from council.permissions.analysis import (
    analysis_block_ids,
    can_edit_funding,
    can_open_analysis,
    can_view_analysis,
)
from council.permissions.audit import (
    can_view_audit,
    visible_audit_clause,
)
from council.permissions.base import (
    is_secretariat_of,
    is_staff,
    member_block_ids,
    sql_clause,
)
from council.permissions.directory import (
    can_create_agency,
    can_export_directory,
    can_import_directory,
    can_manage_agency,
    can_manage_all_directory,
    can_manage_block_directory,
    can_manage_membership,
)
from council.permissions.minutes import (
    can_manage_minutes,
    can_respond_to_minutes,
    can_update_action_item,
    can_view_minutes,
    is_participant,
    visible_minutes_clause,
)
from council.permissions.portal import (
    can_assign_portal_block,
    can_edit_portal_record,
    can_manage_portal,
    can_view_portal_stats,
)
from council.permissions.reports import (
    can_edit_measures,
    can_export_reports,
    can_return_submission,
    can_submit,
    can_view_reports,
    can_view_submissions,
)

__all__ = [
    "analysis_block_ids",
    "assignable_roles",
    "can_assign_portal_block",
    "can_create_activity",
    "can_create_agency",
    "can_download_attachment",
    "can_edit_activity",
    "can_edit_funding",
    "can_edit_measures",
    "can_edit_portal_record",
    "can_export_activities",
    "can_export_directory",
    "can_export_reports",
    "can_have_feed",
    "can_import_activities",
    "can_import_directory",
    "can_manage_agency",
    "can_manage_all_directory",
    "can_manage_attachments",
    "can_manage_block_directory",
    "can_manage_membership",
    "can_manage_minutes",
    "can_manage_portal",
    "can_manage_user",
    "can_manage_users",
    "can_open_activity_import",
    "can_open_analysis",
    "can_record_attendance",
    "can_respond_to_minutes",
    "can_return_submission",
    "can_rsvp",
    "can_submit",
    "can_unlock_logins",
    "can_update_action_item",
    "can_view_activity",
    "can_view_analysis",
    "can_view_audit",
    "can_view_minutes",
    "can_view_portal_stats",
    "can_view_reports",
    "can_view_submissions",
    "is_participant",
    "is_secretariat_of",
    "is_staff",
    "manageable_users_clause",
    "member_block_ids",
    "sql_clause",
    "visible_activities",
    "visible_activities_clause",
    "visible_audit_clause",
    "visible_minutes_clause",
]
