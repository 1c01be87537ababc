"""Fields and mixins the activity forms share: dates and times typed the Japanese way, the
head count, agency checkboxes, the four schedule inputs, the hidden version."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from council import fiscal
from council.activities.rules import (
    PARTICIPANTS_MAX,
    REASON_MAX,
    ScheduleError,
    build_schedule,
    check_plausible,
)
from council.cleaning import strip
from council.formfields import JapaneseDateField, NoControlChars


def date_field(label, *validators):
    return JapaneseDateField(
        label,
        validators=list(validators),
        min_year=fiscal.FIRST_YEAR,
        max_year=fiscal.LAST_YEAR,
    )


def time_field(label):
    return TimeField(
        label,
        validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message="時刻は 14:00 の形式で入力してください。",
    )


def participants_field(label="参加者数"):
    message = "参加者数は0以上の整数で入力してください。"
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=PARTICIPANTS_MAX, message=message),
        ],
        invalid_value_message=message,
        render_kw={"min": 0, "inputmode": "numeric"},
    )


def change_reason_field():
    """変更理由 for a status change; required once the year has been submitted."""
    return TextAreaField(
        "変更理由",
        filters=[strip],
        validators=[
            Length(max=REASON_MAX, message=f"変更理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    """A multi-select rendered as checkboxes: usable without JS, and by keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def agency_field(label):
    message = "登録されていない機関、またはこの地域ブロックの構成機関でない機関が選ばれています。"
    return MultiCheckboxField(
        label,
        coerce=int,
        choices=[],
        invalid_value_message=message,
        invalid_choice_message=message,
    )


class VersionedForm(FlaskForm):
    """A form that carries back the version of the activity the user loaded."""

    version = HiddenField()


class ScheduleMixin:
    """The four schedule inputs (shared by the activity form and the postpone/reschedule
    forms) and the schedule they make."""

    schedule = None  # (starts_at, ends_at, is_all_day) once compute_schedule() succeeded
    start_date = date_field("開始日", InputRequired("開始日を入力してください。"))
    start_time = time_field("開始時刻")
    end_date = date_field("終了日", Optional())
    end_time = time_field("終了時刻")

    def validate_start_date(self, field):
        message = check_plausible(field.data)
        if message:
            raise ValidationError(message)

    def validate_end_date(self, field):
        message = check_plausible(field.data)
        if message:
            raise ValidationError(message)

    def schedule_fields_ok(self) -> bool:
        return not any(
            getattr(self, name).errors
            for name in ("start_date", "start_time", "end_date", "end_time")
        )

    def compute_schedule(self, *, date_only: bool) -> bool:
        """Fills self.schedule, or puts the message on the offending field."""
        self.schedule = None
        if not self.schedule_fields_ok() or self.start_date.data is None:
            return False
        try:
            self.schedule = build_schedule(
                self.start_date.data,
                self.start_time.data,
                self.end_date.data,
                self.end_time.data,
                date_only=date_only,
            )
        except ScheduleError as error:
            getattr(self, error.field).errors.append(str(error))
            return False
        return True

    def fill_schedule(self, starts_at: datetime, ends_at: datetime | None, is_all_day: bool):
        """Pre-fill the four inputs from stored values (edit, duplicate)."""
        start = fiscal.to_jst(starts_at)
        self.start_date.data = start.date()
        self.start_time.data = None if is_all_day else start.time()
        if ends_at is not None:
            end = fiscal.to_jst(ends_at)
            self.end_date.data = end.date()
            self.end_time.data = None if is_all_day else end.time()
