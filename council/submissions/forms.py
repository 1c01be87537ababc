"""Forms of the submission pages. Messages are Japanese and sit next to their field."""

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from council.cleaning import strip
from council.formfields import NoControlChars
from council.submissions.services import COMMENT_MAX, REASON_MAX


def new_form_token() -> str:
    return secrets.token_hex(16)


class SubmitForm(FlaskForm):
    # One per rendering of the form: a repeat of the same form returns the first result.
    once = HiddenField(
        validators=[
            Optional(),
            Regexp(
                r"^[0-9a-f]{32}$",
                message="フォームが正しくありません。ページを再読み込みしてから提出してください。",
            ),
        ]
    )
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
