"""Forms of the measures register: a measure with its budget lines, published totals and the
cross-ministry slot figures."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from council import fiscal
from council.cleaning import strip
from council.formfields import ChoiceField, FiscalYearField, optional_id, plain_text

MAX_AMOUNT = 10_000_000  # million yen: ten trillion yen, far above any programme
NEW_LINES = 2


class WholeNumberField(IntegerField):
    """A whole number typed as a clerk types it: 74,222 or ７４２２２ are read as 74222;
    anything else gets a Japanese message (IntegerField's own is in English)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip().replace(",", "").replace(",", "").replace(" ", "")
        if raw == "":
            self.data = None
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            self.raw_data = valuelist
            raise ValueError("半角または全角の数字(整数)で入力してください。") from None


def _amount(label: str, *, required: bool = False):
    validators = [
        NumberRange(0, MAX_AMOUNT, message=f"0から{MAX_AMOUNT:,}までの整数で入力してください。")
    ]
    validators.insert(0, InputRequired(f"{label}を入力してください。") if required else Optional())
    return WholeNumberField(label, validators=validators)


def _year(label: str, *, required: bool = False):
    validators = [InputRequired(f"{label}を入力してください。") if required else Optional()]
    return FiscalYearField(
        label, validators=validators, min_year=fiscal.FIRST_YEAR, max_year=fiscal.LAST_YEAR
    )


def _count(label: str):
    return WholeNumberField(
        label,
        validators=[Optional(), NumberRange(0, 100_000, message="0以上の整数で入力してください。")],
    )


def _text(label: str, max_length: int, *, required: bool = False):
    validators = [Length(max=max_length, message=f"{max_length}文字以内で入力してください。")]
    if required:
        validators.insert(0, DataRequired(f"{label}を入力してください。"))
    return StringField(label, filters=[strip], validators=[*validators, plain_text])


class MeasureForm(FlaskForm):
    """The measure and its budget lines. measure_form() adds one `budget_<year>` field per
    existing line; `new_year_<n>` / `new_amount_<n>` add lines."""

    ministry_id = ChoiceField(
        "府省", coerce=optional_id, validators=[DataRequired("府省を選択してください。")]
    )
    name = _text("施策名", 200, required=True)
    note = _text("備考", 200)
    first_fy = _year("開始年度(西暦)")
    last_fy = _year("終了年度(西暦)")
    successor_id = ChoiceField("後継施策", coerce=optional_id)
    parent_id = ChoiceField("親の施策・事業(サブプログラムの場合)", coerce=optional_id)
    no_new_adoption = BooleanField("課題の新規採択なし")
    large_project = BooleanField(
        "大型プロジェクト(資金投入状況調査で、採択テーマの予算を大型プロジェクトに数える)"
    )
    reason = _text("変更理由(任意、変更履歴に残ります)", 500)

    def set_measure_choices(self, measures, this=None) -> None:
        """Successor and programme choices: every other measure."""
        choices = [("", "(なし)")] + [(m.id, m.name) for m in measures if m is not this]
        self.successor_id.choices = choices
        self.parent_id.choices = choices

    def history(self) -> dict:
        """Keyword arguments for services.create_measure / update_measure."""
        return {
            "first_fy": self.first_fy.data,
            "last_fy": self.last_fy.data,
            "successor_id": self.successor_id.data,
            "parent_id": self.parent_id.data,
            "flags": ",".join(
                code
                for code, checked in (
                    ("no_new_adoption", self.no_new_adoption.data),
                    ("large_project", self.large_project.data),
                )
                if checked
            ),
        }

    def validate_last_fy(self, field):
        first = self.first_fy.data
        if field.data is not None and first is not None and field.data < first:
            raise ValidationError(
                "終了年度が開始年度より前になっています。終了年度は開始年度以降にしてください。"
            )

    def budget_fields(self):
        return [(int(name.removeprefix("budget_")), field) for name, field in self._budgets()]

    def _budgets(self):
        return sorted(
            ((name, field) for name, field in self._fields.items() if name.startswith("budget_")),
            key=lambda item: int(item[0].removeprefix("budget_")),
        )

    def new_lines(self):
        return [(self[f"new_year_{n}"], self[f"new_amount_{n}"]) for n in range(1, NEW_LINES + 1)]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        existing = {year for year, _ in self.budget_fields()}
        seen = set()
        for year_field, amount_field in self.new_lines():
            year, amount = year_field.data, amount_field.data
            if year is None and amount is None:
                continue
            if year is None and not year_field.errors:
                year_field.errors.append("年度を入力してください。")
                ok = False
            if amount is None and not amount_field.errors:
                amount_field.errors.append("予算額を入力してください。")
                ok = False
            if year is not None and (year in existing or year in seen):
                year_field.errors.append(
                    f"{fiscal.fiscal_year_label(year)}の予算行は既にあります。上の欄で変更してください。"
                )
                ok = False
            if year is not None:
                seen.add(year)
        return ok

    def budgets(self) -> dict[int, int | None]:
        """year -> amount in million yen; None removes that year's line."""
        out = {year: field.data for year, field in self.budget_fields()}
        for year_field, amount_field in self.new_lines():
            if year_field.data is not None and amount_field.data is not None:
                out[year_field.data] = amount_field.data
        return out


def measure_form(years: list[int], **kwargs) -> MeasureForm:
    """A MeasureForm with a field for each existing budget year (WTForms' dynamic-form idiom)."""

    class Form(MeasureForm):
        pass

    for year in years:
        setattr(Form, f"budget_{year}", _amount(f"{fiscal.fiscal_year_label(year)}({year})"))
    for n in range(1, NEW_LINES + 1):
        setattr(Form, f"new_year_{n}", _year("年度"))
        setattr(Form, f"new_amount_{n}", _amount("予算額(百万円)"))
    return Form(**kwargs)


class PublishedTotalForm(FlaskForm):
    ministries_count = WholeNumberField(
        "府省数",
        validators=[
            InputRequired("府省数を入力してください。"),
            NumberRange(1, 100, message="1から100までの整数で入力してください。"),
        ],
    )
    measures_count = WholeNumberField(
        "施策数",
        validators=[
            InputRequired("施策数を入力してください。"),
            NumberRange(1, 10_000, message="1以上の整数で入力してください。"),
        ],
    )
    amount_million = _amount("公表合計額(百万円)", required=True)
    note = TextAreaField(
        "説明(予算行と公表値の関係)",
        filters=[strip],
        validators=[Length(max=2000, message="2000文字以内で入力してください。")],
    )
    reason = _text("変更理由(任意、変更履歴に残ります)", 500)


class PublishedYearForm(PublishedTotalForm):
    fiscal_year = _year("年度", required=True)


class SlotFigureForm(FlaskForm):
    amount_million = _amount("予算額(百万円)", required=True)
    adopted = _count("新規採択件数")
    continued = _count("継続件数")
    regions = _count("地域数")
    reason = _text("変更理由(任意、変更履歴に残ります)", 500)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Not a validate_regions(): Optional() stops the chain on an empty field.
        figures = (self.adopted, self.continued, self.regions)
        if all(f.data is None and not f.errors for f in figures):
            self.regions.errors.append("採択・継続件数か地域数のいずれかを入力してください。")
            return False
        return ok


class SlotFigureCreateForm(SlotFigureForm):
    programme = _text("事業(他府省連携枠)", 100, required=True)
    fiscal_year = _year("年度", required=True)
