"""The measures register: budgets per year beside the published totals, the cross-ministry
slot figures, a page per measure with the briefings that explained it, and editing by
admin and hq (permissions.can_edit_measures)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.extensions import db
from council.measures import forms, queries, register, services
from council.measures.models import Measure, SlotFigure

bp = Blueprint("measures", __name__, url_prefix="/measures")


def _require_editor() -> None:
    if not permissions.can_edit_measures(current_user):
        abort(403)


def _ministry_choices():
    return [("", "選択してください")] + [(m.id, m.name) for m in queries.list_ministries()]


@bp.route("/")
def index():
    return render_template("measures/index.html", **queries.register())


@bp.route("/fy/<int:year>")
def year(year: int):
    """The register of one fiscal year: published count and total beside their lines."""
    if not forms.MIN_FY <= year <= forms.MAX_FY:
        abort(404)
    return render_template("measures/year.html", r=register.year_register(year))


@bp.route("/<int:measure_id>")
def detail(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    return render_template(
        "measures/detail.html",
        measure=measure,
        briefings=queries.briefings(measure, current_user),
    )


def _save_measure(measure: Measure | None):
    years = [line.fiscal_year for line in measure.budgets] if measure else []
    form = forms.measure_form(years, obj=measure)
    form.ministry_id.choices = _ministry_choices()
    form.set_measure_choices(queries.all_measures(), measure)
    if measure is not None and not form.is_submitted():
        form.no_new_adoption.data = "no_new_adoption" in measure.flag_codes
    status = 200
    if form.validate_on_submit():
        fields = {
            "ministry_id": form.ministry_id.data,
            "name": form.name.data,
            "note": form.note.data or "",
            "budgets": form.budgets(),
            "reason": form.reason.data or "",
            **form.history(),
        }
        try:
            if measure is None:
                measure = services.create_measure(actor=current_user, **fields)
            else:
                services.update_measure(measure, actor=current_user, **fields)
        except services.MeasureError as error:
            db.session.rollback()
            form[error.field or "name"].errors = [*form[error.field or "name"].errors, str(error)]
            status = 400
        else:
            db.session.commit()
            flash(f"施策「{measure.name}」を保存しました。", "success")
            return redirect(url_for("measures.detail", measure_id=measure.id))
    elif form.is_submitted():
        status = 400
    if measure is not None and not form.is_submitted():
        for line in measure.budgets:
            form[f"budget_{line.fiscal_year}"].data = line.amount_million
    return render_template("measures/edit.html", form=form, measure=measure), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _require_editor()
    return _save_measure(None)


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    _require_editor()
    return _save_measure(measure)


@bp.route("/published/<int:year>", methods=["GET", "POST"])
@login_required
def edit_published(year: int):
    """Create or correct a year's published total (年次報告の公表合計額)."""
    _require_editor()
    if not forms.MIN_FY <= year <= forms.MAX_FY:
        abort(404)
    total = queries.published_total(year)
    form = forms.PublishedTotalForm(obj=total)
    if form.validate_on_submit():
        _save_published_total(year, form)
        db.session.commit()
        flash(f"{fiscal.fiscal_year_label(year)}の公表合計額を保存しました。", "success")
        return redirect(url_for("measures.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("measures/published.html", form=form, year=year, total=total), status


def _save_published_total(year: int, form) -> None:
    """Both published-total forms (new year, correction) write through the same service call."""
    services.set_published_total(
        year,
        actor=current_user,
        ministries_count=form.ministries_count.data,
        measures_count=form.measures_count.data,
        amount_million=form.amount_million.data,
        reason=form.reason.data or "",
        note=(form.note.data or "").replace("\r\n", "\n"),
    )


@bp.route("/published/new", methods=["GET", "POST"])
@login_required
def new_published():
    """A published total for a year that has none yet."""
    _require_editor()
    form = forms.PublishedYearForm()
    if form.validate_on_submit():
        year = form.fiscal_year.data
        if queries.published_total(year) is not None:
            form.fiscal_year.errors.append(
                f"{fiscal.fiscal_year_label(year)}の公表合計額は既にあります。一覧の「修正」から変更してください。"
            )
        else:
            _save_published_total(year, form)
            db.session.commit()
            flash(f"{fiscal.fiscal_year_label(year)}の公表合計額を登録しました。", "success")
            return redirect(url_for("measures.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("measures/published.html", form=form, year=None, total=None), status


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(SlotFigure, slot_id)
    _require_editor()
    form = forms.SlotFigureForm(obj=slot)
    if form.validate_on_submit():
        services.update_slot_figure(
            slot,
            actor=current_user,
            amount_million=form.amount_million.data,
            adopted=form.adopted.data,
            continued=form.continued.data,
            regions=form.regions.data,
            reason=form.reason.data or "",
        )
        db.session.commit()
        flash("他府省連携枠の数値を保存しました。", "success")
        return redirect(url_for("measures.index", _anchor="slots"))
    status = 400 if form.is_submitted() else 200
    return render_template("measures/slot.html", form=form, slot=slot, programmes=[]), status


@bp.route("/slots/new", methods=["GET", "POST"])
@login_required
def new_slot():
    _require_editor()
    form = forms.SlotFigureCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.create_slot_figure(
                actor=current_user,
                programme=form.programme.data,
                fiscal_year=form.fiscal_year.data,
                amount_million=form.amount_million.data,
                adopted=form.adopted.data,
                continued=form.continued.data,
                regions=form.regions.data,
                reason=form.reason.data or "",
            )
        except services.MeasureError as error:
            db.session.rollback()
            form[error.field].errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash("他府省連携枠の数値を登録しました。", "success")
            return redirect(url_for("measures.index", _anchor="slots"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "measures/slot.html", form=form, slot=None, programmes=queries.programmes()
    ), status
