"""The activity form: create, edit and duplicate."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from council import fiscal
from council.activities import queries
from council.activities.forms.fields import (
    MultiCheckboxField,
    ScheduleMixin,
    agency_field,
    participants_field,
)
from council.activities.models import (
    COUNCIL_KINDS,
    HQ_KINDS,
    NATIONAL,
    NATIONAL_LABEL,
    VISIBILITIES,
)
from council.activities.rules import (
    CITY_MAX,
    DESCRIPTION_MAX,
    PT_FIRST_FY,
    REASON_MAX,
    TITLE_MAX,
    VENUE_MAX,
)
from council.cleaning import strip
from council.extensions import utc_now
from council.formfields import NoControlChars

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
    participants = participants_field()
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
    organizers = agency_field("共催機関")
    backers = agency_field("後援")
    participant_agencies = agency_field("参加機関")
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
            self._offer_blocks(blocks, fixed_block_id, everything=block_choices == "all")
            self._offer_host_place(blocks, prefectures)
        else:
            del self.block
            # Only those who may log national events see their host place.
            del self.host_prefecture
            del self.host_city
            del self.region_block
        if choose_category:
            self.category.choices = [SelectChoice("", "(選択してください)")] + [
                SelectChoice(c.code, c.name) for c in categories
            ]
        else:
            del self.category
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

    def _offer_blocks(self, blocks, fixed_block_id: int | None, *, everything: bool) -> None:
        """hq chooses between its meetings and its national events; the admin any block."""
        self.block.choices = [
            SelectChoice("", "本府省会議(WG・PT・TF)"),
            SelectChoice(NATIONAL, f"{NATIONAL_LABEL}(本府省主催の行事)"),
        ] + ([SelectChoice(str(b.id), b.name) for b in blocks] if everything else [])
        if self.block.raw_data == []:
            # A submission without the field keeps the block the view settled on.
            self.block.data = str(fixed_block_id or "")

    def _offer_host_place(self, blocks, prefectures) -> None:
        """The host place of a national event: a prefecture, a city, a region block."""
        self.host_prefecture.choices = [SelectChoice("", "(なし)")] + [
            SelectChoice(str(p.id), p.name) for p in prefectures
        ]
        self.region_block.choices = [SelectChoice("", "(なし)")] + [
            SelectChoice(str(b.id), b.name) for b in blocks
        ]

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
