"""Forms of the activity pages. Every message is Japanese and sits next to its field."""

import re
from datetime import date, datetime, time

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from council import fiscal
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    NATIONAL_LABEL,
    VISIBILITIES,
)
from council.extensions import utc_now
from council.formfields import JapaneseDateField

FIRST_YEAR, LAST_YEAR = 2000, 2100
TITLE_MAX = 200
VENUE_MAX = 200
CITY_MAX = 40
DESCRIPTION_MAX = 10_000
REASON_MAX = 1_000
PERSONS_MAX = 500
PARTICIPANTS_MAX = 1_000_000
# PT (プロジェクトチーム) meetings exist from FY2007 (平成19年度).
PT_FIRST_FY = 2007

RSVP_CHOICES = {"yes": "出席", "no": "欠席", "maybe": "未定"}

_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def has_control_chars(text: str, *, multiline: bool = False) -> bool:
    """NUL and other control characters: SQLite would store them, PostgreSQL refuses NUL,
    and none belongs in an official record."""
    return bool((_CONTROL_TEXT if multiline else _CONTROL_LINE).search(text or ""))


class NoControlChars:
    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_control_chars(field.data, multiline=self.multiline):
            raise ValidationError("使用できない制御文字が含まれています。削除してください。")


def _date_field(label, *validators):
    return JapaneseDateField(
        label, validators=list(validators), min_year=FIRST_YEAR, max_year=LAST_YEAR
    )


def _time_field(label):
    return TimeField(
        label,
        validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message="時刻は 14:00 の形式で入力してください。",
    )


def _participants_field(label="参加者数"):
    message = "参加者数は0以上の整数で入力してください。"
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=PARTICIPANTS_MAX, message=message),
        ],
        invalid_value_message=message,
        render_kw={"min": 0, "inputmode": "numeric"},
    )


class MultiCheckboxField(SelectMultipleField):
    """A multi-select rendered as checkboxes: usable without JS, and by keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _agency_field(label):
    message = "登録されていない機関、またはこの地域ブロックの構成機関でない機関が選ばれています。"
    return MultiCheckboxField(
        label,
        coerce=int,
        choices=[],
        invalid_value_message=message,
        invalid_choice_message=message,
    )


# --- the schedule (shared by the activity form and the postpone/reschedule forms) -----------


class ScheduleError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_plausible(day: date | None) -> str | None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付を入力してください。"
    return None


def build_schedule(
    start_date: date,
    start_time: time | None,
    end_date: date | None,
    end_time: time | None,
    *,
    date_only: bool,
) -> tuple[datetime, datetime | None, bool]:
    """(starts_at, ends_at, is_all_day) in Japan time from the form's four inputs.

    Without a start time the activity is all-day; the end of an all-day activity is its last
    day (inclusive), stored as that day's midnight. Raises ScheduleError(field, message)."""
    if date_only and start_time is not None:
        raise ScheduleError(
            "start_time", "この区分は日付のみで登録します。時刻は空欄にしてください。"
        )
    if date_only and end_time is not None:
        raise ScheduleError(
            "end_time", "この区分は日付のみで登録します。時刻は空欄にしてください。"
        )
    is_all_day = start_time is None
    starts_at = fiscal.jst_datetime(start_date, start_time)
    if is_all_day:
        if end_time is not None:
            raise ScheduleError("end_time", "終了時刻を入れるときは開始時刻も入力してください。")
        if end_date is None or end_date == start_date:
            return starts_at, None, True
        ends_at = fiscal.jst_datetime(end_date)
        if end_date < start_date:
            raise ScheduleError("end_date", "終了日は開始日以降の日付にしてください。")
        return starts_at, ends_at, True
    if end_time is None:
        if end_date is not None and end_date != start_date:
            raise ScheduleError("end_time", "終了日を入れるときは終了時刻も入力してください。")
        return starts_at, None, False
    ends_at = fiscal.jst_datetime(end_date or start_date, end_time)
    if ends_at < starts_at:
        field = "end_date" if end_date is not None and end_date < start_date else "end_time"
        raise ScheduleError(field, "終了は開始より後の日時にしてください。")
    return starts_at, ends_at, False


class ScheduleMixin:
    schedule = None  # (starts_at, ends_at, is_all_day) once compute_schedule() succeeded
    start_date = _date_field("開始日", InputRequired("開始日を入力してください。"))
    start_time = _time_field("開始時刻")
    end_date = _date_field("終了日", Optional())
    end_time = _time_field("終了時刻")

    def validate_start_date(self, field):
        message = check_plausible(field.data)
        if message:
            raise ValidationError(message)

    def validate_end_date(self, field):
        message = check_plausible(field.data)
        if message:
            raise ValidationError(message)

    def schedule_fields_ok(self) -> bool:
        return not any(
            getattr(self, name).errors
            for name in ("start_date", "start_time", "end_date", "end_time")
        )

    def compute_schedule(self, *, date_only: bool) -> bool:
        """Fills self.schedule, or puts the message on the offending field."""
        self.schedule = None
        if not self.schedule_fields_ok() or self.start_date.data is None:
            return False
        try:
            self.schedule = build_schedule(
                self.start_date.data,
                self.start_time.data,
                self.end_date.data,
                self.end_time.data,
                date_only=date_only,
            )
        except ScheduleError as error:
            getattr(self, error.field).errors.append(error.message)
            return False
        return True

    def fill_schedule(self, starts_at: datetime, ends_at: datetime | None, is_all_day: bool):
        """Pre-fill the four inputs from stored values (edit, duplicate)."""
        start = fiscal.to_jst(starts_at)
        self.start_date.data = start.date()
        self.start_time.data = None if is_all_day else start.time()
        if ends_at is not None:
            end = fiscal.to_jst(ends_at)
            self.end_date.data = end.date()
            self.end_time.data = None if is_all_day else end.time()


# --- create and edit ------------------------------------------------------------------------

KIND_CHOICES = [SelectChoice("", "(選択してください)")] + [
    SelectChoice(code, label) for code, label in (COUNCIL_KINDS | HQ_KINDS).items()
]


class ActivityForm(ScheduleMixin, FlaskForm):
    block = SelectField(
        "地域ブロック",
        choices=[],
        invalid_choice_message="地域ブロックを一覧から選んでください。",
    )
    category = SelectField(
        "区分", choices=[], default="", invalid_choice_message="区分を一覧から選んでください。"
    )
    kind = SelectField(
        "種別",
        choices=KIND_CHOICES,
        default="",
        invalid_choice_message="種別を一覧から選んでください。",
    )
    title = StringField(
        "件名",
        filters=[strip],
        validators=[
            DataRequired("件名を入力してください。"),
            Length(max=TITLE_MAX, message=f"件名は{TITLE_MAX}文字以内で入力してください。"),
            NoControlChars(),
        ],
    )
    venue = StringField(
        "会場",
        filters=[strip],
        validators=[
            Length(max=VENUE_MAX, message=f"会場は{VENUE_MAX}文字以内で入力してください。"),
            NoControlChars(),
        ],
    )
    visibility = RadioField(
        "公開範囲",
        choices=[SelectChoice(code, label) for code, label in VISIBILITIES.items()],
        default="members",
        validators=[InputRequired("公開範囲を選んでください。")],
        invalid_choice_message="公開範囲を選択肢から選んでください。",
    )
    participants = _participants_field()
    host_prefecture = SelectField(
        "開催都道府県",
        choices=[],
        default="",
        invalid_choice_message="開催都道府県を一覧から選んでください。",
    )
    host_city = StringField(
        "開催都市",
        filters=[strip],
        validators=[
            Length(max=CITY_MAX, message=f"開催都市は{CITY_MAX}文字以内で入力してください。"),
            NoControlChars(),
        ],
    )
    region_block = SelectField(
        "開催地の地域ブロック(集計には含めません)",
        choices=[],
        default="",
        invalid_choice_message="地域ブロックを一覧から選んでください。",
    )
    organizers = _agency_field("共催機関")
    backers = _agency_field("後援")
    participant_agencies = _agency_field("参加機関")
    measures = MultiCheckboxField(
        "説明する施策",
        coerce=int,
        choices=[],
        invalid_value_message="登録されていない施策が選ばれています。",
        invalid_choice_message="登録されていない施策が選ばれています。",
    )
    description = TextAreaField(
        "内容・備考",
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=f"内容・備考は{DESCRIPTION_MAX:,}文字以内で入力してください。",
            ),
            NoControlChars(multiline=True),
        ],
    )
    reason = StringField(
        "変更理由",
        filters=[strip],
        validators=[
            Length(max=REASON_MAX, message=f"変更理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(),
        ],
    )
    version = HiddenField()
    loaded_at = HiddenField()

    def setup(
        self,
        *,
        blocks,
        categories,
        agencies,
        measures,
        fixed_block_id: int | None,
        choose_block: bool,
        choose_category: bool,
        reason_required: bool = False,
        editing: bool = False,
        block_choices: str = "all",
        prefectures=(),
    ):
        """Choices and context from the view; fields that do not apply are removed."""
        self.fixed_block_id = fixed_block_id
        self.category_map = {c.code: c for c in categories}
        self.agency_map = {a.id: a for a in agencies}
        self.measure_map = {m.id: m for m in measures}
        self.reason_is_required = reason_required
        if choose_block:
            # hq chooses between its meetings and its national events; the admin any block.
            self.block.choices = [
                SelectChoice("", "本府省会議(WG・PT・TF)"),
                SelectChoice(NATIONAL, f"{NATIONAL_LABEL}(本府省主催の行事)"),
            ] + (
                [SelectChoice(str(b.id), b.name) for b in blocks] if block_choices == "all" else []
            )
            if self.block.raw_data == []:
                # A submission without the field keeps the block the view settled on.
                self.block.data = str(fixed_block_id or "")
        else:
            del self.block
        if choose_category:
            self.category.choices = [SelectChoice("", "(選択してください)")] + [
                SelectChoice(c.code, c.name) for c in categories
            ]
        else:
            del self.category
        if choose_block:
            self.host_prefecture.choices = [SelectChoice("", "(なし)")] + [
                SelectChoice(str(p.id), p.name) for p in prefectures
            ]
            self.region_block.choices = [SelectChoice("", "(なし)")] + [
                SelectChoice(str(b.id), b.name) for b in blocks
            ]
        else:
            # Only those who may log national events see their host place.
            del self.host_prefecture
            del self.host_city
            del self.region_block
        agency_choices = [SelectChoice(a.id, a.name) for a in agencies]
        self.organizers.choices = agency_choices
        self.backers.choices = agency_choices
        self.participant_agencies.choices = agency_choices
        self.measures.choices = [SelectChoice(m.id, m.name) for m in measures]
        if not editing:
            del self.reason
            del self.version
            del self.loaded_at
        return self

    # --- what the form says, once valid -------------------------------------------------

    @property
    def is_national(self) -> bool:
        return "block" in self and self.block.data == NATIONAL

    @property
    def target_block_id(self) -> int | None:
        if self.is_national:
            return None
        if "block" in self:
            return int(self.block.data) if self.block.data else None
        return self.fixed_block_id

    @property
    def is_hq(self) -> bool:
        """A headquarters meeting (WG/PT/TF)."""
        return self.target_block_id is None and not self.is_national

    @property
    def chosen_category(self):
        # Headquarters meetings (WG/PT/TF) are filed under the council category.
        if self.is_hq or "category" not in self:
            return self.category_map.get("council")
        return self.category_map.get(self.category.data)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        category = self.chosen_category
        if "category" in self and not self.is_hq and not self.category.errors and category is None:
            self.category.errors.append("区分を選んでください。")
        if category is not None:
            self.compute_schedule(date_only=category.is_date_only and not self.is_hq)
            self._check_kind(category)
        if (
            "participants" in self
            and self.participants.data is not None
            and self.schedule
            and fiscal.to_jst(self.schedule[0]).date() > fiscal.to_jst(utc_now()).date()
        ):
            self.participants.errors.append(
                "参加者数は開催日以降に入力してください(開催前の活動には記録できません)。"
            )
        if "reason" in self and self.reason_is_required and not self.reason.data:
            self.reason.errors.append("変更理由を入力してください。")
        return not self.errors

    def _check_kind(self, category) -> None:
        kind = self.kind.data or ""
        if self.is_hq:
            if kind not in HQ_KINDS:
                self.kind.errors.append("本府省会議の種別(WG・PT・TF)を選んでください。")
            elif (
                kind == "pt"
                and self.schedule
                and fiscal.fiscal_year_of(self.schedule[0]) < PT_FIRST_FY
            ):
                self.kind.errors.append(
                    "プロジェクトチーム(PT)は平成19年度からの会議です。日付か種別を確認してください。"
                )
        elif category.code == "council" and kind not in COUNCIL_KINDS:
            self.kind.errors.append("協議会か幹事会かを選んでください。")

    def service_values(self) -> dict:
        """Keyword arguments for services.create_activity / update_activity."""
        category = self.chosen_category
        starts_at, ends_at, is_all_day = self.schedule
        kind = self.kind.data if self.is_hq or category.code == "council" else None
        return {
            "block_id": self.target_block_id,
            "category_id": category.id,
            "kind": kind,
            "title": self.title.data,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "is_all_day": is_all_day,
            "venue": self.venue.data or "",
            "visibility": self.visibility.data,
            "participants": self.participants.data,
            "description": (self.description.data or "").replace("\r\n", "\n"),
            "organizers": [self.agency_map[i] for i in self.organizers.data or ()],
            "backers": [self.agency_map[i] for i in self.backers.data or ()],
            **self._national_values(),
            "participant_agencies": [
                self.agency_map[i] for i in self.participant_agencies.data or ()
            ],
            # Only a briefing names the measures it explains.
            "measures": [self.measure_map[i] for i in self.measures.data or ()]
            if category.code == "briefing"
            else [],
        }

    def _national_values(self) -> dict:
        """Host place and region block: a national event's own (others keep none)."""
        national = self.is_national
        if not national:
            return {
                "is_national": False,
                "host_prefecture_id": None,
                "host_city": "",
                "region_block_id": None,
            }
        pref, region = self.host_prefecture.data, self.region_block.data
        return {
            "is_national": national,
            "host_prefecture_id": int(pref) if pref else None,
            "host_city": self.host_city.data or "",
            "region_block_id": int(region) if region else None,
        }

    def typed_values(self) -> dict[str, str]:
        """What the user typed, in the words of queries.current_values (conflict page)."""
        from council.activities import queries

        out = {}
        if "block" in self:
            out["block_id"] = queries.display_value("block_id", self.target_block_id)
        category = self.chosen_category
        if category is not None:
            out["category_id"] = category.name
        out["kind"] = queries.display_value("kind", self.kind.data)
        out["title"] = self.title.data or ""
        if self.schedule:
            starts_at, ends_at, is_all_day = self.schedule
            out["starts_at"] = queries.display_value("starts_at", starts_at)
            out["ends_at"] = queries.display_value("ends_at", ends_at)
            out["is_all_day"] = queries.display_value("is_all_day", is_all_day)
        out["venue"] = queries.display_value("venue", self.venue.data)
        out["visibility"] = queries.display_value("visibility", self.visibility.data)
        out["participants"] = queries.display_value("participants", self.participants.data)
        out["description"] = queries.display_value(
            "description", (self.description.data or "").replace("\r\n", "\n")
        )
        for name in ("organizers", "backers", "participant_agencies"):
            names = [self.agency_map[i].name for i in getattr(self, name).data or ()]
            out[name] = queries.display_value(name, names)
        if category is not None and category.code == "briefing":
            names = [self.measure_map[i].name for i in self.measures.data or ()]
            out["measures"] = queries.display_value("measures", names)
        return out


# --- status changes -------------------------------------------------------------------------


class _VersionedForm(FlaskForm):
    version = HiddenField()


def _change_reason_field():
    """変更理由 for a status change; the view requires it once the year has been submitted."""
    return TextAreaField(
        "変更理由",
        filters=[strip],
        validators=[
            Length(max=REASON_MAX, message=f"変更理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )


class HeldForm(_VersionedForm):
    participants = _participants_field("参加者数(人)")
    reason = _change_reason_field()


class PostponeForm(ScheduleMixin, _VersionedForm):
    start_date = _date_field("新しい開始日", Optional())
    start_time = _time_field("新しい開始時刻")
    end_date = _date_field("新しい終了日", Optional())
    end_time = _time_field("新しい終了時刻")
    reason = TextAreaField(
        "延期の理由",
        validators=[
            Length(max=REASON_MAX, message=f"理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        given = (self.start_time.data, self.end_date.data, self.end_time.data)
        if self.start_date.data is None and not self.start_date.errors and any(given):
            self.start_date.errors.append(
                "時刻や終了日を入れるときは、新しい開始日も入力してください。"
            )
        return not self.errors


class RescheduleForm(ScheduleMixin, _VersionedForm):
    start_date = _date_field("新しい開始日", InputRequired("新しい開始日を入力してください。"))
    start_time = _time_field("新しい開始時刻")
    end_date = _date_field("新しい終了日", Optional())
    end_time = _time_field("新しい終了時刻")
    reason = _change_reason_field()


class CancelForm(_VersionedForm):
    reason = TextAreaField(
        "中止の理由",
        filters=[strip],
        validators=[
            DataRequired("中止の理由を入力してください。"),
            Length(max=REASON_MAX, message=f"理由は{REASON_MAX:,}文字以内で入力してください。"),
            NoControlChars(multiline=True),
        ],
    )


# --- attendance -----------------------------------------------------------------------------


class AttendanceForm(_VersionedForm):
    """The head count; the per-agency rows are read by parse_attendance_rows()."""

    participants = _participants_field("参加者数(人)")


def parse_attendance_rows(formdata, agencies) -> tuple[dict, dict]:
    """Read attended-<id> / rsvp-<id> / persons-<id> for the listed agencies only (ids in the
    request that are not on the roster are ignored). Returns (values, errors) by agency id."""
    values, errors = {}, {}
    for agency in agencies:
        rsvp = formdata.get(f"rsvp-{agency.id}", "")
        persons = (formdata.get(f"persons-{agency.id}", "") or "").strip()
        attended = formdata.get(f"attended-{agency.id}") == "y"
        if rsvp not in ("", *RSVP_CHOICES):
            errors[agency.id] = "出欠は選択肢から選んでください。"
        elif has_control_chars(persons):
            errors[agency.id] = "使用できない制御文字が含まれています。"
        elif len(persons) > PERSONS_MAX:
            errors[agency.id] = f"出席者は{PERSONS_MAX}文字以内で入力してください。"
        values[agency.id] = {"rsvp": rsvp or None, "attended": attended, "persons": persons}
    return values, errors


class RsvpForm(FlaskForm):
    rsvp = RadioField(
        "出欠",
        choices=[SelectChoice(code, label) for code, label in RSVP_CHOICES.items()],
        validators=[InputRequired("出席・欠席・未定のいずれかを選んでください。")],
        invalid_choice_message="出席・欠席・未定のいずれかを選んでください。",
    )
    persons = StringField(
        "出席予定者(氏名・役職)",
        filters=[strip],
        validators=[
            Length(max=PERSONS_MAX, message=f"{PERSONS_MAX}文字以内で入力してください。"),
            NoControlChars(),
        ],
    )


# --- attachments ----------------------------------------------------------------------------


class AttachmentForm(FlaskForm):
    file = FileField("ファイル")
