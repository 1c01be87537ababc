"""The audit log's search form."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from council.formfields import ChoiceField, JapaneseDateField, plain_text


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    object_type = ChoiceField("対象の種類", validate_choice=False, validators=[plain_text])
    block = ChoiceField("ブロック", validate_choice=False, validators=[plain_text])
    actor = StringField(
        "操作者(メールアドレスの一部)",
        validators=[
            Optional(),
            Length(max=100, message="100文字以内で入力してください。"),
            plain_text,
        ],
    )
    date_from = JapaneseDateField("期間(開始日)", validators=[Optional()])
    date_to = JapaneseDateField("期間(終了日)", validators=[Optional()])

    def validate_date_from(self, field):
        _in_range(field)

    def validate_date_to(self, field):
        _in_range(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("終了日は開始日以降の日付を指定してください。")


# Dates at the ends of the calendar (0001-01-01, 9999-12-31) overflow once moved to UTC or a
# day on; nothing in the log is that old or that far ahead.
DATE_RANGE = (date(1900, 1, 1), date(2999, 12, 31))


def _in_range(field) -> None:
    if field.data and not DATE_RANGE[0] <= field.data <= DATE_RANGE[1]:
        raise ValidationError("日付は1900年から2999年までの範囲で指定してください。")
