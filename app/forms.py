"""The base class every form on the site uses."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict


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
