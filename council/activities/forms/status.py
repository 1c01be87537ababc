"""Forms of the status changes: held, postponed, rescheduled, cancelled.

The view tells a form what it cannot know from the request: whether the activity's category
takes dates only (`date_only`) and whether the year's figures went to headquarters, so that
every change needs a reason for the log (`reason_required`). Then `validate` is the whole check.
"""

from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from council.activities.forms.fields import (
    ScheduleMixin,
    VersionedForm,
    change_reason_field,
    date_field,
    participants_field,
    time_field,
)
from council.activities.rules import REASON_MAX
from council.cleaning import strip
from council.formfields import NoControlChars

REASON_REQUIRED = "提出済みの年度の活動です。変更理由を入力してください。"


class StatusForm(VersionedForm):
    date_only = False
    reason_required = False

    def validate(self, extra_validators=None) -> bool:
        return (
            self.fields_valid(extra_validators) and self.schedule_valid() and self._reason_given()
        )

    def fields_valid(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        return not self.errors

    def schedule_valid(self) -> bool:
        return True

    def _reason_given(self) -> bool:
        """The year's figures went to headquarters: every change needs a reason for the log."""
        if self.reason_required and not (self.reason.data or "").strip():
            self.reason.errors.append(REASON_REQUIRED)
            return False
        return True


class _NewScheduleForm(ScheduleMixin, StatusForm):
    def schedule_valid(self) -> bool:
        """A new date, when given, must make a schedule."""
        if self.start_date.data is None:
            return True
        return self.compute_schedule(date_only=self.date_only)


class HeldForm(StatusForm):
    participants = participants_field("参加者数(人)")
    reason = change_reason_field()


class PostponeForm(_NewScheduleForm):
    start_date = date_field("新しい開始日", Optional())
    start_time = time_field("新しい開始時刻")
    end_date = date_field("新しい終了日", Optional())
    end_time = time_field("新しい終了時刻")
    reason = TextAreaField(
        "延期の理由",
        validators=[
            Length(max=REASON_MAX, message=f"理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )

    def fields_valid(self, extra_validators=None) -> bool:
        super().fields_valid(extra_validators)
        given = (self.start_time.data, self.end_date.data, self.end_time.data)
        if self.start_date.data is None and not self.start_date.errors and any(given):
            self.start_date.errors.append(
                "時刻や終了日を入れるときは、新しい開始日も入力してください。"
            )
        return not self.errors


class RescheduleForm(_NewScheduleForm):
    start_date = date_field("新しい開始日", InputRequired("新しい開始日を入力してください。"))
    start_time = time_field("新しい開始時刻")
    end_date = date_field("新しい終了日", Optional())
    end_time = time_field("新しい終了時刻")
    reason = change_reason_field()


class CancelForm(StatusForm):
    reason = TextAreaField(
        "中止の理由",
        filters=[strip],
        validators=[
            DataRequired("中止の理由を入力してください。"),
            Length(max=REASON_MAX, message=f"理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )
