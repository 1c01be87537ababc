"""Edit forms of the portal's registers: one text field per import column, so that a form and
a CSV row are checked by the same rules (council/portal/rows.py)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from council.portal import rows as rowmod

HELP = {
    "organisation": "機関の名簿に登録されている正式名称",
    "fiscal_year": "2007 または 平成19年度",
    "fields": "分野コードまたは名称を ; で区切って(例: life;energy)",
    "blocks": "ブロックのコードまたは名称を ; で区切って。空欄は全国",
    "prefectures": "都道府県コードまたは名称を ; で区切って",
    "participants": "機関名を ; で区切って",
    "opens_on": "2007/11/28、平成19年11月28日 など",
    "closes_on": "2007/11/28、平成19年11月28日 など",
    "date": "2007/11/28、平成19年11月28日 など",
    "status": "draft(下書き)/published(公開)/withdrawn(取下げ)",
}


def record_form(kind: str, data: dict | None = None, formdata=None) -> FlaskForm:
    """A form with a field per column of the register."""

    class RecordForm(FlaskForm):
        cleaned: rowmod.Cleaned | None = None

        def validate(self, extra_validators=None) -> bool:
            """The rules of an import row (rows.clean), each message on its column; the values
            to store are kept in `cleaned`."""
            if not super().validate(extra_validators):
                return False
            cells = {k: v for k, v in self.data.items() if k != "csrf_token"}
            self.cleaned = rowmod.clean(kind, cells, rowmod.Lookups())
            for column, message in self.cleaned.errors.items():
                if column in self:
                    self[column].errors = [*self[column].errors, message]
            return not self.cleaned.errors

    for code, label, required in rowmod.COLUMNS[kind]:
        if kind == "news" and code == "activity":
            continue
        field_class = TextAreaField if code in rowmod.MULTILINE else StringField
        setattr(
            RecordForm,
            code,
            field_class(label + (" (必須)" if required else ""), description=HELP.get(code, "")),
        )
    return RecordForm(formdata=formdata, data=data or {})


class ImportForm(FlaskForm):
    kind = SelectField(
        "台帳",
        choices=[
            SelectChoice("measures", "研究支援策"),
            SelectChoice("facilities", "研究支援施設"),
            SelectChoice("themes", "採択研究テーマ"),
            SelectChoice("news", "ニュース"),
        ],
    )
    file = FileField("ファイル(CSV または XLSX)")
