"""Forms of the question import: upload a file, then choose the quiz and confirm."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.forms import WebForm

FORMAT_CHOICES = [
    SelectChoice("", "Work it out from the file"),
    SelectChoice("gift", "GIFT (Moodle)"),
    SelectChoice("aiken", "Aiken"),
    SelectChoice("moodle-xml", "Moodle XML"),
    SelectChoice("qti", "QTI 3.0 item (.xml) or package (.zip)"),
]


class UploadForm(WebForm):
    """Upload a question file in one of the formats read."""

    file = FileField(
        "Question file",
        description="GIFT or Aiken (.txt, .gift), Moodle XML (.xml), QTI 3.0 (.xml or .zip).",
        validators=[
            FileRequired("Choose a question file."),
            FileAllowed(["txt", "gift", "xml", "zip"], "Upload a .txt, .gift, .xml or .zip file."),
        ],
    )
    format = SelectField("Format", choices=FORMAT_CHOICES, default="")


class ConfirmForm(WebForm):
    """Choose the quiz the previewed questions go into, and confirm."""

    target = SelectField("Add the questions to", validators=[DataRequired("Choose a quiz.")])
    payload = HiddenField()
