"""The base class every form on the site uses."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import HiddenField


class WebForm(FlaskForm):
    """A Flask-WTF form (CSRF included) that takes uploaded files only for its file fields.

    Flask-WTF hands request.files to every field; a file posted under a text field's
    name would then reach that field's validators as a file object. Here a text field
    only ever sees text, so hostile multipart requests get a validation message.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Keep uploaded files only under the names of this form's file fields."""
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            names = {name for name, field in form._fields.items() if isinstance(field, FileField)}
            files = MultiDict(
                [(key, value) for key, value in request.files.items(multi=True) if key in names]
            )
            return CombinedMultiDict((files, request.form))


class ConfirmForm(WebForm):
    """The second step of a destructive action: the page that says what will be lost posts it.

    The first request (a GET, or a POST without ``confirm``) only shows that page, so a
    stray or forged click never destroys anything by itself.
    """

    confirm = HiddenField()

    def confirmed(self) -> bool:
        """Whether this POST came from the confirmation page (token valid, ``confirm=yes``)."""
        return self.validate_on_submit() and self.confirm.data == "yes"
