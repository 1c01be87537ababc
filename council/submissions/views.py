"""The annual submission cycle: the completeness check, submitting a record or plan to
headquarters, returning it, the frozen snapshots and headquarters' overview of a fiscal year."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from council import fiscal, permissions
from council.directory.models import Block
from council.errors import DomainError
from council.extensions import db, utc_now
from council.figures import plans
from council.figures.axes import axes
from council.figures.completeness import FIXES
from council.figures.exports import download
from council.submissions import exports, labels, queries, services
from council.submissions.forms import ReturnForm, SubmitForm, new_form_token
from council.submissions.models import SUBMISSION_KINDS
from council.web.forms import save_form
from council.web.requests import block_or_404, require, year_or_404

bp = Blueprint("submissions", __name__, url_prefix="/submissions")

KINDS = "any(record, plan)"
TOKEN_MESSAGE = (
    "このフォームは別の提出に使われています。ページを再読み込みしてから提出してください。"
)
RACE_MESSAGE = (
    "同じ提出が同時に行われたため、処理を中止しました。"
    "ページを再読み込みして提出状況を確認してください。"
)


def _default_year() -> int:
    """The year whose record is due: the one that ended last."""
    return fiscal.current_fiscal_year() - 1


@bp.route("/")
@login_required
def index():
    if permissions.can_view_submissions(current_user):
        return redirect(url_for("submissions.overview", year=_default_year()))
    block_id = getattr(current_user, "block_id", None)
    require(permissions.can_view_submissions(current_user, block_id))
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
    year_or_404(year)
    if not permissions.can_view_submissions(current_user):
        block_id = getattr(current_user, "block_id", None)
        require(permissions.can_view_submissions(current_user, block_id))
        block = db.session.get(Block, block_id)
        return redirect(url_for("submissions.block", year=year, code=block.code))
    state = queries.year_state(year)
    return render_template(
        "submissions/overview.html",
        s=state,
        pva=plans.plan_vs_actual(year),
        year=year,
    )


@bp.route("/<int:year>.xlsx")
@login_required
def export(year: int):
    year_or_404(year)
    require(permissions.can_view_submissions(current_user))
    state = queries.year_state(year)
    body = exports.to_xlsx(state, plans.plan_vs_actual(year), now=utc_now())
    return download(body, f"fy{year}_submissions.xlsx", f"{state.label}_提出状況.xlsx")


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
        except DomainError as error:
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
        pva=plans.plan_vs_actual(year, block.code).get(block.code),
        categories={c.code: c.short_name for c in state.axes.categories},
    ), status


@bp.route("/<int:year>/<code>")
@login_required
def block(year: int, code: str):
    year_or_404(year)
    block = block_or_404(code)
    require(permissions.can_view_submissions(current_user, block.id))
    return _render_block(year, block)


@bp.route(f"/<int:year>/<code>/<{KINDS}:kind>/submit", methods=["POST"])
@login_required
def submit(year: int, code: str, kind: str):
    year_or_404(year)
    block = block_or_404(code)
    require(permissions.can_submit(current_user, block.id))
    form = SubmitForm(prefix=kind)
    token = form.once.data or None
    try:
        # A repeat of a form already sent answers with the snapshot it made.
        saved = save_form(
            form,
            lambda: (
                services.submitted_with(token)
                or services.submit(
                    block,
                    year,
                    kind,
                    actor=current_user,
                    comment=form.comment.data,
                    form_token=token,
                )
            ),
        )
    except IntegrityError:
        db.session.rollback()
        return _raced(token, year, block, kind, form)
    if saved:
        return _submitted(saved.result, year, block, kind, form)
    errors = {kind: str(saved.error)} if saved.error else None
    return _render_block(year, block, forms={kind: form}, errors=errors, status=saved.status)


def _raced(token: str | None, year: int, block: Block, kind: str, form: SubmitForm):
    """The same form sent twice at once: the other request made the snapshot (or, without
    one, the answer says to look again)."""
    first = services.submitted_with(token)
    if first is not None:
        return _submitted(first, year, block, kind, form)
    return _render_block(year, block, forms={kind: form}, errors={kind: RACE_MESSAGE}, status=409)


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
    year_or_404(year)
    block = block_or_404(code)
    require(permissions.can_return_submission(current_user))
    submission = queries.get_submission(block.id, year, kind)
    if submission is None:
        abort(404)
    form = ReturnForm(prefix=f"return-{kind}")
    saved = save_form(
        form,
        lambda: services.return_submission(submission, actor=current_user, reason=form.reason.data),
    )
    if not saved:
        errors = {kind: str(saved.error)} if saved.error else None
        return _render_block(
            year, block, forms={f"return-{kind}": form}, errors=errors, status=saved.status
        )
    flash(
        f"{block.name}の{fiscal.fiscal_year_label(year)}{SUBMISSION_KINDS[kind]}を差し戻しました。",
        "success",
    )
    return redirect(url_for("submissions.block", year=year, code=block.code))


@bp.route(f"/<int:year>/<code>/<{KINDS}:kind>/<int:number>")
@login_required
def snapshot(year: int, code: str, kind: str, number: int):
    year_or_404(year)
    block = block_or_404(code)
    require(permissions.can_view_submissions(current_user, block.id))
    submission = queries.get_submission(block.id, year, kind)
    if submission is None:
        abort(404)
    snap = queries.get_snapshot(submission, number)
    if snap is None:
        abort(404)
    ax = axes()
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
    return {"sq": labels, "plans": plans}
