"""The annual submission cycle: the completeness check, submitting a record or plan to
headquarters, returning it, the frozen snapshots and headquarters' overview of a fiscal year."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from council import fiscal, permissions
from council.directory.models import Block
from council.extensions import db, utc_now
from council.reports import queries as reports
from council.reports.exports import content_disposition
from council.submissions import exports, queries, services
from council.submissions.completeness import FIXES
from council.submissions.forms import ReturnForm, SubmitForm, new_form_token
from council.submissions.models import SUBMISSION_KINDS

bp = Blueprint("submissions", __name__, url_prefix="/submissions")

KINDS = "any(record, plan)"
TOKEN_MESSAGE = (
    "このフォームは別の提出に使われています。ページを再読み込みしてから提出してください。"
)
RACE_MESSAGE = (
    "同じ提出が同時に行われたため、処理を中止しました。"
    "ページを再読み込みして提出状況を確認してください。"
)


def _year(year: int) -> int:
    try:
        return reports.check_year(year)
    except reports.ReportError:
        abort(404)


def _block(code: str) -> Block:
    block = db.session.scalar(db.select(Block).where(Block.code == code))
    if block is None:
        abort(404)
    return block


def _default_year() -> int:
    """The year whose record is due: the one that ended last."""
    return fiscal.current_fiscal_year() - 1


@bp.route("/")
@login_required
def index():
    if permissions.can_view_submissions(current_user):
        return redirect(url_for("submissions.overview", year=_default_year()))
    block_id = getattr(current_user, "block_id", None)
    if not permissions.can_view_submissions(current_user, block_id):
        abort(403)
    block = db.session.get(Block, block_id)
    current = fiscal.current_fiscal_year()
    years = list(range(current + 1, current - 4, -1))
    return render_template(
        "submissions/index.html",
        block=block,
        years=years,
        submissions=queries.block_years(block.id, years),
        kinds=SUBMISSION_KINDS,
    )


@bp.route("/<int:year>")
@login_required
def overview(year: int):
    _year(year)
    if not permissions.can_view_submissions(current_user):
        block_id = getattr(current_user, "block_id", None)
        if permissions.can_view_submissions(current_user, block_id):
            block = db.session.get(Block, block_id)
            return redirect(url_for("submissions.block", year=year, code=block.code))
        abort(403)
    state = queries.year_state(year)
    return render_template(
        "submissions/overview.html",
        s=state,
        pva=queries.plan_vs_actual(year),
        year=year,
    )


@bp.route("/<int:year>.xlsx")
@login_required
def export(year: int):
    _year(year)
    if not permissions.can_view_submissions(current_user):
        abort(403)
    state = queries.year_state(year)
    body = exports.to_xlsx(state, queries.plan_vs_actual(year), now=utc_now())
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": content_disposition(
                f"fy{year}_submissions.xlsx", f"{state.label}_提出状況.xlsx"
            )
        },
    )


def _render_block(year, block, *, forms=None, errors=None, status=200):
    state = queries.year_state(year, block.code)
    row = state.blocks[0]
    forms = forms or {}
    errors = errors or {}
    panels = []
    for kind_state in row.kinds:
        kind = kind_state.kind
        try:
            services.check_submittable(year, kind, now=utc_now())
            closed = None
        except services.SubmissionError as error:
            closed = str(error)
        panels.append(
            {
                "k": kind_state,
                "closed": closed,
                "form": forms.get(kind)
                or SubmitForm(prefix=kind, formdata=None, data={"once": new_form_token()}),
                "return_form": forms.get(f"return-{kind}")
                or ReturnForm(prefix=f"return-{kind}", formdata=None),
                "error": errors.get(kind),
                "history": queries.snapshot_history(kind_state.submission)
                if kind_state.submission
                else [],
            }
        )
    return render_template(
        "submissions/block.html",
        year=year,
        label=state.label,
        block=block,
        row=row,
        panels=panels,
        fixes=FIXES,
        pva=queries.plan_vs_actual(year, block.code).get(block.code),
        categories={c.code: c.short_name for c in state.axes.categories},
    ), status


@bp.route("/<int:year>/<code>")
@login_required
def block(year: int, code: str):
    _year(year)
    block = _block(code)
    if not permissions.can_view_submissions(current_user, block.id):
        abort(403)
    return _render_block(year, block)


@bp.route(f"/<int:year>/<code>/<{KINDS}:kind>/submit", methods=["POST"])
@login_required
def submit(year: int, code: str, kind: str):
    _year(year)
    block = _block(code)
    if not permissions.can_submit(current_user, block.id):
        abort(403)
    form = SubmitForm(prefix=kind)
    if not form.validate_on_submit():
        return _render_block(year, block, forms={kind: form}, status=400)
    token = form.once.data or None
    first = services.submitted_with(token)
    if first is not None:
        return _submitted(first, year, block, kind, form)
    try:
        snapshot = services.submit(
            block, year, kind, actor=current_user, comment=form.comment.data, form_token=token
        )
        db.session.commit()
    except services.IncompleteError as error:
        db.session.rollback()
        return _render_block(year, block, forms={kind: form}, errors={kind: str(error)}, status=409)
    except services.SubmissionError as error:
        db.session.rollback()
        return _render_block(year, block, forms={kind: form}, errors={kind: str(error)}, status=400)
    except IntegrityError:
        db.session.rollback()
        # The same form sent twice at once: the other request made the snapshot.
        first = services.submitted_with(token)
        if first is not None:
            return _submitted(first, year, block, kind, form)
        return _render_block(
            year, block, forms={kind: form}, errors={kind: RACE_MESSAGE}, status=409
        )
    return _submitted(snapshot, year, block, kind, form)


def _submitted(snapshot, year: int, block: Block, kind: str, form: SubmitForm):
    """The answer to a submit form: the same for its first sending and for any repeat."""
    submission = snapshot.submission
    if (submission.block_id, submission.fiscal_year, submission.kind) != (block.id, year, kind):
        return _render_block(
            year, block, forms={kind: form}, errors={kind: TOKEN_MESSAGE}, status=400
        )
    flash(
        f"{fiscal.fiscal_year_label(year)}の{SUBMISSION_KINDS[kind]}を本府省へ提出しました"
        f"(第{snapshot.number}版)。",
        "success",
    )
    return redirect(url_for("submissions.block", year=year, code=block.code))


@bp.route(f"/<int:year>/<code>/<{KINDS}:kind>/return", methods=["POST"])
@login_required
def return_submission(year: int, code: str, kind: str):
    _year(year)
    block = _block(code)
    if not permissions.can_return_submission(current_user):
        abort(403)
    submission = queries.get_submission(block.id, year, kind)
    if submission is None:
        abort(404)
    form = ReturnForm(prefix=f"return-{kind}")
    if not form.validate_on_submit():
        return _render_block(year, block, forms={f"return-{kind}": form}, status=400)
    try:
        services.return_submission(submission, actor=current_user, reason=form.reason.data)
        db.session.commit()
    except services.SubmissionError as error:
        db.session.rollback()
        return _render_block(
            year, block, forms={f"return-{kind}": form}, errors={kind: str(error)}, status=409
        )
    flash(
        f"{block.name}の{fiscal.fiscal_year_label(year)}{SUBMISSION_KINDS[kind]}を差し戻しました。",
        "success",
    )
    return redirect(url_for("submissions.block", year=year, code=block.code))


@bp.route(f"/<int:year>/<code>/<{KINDS}:kind>/<int:number>")
@login_required
def snapshot(year: int, code: str, kind: str, number: int):
    _year(year)
    block = _block(code)
    if not permissions.can_view_submissions(current_user, block.id):
        abort(403)
    submission = queries.get_submission(block.id, year, kind)
    if submission is None:
        abort(404)
    snap = queries.get_snapshot(submission, number)
    if snap is None:
        abort(404)
    ax = reports.axes()
    return render_template(
        "submissions/snapshot.html",
        year=year,
        label=fiscal.fiscal_year_label(year),
        block=block,
        submission=submission,
        snap=snap,
        history=queries.snapshot_history(submission),
        c=queries.snapshot_corrections(snap, block, year, kind),
        categories={c.code: c.short_name for c in ax.categories},
        category_names={c.code: c.name for c in ax.categories},
        ax=ax,
    )


@bp.app_context_processor
def _helpers():
    # The submission partials are included by the reports page too.
    return {"sq": queries}
