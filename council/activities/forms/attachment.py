"""The upload form of an activity's attachments."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class AttachmentForm(FlaskForm):
    file = FileField("ファイル")
