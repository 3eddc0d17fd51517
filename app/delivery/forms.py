"""The forms of the delivery pages: an advisory's choice and the crisis lines."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from app.forms import WebForm


class AdvisoryForm(WebForm):
    """Continue now or later at a content advisory; ``back`` is the step's own page."""

    choice = HiddenField()
    back = HiddenField()


class CrisisLinesForm(WebForm):
    """The provider's crisis lines, one a line: country | service | how to reach it."""

    lines = TextAreaField(
        "Crisis lines",
        description=(
            "One line each: country | service | how to reach it, for example "
            "United Kingdom | Samaritans | Call 116 123. Leave empty to show only the advice "
            "to call local emergency services."
        ),
        validators=[Length(max=4000, message="Please keep the list under 4,000 characters.")],
        render_kw={"rows": 6, "spellcheck": "false"},
    )
