"""Form fields shared by every domain: plain text without control characters, e-mail
addresses, optional ids, selects with Japanese messages, dates and fiscal years typed the
Japanese way, and the optional reason the audit log records."""

import re

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import TextInput

from council import fiscal
from council.cleaning import CONTROL_TEXT, has_control, strip

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")


def plain_text(form, field):
    """Refuse NUL and other control characters (PostgreSQL refuses NUL; SQLite would keep it)."""
    if field.data and CONTROL_TEXT.search(field.data):
        raise ValidationError("使用できない制御文字が含まれています。")


def email_address(form, field):
    if field.data and not EMAIL_PATTERN.match(field.data.strip()):
        raise ValidationError("メールアドレスの形式が正しくありません。")


def optional_id(value):
    """Coerce a <select> value to an id, with "" meaning none."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a valid choice: pre_validate refuses it


class ChoiceField(SelectField):
    """A select whose "not a valid choice" error is in Japanese, and whose choices may be given
    as (value, label) pairs (WTForms 3.3 wants SelectChoice objects; this converts them)."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, items):
        self._choices = (
            None
            if items is None
            else [item if isinstance(item, SelectChoice) else SelectChoice(*item) for item in items]
        )

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError("一覧から選択してください。") from None


class ReasonForm(FlaskForm):
    """The optional reason recorded in the audit log with a deactivation or reset."""

    reason = StringField(
        "理由",
        filters=[strip],
        validators=[Length(max=500, message="500文字以内で入力してください。"), plain_text],
    )


DATE_HINT = "2007/11/28、2007-11-28、平成19年11月28日、H19.11.28 のいずれかの形"
DATE_MESSAGE = f"日付は{DATE_HINT}で、実在する日付を入力してください。"
FY_MESSAGE = "年度は「平成19年度」または「2007」の形で入力してください。"


class JapaneseDateField(DateField):
    """A typed date in any form fiscal.parse_date accepts; the typed text stays on error.

    A text input, not the browser's date picker: the picker cannot take 平成19年11月28日, and
    it reads differently in every browser. min_year/max_year bound what is plausible."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, min_year=2000, max_year=2100, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("autocomplete", "off")
        kwargs["render_kw"].setdefault("placeholder", "例: 2007/11/28")
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)
        self.min_year, self.max_year = min_year, max_year

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist and valuelist[0] else ""
        if not text:
            return
        value = fiscal.parse_date(text)
        if value is None:
            raise ValueError(DATE_MESSAGE)
        if not self.min_year <= value.year <= self.max_year:
            raise ValueError(
                f"{self.min_year}年から{self.max_year}年までの日付を入力してください。"
            )
        self.data = value


class FiscalYearField(StringField):
    """A fiscal year typed as 平成19年度 or 2007 (or picked as 平成19年度 (2007)); data is
    the Western year it starts in, or None when left empty."""

    def __init__(self, label=None, validators=None, *, min_year=2000, max_year=2100, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("placeholder", "例: 平成19年度 または 2007")
        super().__init__(label, validators, **kwargs)
        self.min_year, self.max_year = min_year, max_year
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist and valuelist[0] else ""
        self.raw_text = text
        if not text:
            return
        year = fiscal.parse_fiscal_year(text)
        if year is None:
            raise ValueError(FY_MESSAGE)
        if not self.min_year <= year <= self.max_year:
            raise ValueError(f"{self.min_year}年度から{self.max_year}年度までを入力してください。")
        self.data = year

    def _value(self):
        if self.raw_text:  # what the user typed stays as typed
            return self.raw_text
        return "" if self.data in (None, "") else fiscal.fiscal_year_label(int(self.data))


class NoControlChars:
    """A validator refusing control characters, telling the user to delete them (the activity
    and submission forms' wording); `multiline` lets tabs and line breaks through."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_control(field.data, multiline=self.multiline):
            raise ValidationError("使用できない制御文字が含まれています。削除してください。")
