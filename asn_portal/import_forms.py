"""The upload form of the employee import: it checks the file only (size, type, header);
the rows are checked by the import job."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import importing


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": gettext_lazy("Choose a .xlsx or .csv file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SIGAP_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s). The limit is %(limit)s: split it into smaller files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        extension = importing._extension(upload.name)
        if extension not in importing.ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("Only .xlsx and .csv files can be imported (this file is %(extension)s).")
                % {"extension": extension or _("without extension")},
                code="bad_extension",
            )
        try:
            importing.check_upload(upload, upload.name)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        upload.seek(0)
        return upload

    @property
    def is_too_large(self) -> bool:
        return self.has_error("file", "too_large")
