"""The upload form of the spreadsheet imports: it checks the file only (size, type, header for
the chosen kind); the rows are checked by the import job. The view decides the kind (and
whether the user may use it) and hands it to the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from asn_portal import importing, uploads
from asn_portal.imports import ImportKind


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": gettext_lazy("Choose a .xlsx or .csv file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def __init__(self, *args, kind: ImportKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Size (before reading), extension and content: the one upload validator.
            uploads.check_spreadsheet(upload)
        except uploads.UploadRejected as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        try:
            self.kind.check(upload, upload.name)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        upload.seek(0)
        return upload

    @property
    def is_too_large(self) -> bool:
        return self.has_error("file", "too_large")
