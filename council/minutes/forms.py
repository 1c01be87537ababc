"""Forms for minutes: the document with its action items, circulation, answers, correction."""

from datetime import UTC, date, datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from council import fiscal
from council.cleaning import strip
from council.formfields import JapaneseDateField, optional_id

TEXT_MAX = 50_000
MAX_ACTION_ITEMS = 100
BLANK_ROWS = 3


def normalize_text(value):
    """Browsers send CRLF; store LF so that diffs and revisions compare what people typed."""
    if value is None:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def no_nul(form, field):
    # SQLite would store a NUL byte; PostgreSQL refuses it with a 500. Refuse it here.
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError("使用できない文字(NUL)が含まれています。")


def _text_max(label: str, limit: int = TEXT_MAX):
    return Length(max=limit, message=f"{label}は{limit:,}文字以内で入力してください。")


class HiddenInt(HiddenField):
    """A hidden whole number; anything else reads as missing."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip().isdigit():
            self.data = int(valuelist[0].strip())

    def _value(self):
        return "" if self.data is None else str(self.data)


class ActionItemRowForm(Form):
    """One row of 今後の対応; no CSRF of its own (it lives inside MinutesForm)."""

    id = HiddenInt()
    description = StringField("内容", filters=[strip], validators=[_text_max("内容", 500), no_nul])
    owner_agency_id = SelectField(
        "担当機関",
        coerce=optional_id,
        invalid_value_message="担当機関を一覧から選んでください。",
        invalid_choice_message="担当機関を一覧から選んでください。",
    )
    due_on = JapaneseDateField("期限", validators=[Optional()])
    remove = BooleanField("削除")

    def validate_description(self, field):
        if field.data or self.remove.data:
            return
        # A wholly blank row is simply not used; a half-filled one needs its description.
        if self.id.data is not None or self.owner_agency_id.data or self.due_on.data:
            raise ValidationError(
                "内容を入力してください(不要な行は「削除」にチェックしてください)。"
            )


class _RecordFields:
    attendees = TextAreaField(
        "出席者",
        filters=[normalize_text],
        validators=[_text_max("出席者"), no_nul],
    )
    agenda = TextAreaField("議題", filters=[normalize_text], validators=[_text_max("議題"), no_nul])
    discussion = TextAreaField(
        "議事概要", filters=[normalize_text], validators=[_text_max("議事概要"), no_nul]
    )
    decisions = TextAreaField(
        "決定事項", filters=[normalize_text], validators=[_text_max("決定事項"), no_nul]
    )


VERSION_MISSING = (
    "画面の情報が不足しています。ページを再読み込みしてから、もう一度操作してください。"
)


def version_present(form, field):
    # Without the version the user loaded, a stale save could not be told from a fresh one.
    if field.data is None:
        raise ValidationError(VERSION_MISSING)


class MinutesForm(_RecordFields, FlaskForm):
    action_items = FieldList(
        FormField(ActionItemRowForm), min_entries=0, max_entries=MAX_ACTION_ITEMS
    )
    version = HiddenInt(validators=[version_present])

    def set_owner_choices(self, choices: list[tuple[int, str]]) -> None:
        full = [
            SelectChoice("", "(未定)"),
            *(SelectChoice(str(value), label) for value, label in choices),
        ]
        for entry in self.action_items:
            entry.form.owner_agency_id.choices = full

    def add_blank_rows(self, n: int = BLANK_ROWS) -> None:
        for _ in range(n):
            if len(self.action_items.entries) >= MAX_ACTION_ITEMS:
                break
            self.action_items.append_entry()

    def record_data(self) -> dict:
        return {
            "attendees": self.attendees.data or "",
            "agenda": self.agenda.data or "",
            "discussion": self.discussion.data or "",
            "decisions": self.decisions.data or "",
        }


class NewMinutesForm(MinutesForm):
    version = HiddenInt()


class CirculateForm(FlaskForm):
    comment_deadline_on = JapaneseDateField(
        "照会期限", validators=[InputRequired("照会期限を入力してください。")]
    )
    version = HiddenInt(validators=[version_present])

    def validate_comment_deadline_on(self, field):
        if field.data is None:
            return
        now = today()
        if field.data < now:
            raise ValidationError("照会期限には今日以降の日付を指定してください。")
        if field.data > now + timedelta(days=366):
            raise ValidationError("照会期限は1年以内の日付を指定してください。")


def today() -> date:
    """Today in Japan."""
    return fiscal.to_jst(datetime.now(UTC)).date()


def default_deadline() -> date:
    """One week from today (Japan time), the usual span for a 照会."""
    return today() + timedelta(days=7)


class WorkflowForm(FlaskForm):
    """Return to draft and approve carry only the version the user saw."""

    version = HiddenInt(validators=[version_present])


class RespondForm(FlaskForm):
    answer = RadioField(
        "回答",
        choices=[
            SelectChoice("confirm", "内容を確認しました(意見なし)"),
            SelectChoice("comment", "意見があります"),
        ],
        invalid_choice_message="回答を選んでください。",
        validators=[InputRequired("回答を選んでください。")],
    )
    comment = TextAreaField(
        "意見・コメント",
        filters=[normalize_text, strip],
        validators=[_text_max("意見・コメント", 5000), no_nul],
    )

    def validate_comment(self, field):
        if self.answer.data == "comment" and not field.data:
            raise ValidationError("意見の内容を入力してください。")


class CorrectionForm(_RecordFields, FlaskForm):
    reason = TextAreaField(
        "訂正の理由",
        filters=[normalize_text, strip],
        validators=[
            DataRequired("訂正の理由を入力してください。"),
            _text_max("訂正の理由", 2000),
            no_nul,
        ],
    )
    version = HiddenInt(validators=[version_present])

    def record_data(self) -> dict:
        return MinutesForm.record_data(self)


class ActionItemDoneForm(FlaskForm):
    done = HiddenField(validators=[InputRequired("操作が正しくありません。")])

    def validate_done(self, field):
        if field.data not in ("0", "1"):
            raise ValidationError("操作が正しくありません。")
