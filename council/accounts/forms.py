import re

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

MIN_PASSWORD = 12


# --- shared field helpers --------------------------------------------------------------------

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(form, field):
    """Refuse NUL and other control characters (PostgreSQL refuses NUL; SQLite would keep it)."""
    if field.data and CONTROL_CHARS.search(field.data):
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


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(
        "メールアドレス",
        validators=[
            DataRequired("メールアドレスを入力してください。"),
            Length(max=254, message="254文字以内で入力してください。"),
            # PostgreSQL refuses NUL in a query parameter: stop it here, not with a 500.
            plain_text,
        ],
    )
    password = PasswordField(
        "パスワード", validators=[DataRequired("パスワードを入力してください。")]
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "現在のパスワード", validators=[DataRequired("現在のパスワードを入力してください。")]
    )
    new_password = PasswordField(
        "新しいパスワード",
        validators=[
            DataRequired("新しいパスワードを入力してください。"),
            Length(
                min=MIN_PASSWORD,
                max=128,
                message=f"{MIN_PASSWORD}文字以上128文字以内で入力してください。",
            ),
        ],
    )
    confirm = PasswordField(
        "新しいパスワード(確認)",
        validators=[EqualTo("new_password", message="確認用のパスワードが一致しません。")],
    )

    def validate_new_password(self, field):
        if field.data and field.data == self.current_password.data:
            raise ValidationError("現在と異なるパスワードを指定してください。")


# --- user management -------------------------------------------------------------------------


class UserForm(FlaskForm):
    email = StringField(
        "メールアドレス",
        filters=[strip],
        validators=[
            DataRequired("メールアドレスを入力してください。"),
            Length(max=254, message="254文字以内で入力してください。"),
            email_address,
            plain_text,
        ],
    )
    name = StringField(
        "氏名",
        filters=[strip],
        validators=[
            DataRequired("氏名を入力してください。"),
            Length(max=60, message="60文字以内で入力してください。"),
            plain_text,
        ],
    )
    role = ChoiceField("役割", validators=[DataRequired("役割を選択してください。")])
    block_id = ChoiceField("ブロック(事務局の場合)", coerce=optional_id)
    agency_id = ChoiceField("所属機関(構成機関の場合)", coerce=optional_id)

    def validate_block_id(self, field):
        if self.role.data == "secretariat" and field.data is None:
            raise ValidationError("事務局のユーザーにはブロックを選択してください。")

    def validate_agency_id(self, field):
        if self.role.data == "member" and field.data is None:
            raise ValidationError("構成機関のユーザーには所属機関を選択してください。")


class UserCreateForm(UserForm):
    password = PasswordField(
        "初期パスワード",
        validators=[
            Optional(),
            Length(
                min=MIN_PASSWORD,
                max=128,
                message=f"{MIN_PASSWORD}文字以上128文字以内で入力してください。",
            ),
        ],
    )


class ReasonForm(FlaskForm):
    """The optional reason recorded in the audit log with a deactivation or reset."""

    reason = StringField(
        "理由",
        filters=[strip],
        validators=[Length(max=500, message="500文字以内で入力してください。"), plain_text],
    )


class TokenForm(FlaskForm):
    name = StringField(
        "用途(任意)",
        filters=[strip],
        validators=[Length(max=100, message="100文字以内で入力してください。"), plain_text],
    )
