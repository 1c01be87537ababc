"""Forms of the directory: agencies, memberships, contacts, CSV import."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from council import fiscal
from council.cleaning import strip
from council.directory.models import AGENCY_KINDS, MINISTRY_KINDS
from council.formfields import ChoiceField, email_address, optional_id, plain_text

# Selectable fiscal years: from the start of the cluster policies to two years ahead.
FIRST_SELECTABLE_FY = 2001


def selectable_years(*keep: int | None) -> list[int]:
    years = set(range(FIRST_SELECTABLE_FY, fiscal.current_fiscal_year() + 3))
    years |= {y for y in keep if y is not None}
    return sorted(years)


def fy_choices(*keep: int | None, blank: str | None = None) -> list:
    choices = [(y, fiscal.fiscal_year_label(y) + f"({y})") for y in selectable_years(*keep)]
    return ([("", blank)] if blank is not None else []) + choices


def _text(label: str, max_length: int, *, required: bool = False, message: str = ""):
    validators = [Length(max=max_length, message=f"{max_length}文字以内で入力してください。")]
    if required:
        validators.insert(0, DataRequired(message or f"{label}を入力してください。"))
    return StringField(label, filters=[strip], validators=[*validators, plain_text])


class AgencyForm(FlaskForm):
    name = _text("機関名", 100, required=True)
    kind = ChoiceField(
        "種別",
        choices=[SelectChoice("", "選択してください")]
        + [SelectChoice(code, label) for code, label in AGENCY_KINDS.items()],
        validators=[DataRequired("種別を選択してください。")],
    )
    # Required only for the kinds that belong to a ministry (validate_ministry_id).
    ministry_id = ChoiceField("府省", coerce=optional_id)
    prefecture_id = ChoiceField("都道府県", coerce=optional_id)
    city = _text("所在地", 40)

    def validate_ministry_id(self, field):
        if field.data is None and self.kind.data in MINISTRY_KINDS:
            raise ValidationError(
                f"種別が「{AGENCY_KINDS[self.kind.data]}」の機関は府省を選択してください。"
                "(府省に属さない都道府県・大学などは、種別を選び直してください。)"
            )

    # The version the user loaded (council.locking): a save over someone else's newer save is
    # refused.
    version = HiddenField()


class AgencyCreateForm(AgencyForm):
    block_id = ChoiceField(
        "参加するブロック",
        coerce=optional_id,
        validators=[DataRequired("ブロックを選択してください。")],
    )
    first_fy = ChoiceField(
        "参加開始年度",
        coerce=optional_id,
        validators=[DataRequired("参加開始年度を選択してください。")],
    )


class MembershipAddForm(FlaskForm):
    agency_id = ChoiceField(
        "機関", coerce=optional_id, validators=[DataRequired("機関を選択してください。")]
    )
    first_fy = ChoiceField(
        "参加開始年度",
        coerce=optional_id,
        validators=[DataRequired("参加開始年度を選択してください。")],
    )


class MembershipForm(FlaskForm):
    first_fy = ChoiceField(
        "参加開始年度",
        coerce=optional_id,
        validators=[DataRequired("参加開始年度を選択してください。")],
    )
    last_fy = ChoiceField("参加終了年度", coerce=optional_id)
    reason = _text("理由(任意)", 500)

    def validate_last_fy(self, field):
        if field.data is not None and self.first_fy.data and field.data < self.first_fy.data:
            raise ValidationError("参加終了年度は参加開始年度以降にしてください。")


class ContactForm(FlaskForm):
    name = _text("氏名", 60, required=True)
    title = _text("役職", 100)
    email = StringField(
        "メールアドレス",
        filters=[strip],
        validators=[
            Length(max=254, message="254文字以内で入力してください。"),
            email_address,
            plain_text,
        ],
    )
    phone = _text("電話番号", 30)


class ImportForm(FlaskForm):
    file = FileField("CSVファイル")

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("CSVファイルを選択してください。")
