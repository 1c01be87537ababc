"""The notices settings form: one choice per kind of notice."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import ValidationError

from council.notices.kinds import MODES, allowed_modes, kinds_for


class ModeField(RadioField):
    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(
                "このお知らせは停止できません。「すぐに」か「まとめて」を選んでください。"
                if self.data == "off"
                else "受け取り方を選んでください。"
            )


def settings_form(role: str, current: dict[str, str], formdata=None) -> FlaskForm:
    """A form with one ModeField per kind this role receives."""

    class NoticeSettingsForm(FlaskForm):
        pass

    for kind in kinds_for(role):
        field = ModeField(
            kind.label,
            choices=[SelectChoice(mode, MODES[mode]) for mode in allowed_modes(kind.code)],
            default=current.get(kind.code),
        )
        setattr(NoticeSettingsForm, kind.code, field)
    return NoticeSettingsForm(formdata=formdata) if formdata is not None else NoticeSettingsForm()
