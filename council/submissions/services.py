"""Writes of the submission cycle: submit (freeze a snapshot) and return. Services flush and
never commit; the view commits once. The audit hook records every change of a Submission
(state, dates, return reason); the comment and the return reason go in as the entry's reason.
"""

from datetime import datetime

import sqlalchemy as sa

from council import fiscal
from council.audit.hooks import set_reason
from council.errors import Conflict, DomainError
from council.extensions import db, utc_now
from council.figures import completeness
from council.figures.axes import ReportError, check_year
from council.figures.counts import held_counts, planned_counts
from council.figures.snapshots import KIND_MEASURES, snapshot_details
from council.notices import hooks as notices
from council.submissions.models import SUBMISSION_KINDS, Snapshot, Submission

COMMENT_MAX = 2_000
REASON_MAX = 2_000
# How many red findings a refusal names one by one (the page lists them all).
NAMED_FINDINGS = 5


class SubmissionError(DomainError):
    """A refused submission or return; the message is shown to the user (400)."""


class SubmissionConflict(Conflict, SubmissionError):
    """The submission's state forbids the action now (409)."""


class IncompleteError(SubmissionConflict):
    """The completeness check still shows red findings."""

    def __init__(self, findings: list[completeness.Finding]):
        self.findings = findings
        named = "、".join(f"{f.name}:{f.problem}" for f in findings[:NAMED_FINDINGS])
        more = len(findings) - NAMED_FINDINGS
        if more > 0:
            named += f" ほか{more}件"
        super().__init__(
            f"点検で「要対応」の項目が{len(findings)}件あるため提出できません。{named}。"
            "修正してから提出してください。"
        )


def check_submittable(fiscal_year: int, kind: str, *, now: datetime) -> None:
    """The years a block may submit: a record once its year has begun, a plan up to the next
    year (the plan for the coming year is sent before it starts)."""
    if kind not in SUBMISSION_KINDS:
        raise SubmissionError("提出の種類が正しくありません。")
    try:
        check_year(fiscal_year)
    except ReportError as error:
        raise SubmissionError(str(error)) from None
    current = fiscal.current_fiscal_year(now)
    label = fiscal.fiscal_year_label(fiscal_year)
    if kind == "record" and fiscal_year > current:
        raise SubmissionError(f"{label}はまだ始まっていないため、実績は提出できません。")
    if kind == "plan" and fiscal_year > current + 1:
        raise SubmissionError(f"{label}の計画は、前年度になってから提出してください。")


def submitted_with(form_token: str | None) -> Snapshot | None:
    """The snapshot that a submit form with this one-time token already made, if any."""
    if not form_token:
        return None
    return db.session.scalar(sa.select(Snapshot).where(Snapshot.form_token == form_token))


def submit(
    block,
    fiscal_year: int,
    kind: str,
    *,
    actor,
    comment: str = "",
    now: datetime | None = None,
    form_token: str | None = None,
) -> Snapshot:
    """Submit the block's record (実績) or plan (計画) of a fiscal year to headquarters.

    Refused (IncompleteError) while the completeness check shows red findings. Freezes the
    figures as a new Snapshot: the counts by category as the fiscal-year tables count them
    (held for a record; every activity that is not cancelled for a plan) and the detailed
    list of those activities. A block may submit again at any time, returned or not: each
    submission is a new snapshot (number + 1) and the earlier ones stay as they were."""
    now = now or utc_now()
    comment = _checked_comment(block, fiscal_year, kind, comment, now=now)
    measure = KIND_MEASURES[kind]
    counts = (held_counts if kind == "record" else planned_counts)(fiscal_year, block.id)
    details = snapshot_details(fiscal_year, block.id, measure, with_uid=True)
    submission, number = _submission_and_number(block, fiscal_year, kind)
    # Before any change is pending: a later autoflush must already carry the reason.
    set_reason(db.session, f"第{number}版を提出" + (f":{comment}" if comment else ""))
    if submission is None:
        submission = Submission(block_id=block.id, fiscal_year=fiscal_year, kind=kind)
        db.session.add(submission)
    submission.state = "submitted"
    submission.submitted_at = now
    snapshot = Snapshot(
        submission=submission,
        number=number,
        submitted_at=now,
        submitted_by_id=getattr(actor, "id", None),
        comment=comment,
        counts=counts[block.code],
        details=details,
        form_token=form_token or None,
    )
    db.session.add(snapshot)
    db.session.flush()
    notices.submission_submitted(snapshot, actor=actor)
    return snapshot


def _checked_comment(block, fiscal_year: int, kind: str, comment: str, *, now: datetime) -> str:
    """The comment, stripped, once the year, the comment and the completeness allow a
    submission: the refusals come before anything is counted or written."""
    check_submittable(fiscal_year, kind, now=now)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise SubmissionError(f"コメントは{COMMENT_MAX:,}文字以内で入力してください。")
    found = completeness.check_block(block.id, fiscal_year, now=now)
    if found.red:
        raise IncompleteError(found.red)
    return comment


def _submission_and_number(block, fiscal_year: int, kind: str) -> tuple[Submission | None, int]:
    """The block's submission of this kind and year (None before the first), and the number
    of the snapshot about to be frozen (1 + the last)."""
    submission = db.session.scalar(
        sa.select(Submission).where(
            Submission.block_id == block.id,
            Submission.fiscal_year == fiscal_year,
            Submission.kind == kind,
        )
    )
    if submission is None:
        return None, 1
    last = db.session.scalar(
        sa.select(sa.func.max(Snapshot.number)).where(Snapshot.submission_id == submission.id)
    )
    return submission, 1 + (last or 0)


def return_submission(
    submission: Submission, *, actor, reason: str, now: datetime | None = None
) -> Submission:
    """Headquarters sends a submitted record or plan back to the block, with the reason."""
    reason = (reason or "").strip()
    if submission.state != "submitted":
        raise SubmissionConflict("差し戻せるのは「提出済」の提出だけです。")
    if not reason:
        raise SubmissionError("差戻しの理由を入力してください。")
    if len(reason) > REASON_MAX:
        raise SubmissionError(f"差戻しの理由は{REASON_MAX:,}文字以内で入力してください。")
    actor_id = getattr(actor, "id", None)
    set_reason(db.session, reason)
    submission.state = "returned"
    submission.returned_at = now or utc_now()
    submission.returned_by_id = actor_id
    submission.return_reason = reason
    db.session.flush()
    notices.submission_returned(submission, actor=actor)
    return submission
