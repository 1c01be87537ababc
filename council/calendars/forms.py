"""The calendar's filter form: read from the query string (GET), so no CSRF token."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from council import fiscal

VIEWS = {"month": "月", "week": "週", "list": "一覧"}
FIRST_YEAR, LAST_YEAR = 1990, 2100


class CalendarFilterForm(FlaskForm):
    class Meta:
        csrf = False

    view = HiddenField(default="month")
    date = HiddenField()
    month = StringField("表示する月")
    block = SelectField("ブロック", validate_choice=False)
    category = SelectField("区分", validate_choice=False)
    agency = SelectField("機関(共催・参加)", validate_choice=False)

    def set_choices(self, choices: dict) -> None:
        """The choices of the three selects, built once per `choices` (which the view keeps
        for a minute) and shared by the requests meanwhile: they are only read."""
        if "_lists" not in choices:
            grouped: dict[str, list] = {}
            for a in choices["agencies"]:
                grouped.setdefault(a.ministry, []).append((str(a.id), a.name))
            choices["_lists"] = (
                [("", "すべて")]
                + [(b.code, b.name) for b in choices["blocks"]]
                + [("national", "全国(本府省主催の行事)"), ("hq", "本府省(ブロックなし)")],
                [("", "すべて")]
                + [(c.code, c.short_name or c.name) for c in choices["categories"]],
                {"": [("", "すべて")], **grouped},
            )
        self.block.choices, self.category.choices, self.agency.choices = choices["_lists"]

    def selected_labels(self, args: dict) -> list[str]:
        """The names of the filters in effect (`args`: the valid ones), for the heading."""
        labels = []
        for field in (self.block, self.category, self.agency):
            value = args.get(field.name)
            if value:
                labels.extend(label for v, label in self._flat_choices(field) if v == value)
        return labels

    @staticmethod
    def _flat_choices(field) -> list[tuple[str, str]]:
        if isinstance(field.choices, dict):
            return [pair for group in field.choices.values() for pair in group]
        return list(field.choices)

    def _known(self, field, message: str) -> None:
        if field.data and field.data not in {v for v, _ in self._flat_choices(field)}:
            raise ValidationError(message)

    def validate_view(self, field):
        if field.data and field.data not in VIEWS:
            raise ValidationError("表示形式は「月」「週」「一覧」から選んでください。")

    def validate_block(self, field):
        self._known(field, "選択肢にないブロックです。一覧から選んでください。")

    def validate_category(self, field):
        self._known(field, "選択肢にない区分です。一覧から選んでください。")

    def validate_agency(self, field):
        self._known(field, "選択肢にない機関です。一覧から選んでください。")

    def validate_month(self, field):
        if field.data and parse_month(field.data) is None:
            raise ValidationError(
                f"年月は 2007-11 または 平成19年11月 の形で、{FIRST_YEAR}年から{LAST_YEAR}年までを入力してください。"
            )

    def validate_date(self, field):
        if field.data and parse_date(field.data) is None:
            raise ValidationError(
                "日付は 2007/11/28 または 平成19年11月28日 の形で入力してください。"
            )


def parse_month(text: str) -> date | None:
    value = fiscal.parse_month(text)
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return value


def parse_date(text: str) -> date | None:
    value = fiscal.parse_date(text)
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return value
