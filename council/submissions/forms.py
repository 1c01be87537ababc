"""Forms of the submission pages. Messages are Japanese and sit next to their field."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from council.activities.forms import NoControlChars, strip
from council.submissions.services import COMMENT_MAX, REASON_MAX


class SubmitForm(FlaskForm):
    comment = TextAreaField(
        "本府省へのコメント(任意)",
        filters=[strip],
        validators=[
            Length(
                max=COMMENT_MAX, message=f"コメントは{COMMENT_MAX:,}文字以内で入力してください。"
            ),
            NoControlChars(multiline=True),
        ],
    )


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        "差戻しの理由",
        filters=[strip],
        validators=[
            DataRequired("差戻しの理由を入力してください。"),
            Length(max=REASON_MAX, message=f"理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )
