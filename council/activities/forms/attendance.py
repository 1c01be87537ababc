"""The attendance sheet (a secretariat's, one row per agency) and an agency's own RSVP."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length

from council.activities.forms.fields import VersionedForm, participants_field
from council.activities.rules import PERSONS_MAX, RSVP_CHOICES
from council.cleaning import has_control, strip
from council.formfields import NoControlChars


class AttendanceForm(VersionedForm):
    """The head count. The per-agency rows are read by parse_attendance_rows(); the view puts
    their errors in `row_errors`, which make the whole sheet invalid."""

    participants = participants_field("参加者数(人)")
    row_errors: dict = {}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        return not self.errors and not self.row_errors


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
        elif has_control(persons, multiline=False):
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
