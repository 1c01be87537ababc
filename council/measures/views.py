"""The measures register: budgets per year beside the published totals, the cross-ministry
slot figures, a page per measure with the briefings that explained it, and editing by
admin and hq (permissions.can_edit_measures)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from council import fiscal, permissions
from council.extensions import db
from council.measures import forms, queries, register, services
from council.measures.models import Measure, SlotFigure
from council.web.forms import save_form
from council.web.requests import require, year_or_404

bp = Blueprint("measures", __name__, url_prefix="/measures")


def _ministry_choices():
    return [("", "選択してください")] + [(m.id, m.name) for m in queries.list_ministries()]


@bp.route("/")
def index():
    return render_template("measures/index.html", **queries.register())


@bp.route("/fy/<int:year>")
def year(year: int):
    """The register of one fiscal year: published count and total beside their lines."""
    return render_template("measures/year.html", r=register.year_register(year_or_404(year)))


@bp.route("/<int:measure_id>")
def detail(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    return render_template(
        "measures/detail.html",
        measure=measure,
        briefings=queries.briefings(measure, current_user),
    )


def _measure_form(measure: Measure | None):
    """The form with a line per budget year the measure has, its choices, and (on a first
    view) the stored flags and amounts."""
    years = [line.fiscal_year for line in measure.budgets] if measure else []
    form = forms.measure_form(years, obj=measure)
    form.ministry_id.choices = [("", "選択してください")] + [
        (m.id, m.name) for m in queries.list_ministries()
    ]
    form.set_measure_choices(queries.all_measures(), measure)
    if measure is not None and not form.is_submitted():
        form.no_new_adoption.data = "no_new_adoption" in measure.flag_codes
        form.large_project.data = "large_project" in measure.flag_codes
        for line in measure.budgets:
            form[f"budget_{line.fiscal_year}"].data = line.amount_million
    return form


def _save_measure(measure: Measure | None):
    form = _measure_form(measure)

    def save() -> Measure:
        fields = {
            "ministry_id": form.ministry_id.data,
            "name": form.name.data,
            "note": form.note.data or "",
            "budgets": form.budgets(),
            "reason": form.reason.data or "",
            **form.history(),
        }
        if measure is None:
            return services.create_measure(actor=current_user, **fields)
        services.update_measure(measure, actor=current_user, **fields)
        return measure

    saved = save_form(form, save)
    if saved:
        flash(f"施策「{saved.result.name}」を保存しました。", "success")
        return redirect(url_for("measures.detail", measure_id=saved.result.id))
    return render_template("measures/edit.html", form=form, measure=measure), saved.status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(permissions.can_edit_measures(current_user))
    return _save_measure(None)


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(permissions.can_edit_measures(current_user))
    return _save_measure(measure)


@bp.route("/published/<int:year>", methods=["GET", "POST"])
@login_required
def edit_published(year: int):
    """Create or correct a year's published total (年次報告の公表合計額)."""
    require(permissions.can_edit_measures(current_user))
    year = year_or_404(year)
    total = queries.published_total(year)
    form = forms.PublishedTotalForm(obj=total)
    return _save_published(
        form,
        lambda: services.set_published_total(year, **_published_values(form)),
        "保存",
        year=year,
        total=total,
    )


@bp.route("/published/new", methods=["GET", "POST"])
@login_required
def new_published():
    """A published total for a year that has none yet."""
    require(permissions.can_edit_measures(current_user))
    form = forms.PublishedYearForm()
    return _save_published(
        form,
        lambda: services.add_published_total(form.fiscal_year.data, **_published_values(form)),
        "登録",
        year=None,
        total=None,
    )


def _save_published(form, write, done: str, **page):
    """Both published-total pages: save, say so and go back to the list, or show the form
    again with its errors. `done` is the verb of the message (保存/登録)."""
    saved = save_form(form, write)
    if saved:
        label = fiscal.fiscal_year_label(saved.result.fiscal_year)
        flash(f"{label}の公表合計額を{done}しました。", "success")
        return redirect(url_for("measures.index"))
    return render_template("measures/published.html", form=form, **page), saved.status


def _published_values(form) -> dict:
    """What both published-total forms (new year, correction) pass to their service."""
    return dict(
        actor=current_user,
        ministries_count=form.ministries_count.data,
        measures_count=form.measures_count.data,
        amount_million=form.amount_million.data,
        reason=form.reason.data or "",
        note=(form.note.data or "").replace("\r\n", "\n"),
    )


def _slot_values(form) -> dict:
    """What both slot-figure forms (a new year, a correction) pass to their service."""
    return dict(
        actor=current_user,
        amount_million=form.amount_million.data,
        adopted=form.adopted.data,
        continued=form.continued.data,
        regions=form.regions.data,
        reason=form.reason.data or "",
    )


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(SlotFigure, slot_id)
    require(permissions.can_edit_measures(current_user))
    form = forms.SlotFigureForm(obj=slot)
    return _save_slot(
        form,
        lambda: services.update_slot_figure(slot, **_slot_values(form)),
        "保存",
        slot=slot,
        programmes=[],
    )


@bp.route("/slots/new", methods=["GET", "POST"])
@login_required
def new_slot():
    require(permissions.can_edit_measures(current_user))
    form = forms.SlotFigureCreateForm()
    return _save_slot(
        form,
        lambda: services.create_slot_figure(
            programme=form.programme.data, fiscal_year=form.fiscal_year.data, **_slot_values(form)
        ),
        "登録",
        slot=None,
        programmes=queries.programmes(),
    )


def _save_slot(form, write, done: str, **page):
    """Both slot-figure pages: save, say so and go back to the list's slots, or show the form
    again with its errors. `done` is the verb of the message (保存/登録)."""
    saved = save_form(form, write)
    if saved:
        flash(f"他府省連携枠の数値を{done}しました。", "success")
        return redirect(url_for("measures.index", _anchor="slots"))
    return render_template("measures/slot.html", form=form, **page), saved.status
