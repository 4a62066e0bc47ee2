"""Forms of the training pages for employees, supervisors and operators. They validate input
only; the views pass `cleaned_data` to one service and turn its `ServiceError` into a form
error (`add_service_error`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asn_portal.models import Employee
from asn_portal.nip import format_nip, normalize_digits
from asn_portal.services import ServiceError
from training.models import Organiser, ProgramCategory

RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeopleForm(forms.Form):
    """Bootstrap classes on every control, and service errors placed on the field they name
    (`service_fields` maps a service's field name to this form's; others are non-field)."""

    service_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def add_service_error(self, error: ServiceError) -> None:
        name = self.service_fields.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                css = self.fields[name].widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    self.fields[name].widget.attrs["class"] = f"{css} is-invalid".strip()

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or code"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *ProgramCategory.choices]
    )
    organiser = forms.ChoiceField(
        label=_("Organiser"), required=False, choices=[("", _("All organisers")), *Organiser.choices]
    )
    month = forms.CharField(
        label=_("Starting in"), required=False, widget=forms.TextInput(attrs={"type": "month"}), max_length=7
    )
    open = forms.BooleanField(label=_("Open for me"), required=False)

    def clean_month(self) -> dt.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(f"{value}-01")
        except ValueError as exc:
            raise ValidationError(_("Choose a month, e.g. 2026-12."), code="month") from exc


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


class RegisterForm(PeopleForm):
    motivation = forms.CharField(
        label=_("Why this training? (for your supervisor)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(PeopleForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(PeopleForm):
    service_fields = {"state": "reason"}
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class BulkDecisionForm(PeopleForm):
    """The approval inbox's checkboxes: approve or reject the checked registrations."""

    registrations = forms.TypedMultipleChoiceField(
        label=_("Registrations"),
        coerce=int,
        error_messages={"required": _("Tick at least one registration.")},
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason for the rejection"), required=False, max_length=500)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].choices = [(pk, str(pk)) for pk in choices]
        self.fields["registrations"].error_messages["invalid_choice"] = _(
            "Some ticked registrations no longer wait for your approval. Reload the page and try again."
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        return data


class NominateForm(PeopleForm):
    """An operator nominates an employee of their OPD, typed by NIP."""

    service_fields = {"employee": "nip", "session": "session"}
    nip = forms.CharField(
        label=_("Employee (NIP)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "19860926 201505 1 001"}
        ),
    )
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, empty_label=_("Choose a session"))
    motivation = forms.CharField(
        label=_("Note for the employee"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, employees=None, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employees = employees if employees is not None else Employee.objects.none()
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.program.title} — {_('batch')} {s.batch} ({s.starts_on:%d/%m/%Y})"
        )

    def clean_nip(self) -> Employee:
        nip = normalize_digits(self.cleaned_data["nip"])
        if not (nip.isascii() and nip.isdigit() and len(nip) == 18):
            raise ValidationError(_("Type the employee's NIP: 18 digits (spaces are fine)."), code="format")
        employee = self.employees.filter(nip=nip).select_related("opd").first()
        if employee is None:
            raise ValidationError(
                _("No employee of your OPD has NIP %(nip)s. You can nominate only employees of the OPD you manage."),
                code="not_in_opd",
                params={"nip": format_nip(nip)},
            )
        return employee


# ---------------------------------------------------------------------------------------------
# Outside learning
# ---------------------------------------------------------------------------------------------


class OutsideLearningForm(PeopleForm):
    service_fields = {"file": "certificate"}
    title = forms.CharField(label=_("Training title"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProgramCategory.choices)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    jp = forms.IntegerField(
        label=_("JP"),
        max_value=2000,
        help_text=_("As printed on the certificate (1 JP = 45 minutes)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF, JPEG or PNG)"),
        help_text=_("A scan or photo of the certificate; it is checked by its content."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class OutsideDecisionForm(PeopleForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify: the JP count")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        required=False,
        max_length=500,
        help_text=_("Needed when you reject: the employee reads it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# ---------------------------------------------------------------------------------------------
# Evaluation and follow-up
# ---------------------------------------------------------------------------------------------


def _rating(label):
    return forms.TypedChoiceField(
        label=label,
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )


class EvaluationForm(PeopleForm):
    content = _rating(_("Content of the training"))
    trainer = _rating(_("Trainers (widyaiswara / speakers)"))
    organisation = _rating(_("Organisation (schedule, venue, materials)"))
    usefulness = _rating(_("Usefulness for your work"))
    comment = forms.CharField(
        label=_("Comments and suggestions"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(PeopleForm):
    is_used = forms.TypedChoiceField(
        label=_("Does the employee use what the training taught at work?"),
        choices=[("yes", _("Yes, it is used at work")), ("no", _("No, not (yet) used"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Comment (e.g. how it is used)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
