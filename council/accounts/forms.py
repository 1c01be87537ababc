from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

MIN_PASSWORD = 12


class LoginForm(FlaskForm):
    email = EmailField(
        "メールアドレス", validators=[DataRequired("メールアドレスを入力してください。")]
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
