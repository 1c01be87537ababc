"""The hand-entry form of a funding record and the import upload form."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from council import fiscal
from council.analysis.funding.importer import MAX_AMOUNT, parse_amount, parse_fiscal_year
from council.analysis.funding.models import KINDS
from council.cleaning import strip
from council.formfields import ChoiceField, optional_id, plain_text


class FundingForm(FlaskForm):
    fiscal_year = StringField(
        "年度",
        filters=[strip],
        validators=[DataRequired("年度を入力してください。"), plain_text],
        description="例: 2007 または 平成19年度",
    )
    kind = ChoiceField(
        "区分",
        validators=[DataRequired("区分を選んでください。")],
    )
    ministry_id = ChoiceField(
        "府省", coerce=optional_id, validators=[DataRequired("府省を選んでください。")]
    )
    measure_id = ChoiceField("施策", coerce=optional_id, validators=[Optional()])
    block_id = ChoiceField(
        "ブロック", coerce=optional_id, validators=[DataRequired("ブロックを選んでください。")]
    )
    prefecture_id = ChoiceField("都道府県", coerce=optional_id, validators=[Optional()])
    field_id = ChoiceField(
        "研究分野", coerce=optional_id, validators=[DataRequired("研究分野を選んでください。")]
    )
    title = StringField(
        "案件名",
        filters=[strip],
        validators=[
            DataRequired("案件名を入力してください。"),
            Length(max=200, message="200文字以内で入力してください。"),
            plain_text,
        ],
    )
    amount = StringField(
        "金額(百万円)",
        filters=[strip],
        validators=[DataRequired("金額を入力してください。"), plain_text],
        description="百万円単位、小数第1位まで。例: 1,234.5",
    )
    theme_id = StringField("研究テーマID", filters=[strip], validators=[Optional(), plain_text])

    def set_choices(self, ministries, measures, blocks, prefectures, fields) -> None:
        self.kind.choices = [("", "選択してください")] + list(KINDS.items())
        self.ministry_id.choices = [("", "選択してください")] + [(m.id, m.name) for m in ministries]
        self.measure_id.choices = [("", "(なし)")] + [
            (m.id, f"{m.ministry.name} {m.name}") for m in measures
        ]
        self.block_id.choices = [("", "選択してください")] + [(b.id, b.name) for b in blocks]
        self.prefecture_id.choices = [("", "(なし)")] + [(p.id, p.name) for p in prefectures]
        self.field_id.choices = [("", "選択してください")] + [(f.id, f.name) for f in fields]
        self._measure_ministry = {m.id: m.ministry_id for m in measures}
        self._prefecture_block = {p.id: p.block_id for p in prefectures}

    def validate_fiscal_year(self, field):
        year = parse_fiscal_year(field.data or "")
        if year is None or not fiscal.FIRST_YEAR <= year <= fiscal.LAST_YEAR:
            raise ValidationError(
                f"{fiscal.FIRST_YEAR}〜{fiscal.LAST_YEAR}の西暦、または平成19年度の形で入力してください。"
            )

    def validate_amount(self, field):
        amount = parse_amount(field.data or "")
        if amount is None:
            raise ValidationError("百万円単位の数値で入力してください(例: 1,234.5)。")
        if amount < 0:
            raise ValidationError("負の値は入力できません。")
        if amount != amount.quantize(Decimal("0.1")):
            raise ValidationError("小数第1位まで入力してください。")
        if amount > MAX_AMOUNT:
            raise ValidationError("金額が大きすぎます。")

    def validate_measure_id(self, field):
        if field.data and self._measure_ministry.get(field.data) != self.ministry_id.data:
            raise ValidationError("選んだ府省の施策を選んでください。")

    def validate_prefecture_id(self, field):
        if field.data and self._prefecture_block.get(field.data) != self.block_id.data:
            raise ValidationError("選んだブロックの都道府県を選んでください。")

    def validate_theme_id(self, field):
        if field.data and not (field.data.isdigit() and 0 < int(field.data) < 2**31):
            raise ValidationError("正の整数で入力してください。")

    def values(self) -> dict:
        return {
            "fiscal_year": parse_fiscal_year(self.fiscal_year.data),
            "kind": self.kind.data,
            "ministry_id": self.ministry_id.data,
            "measure_id": self.measure_id.data or None,
            "block_id": self.block_id.data,
            "prefecture_id": self.prefecture_id.data or None,
            "field_id": self.field_id.data,
            "title": self.title.data,
            "amount_tenths": int(parse_amount(self.amount.data) * 10),
            "theme_id": int(self.theme_id.data) if self.theme_id.data else None,
        }

    def fill(self, record) -> None:
        self.fiscal_year.data = str(record.fiscal_year)
        self.kind.data = record.kind
        self.ministry_id.data = record.ministry_id
        self.measure_id.data = record.measure_id
        self.block_id.data = record.block_id
        self.prefecture_id.data = record.prefecture_id
        self.field_id.data = record.field_id
        self.title.data = record.title
        self.amount.data = f"{record.amount_million:.1f}"
        self.theme_id.data = str(record.theme_id) if record.theme_id else ""


class FundingImportForm(FlaskForm):
    file = FileField(
        "CSVまたはXLSXファイル", validators=[FileRequired("ファイルを選んでください。")]
    )
    dry_run = BooleanField("確認だけ行う(取り込まない)")


def fiscal_year_choices(first: int, last: int) -> list[tuple[int, str]]:
    return [(y, f"{fiscal.fiscal_year_label(y)} ({y})") for y in range(last, first - 1, -1)]
