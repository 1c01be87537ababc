from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from council.cleaning import strip
from council.formfields import ChoiceField, email_address, optional_id, plain_text

MIN_PASSWORD = 12


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


class TokenForm(FlaskForm):
    name = StringField(
        "用途(任意)",
        filters=[strip],
        validators=[Length(max=100, message="100文字以内で入力してください。"), plain_text],
    )
