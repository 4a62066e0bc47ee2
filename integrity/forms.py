"""Integrity forms and register filters. Forms validate input only; the views pass the cleaned
data to one service and turn its `ServiceError` into a form error (`add_service_error`).

Employees are picked by typing their NIP (spaces allowed), never from a list of everyone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asn_portal import permissions as core_permissions
from asn_portal.models import Employee, OrgUnit
from asn_portal.nip import format_nip, normalize_digits
from asn_portal.services import ServiceError
from integrity import permissions
from integrity.models import (
    CaseCategory,
    CaseSource,
    CaseStatus,
    DrugTestFollowUp,
    DrugTestOutcome,
    FilingChannel,
    FilingKind,
    FilingStatus,
    GratificationDecision,
    GratificationStatus,
    PactOccasion,
    Sanction,
    SanctionLevel,
    SanctionState,
    SanctionType,
)
from integrity.services import CASE_STEPS, GRATIFICATION_STEPS

# ---------------------------------------------------------------------------------------------
# Widgets and fields
# ---------------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EmployeeNipField(forms.CharField):
    """An employee chosen by NIP, typed with or without the spaces of the decree form
    ("19860926 201505 1 001"). Cleans to the Employee; an unknown NIP and one the user may
    not see get the same message."""

    default_error_messages = {
        "format": _("Type the employee's NIP: 18 digits (spaces are fine)."),
        "unknown": _("No employee has NIP %(nip)s. Check the digits."),
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Employee (NIP)"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "19860926 201505 1 001"}
            ),
        )
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Employee.objects.all()

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        nip = normalize_digits(value)
        if not (nip.isascii() and nip.isdigit() and len(nip) == 18):
            raise ValidationError(self.error_messages["format"], code="format")
        employee = self.queryset.select_related("opd", "unit", "position").filter(nip=nip).first()
        if employee is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"nip": format_nip(nip)})
        return employee


_RUPIAH = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:([.,\s])\d{3})?(?:\2\d{3})*|\d+)(?:,-|,00)?$", re.IGNORECASE)


class RupiahField(forms.CharField):
    """A whole amount of rupiah as people write it: 1500000, 1.500.000, Rp 1.500.000,-"""

    default_error_messages = {
        "invalid": _("Type the amount in rupiah, e.g. 1.500.000 (whole rupiah, no cents)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        match = _RUPIAH.match(value.strip())
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(re.sub(r"\D", "", match.group(1)))


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to one service. `service_fields` maps the field names a
    `ServiceError` may name to this form's fields; unknown names become non-field errors.
    Controls get Bootstrap's classes, and `is-invalid` once they have an error."""

    service_fields: dict[str, str] = {}
    # Date fields that cannot lie after `today` (steps the services date as given).
    not_future: tuple[str, ...] = ()

    def __init__(self, *args, user=None, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css
            if isinstance(field, EmployeeNipField) and user is not None:
                field.queryset = core_permissions.employees_visible_to(user)
                if permissions.can_manage_integrity(user):
                    # Show whose NIP it is while the Inspektorat types (htmx; the form works without).
                    widget.attrs.update(
                        {
                            "hx-get": reverse("integrity:employee-lookup"),
                            "hx-trigger": "input changed delay:400ms, load",
                            "hx-target": f"#{self[name].auto_id}_preview",
                            "hx-swap": "innerHTML",
                        }
                    )

    def clean(self):
        cleaned = super().clean()
        for name in self.not_future:
            value = cleaned.get(name)
            if self.today is not None and value is not None and value > self.today:
                self.add_error(
                    name, _("The date cannot be in the future (%(date)s).") % {"date": value.strftime("%d-%m-%Y")}
                )
        return cleaned

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_service_error(self, error: ServiceError) -> None:
        name = self.service_fields.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)
        self._mark_invalid()

    def _mark_invalid(self):
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def _choices_with_blank(choices, blank=""):
    return [("", blank), *choices]


# ---------------------------------------------------------------------------------------------
# Sanctions
# ---------------------------------------------------------------------------------------------


class SanctionForm(ServiceForm):
    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    type = forms.ChoiceField(label=_("Sanction"))
    decree_number = forms.CharField(label=_("Decree (SK) number"), max_length=120)
    decree_on = forms.DateField(label=_("Decree date"), widget=DateInput)
    issued_by = forms.CharField(
        label=_("Issuing official"), max_length=160, help_text=_("e.g. Wali Kota Semarang, or the Sekretaris Daerah")
    )
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("First day no longer in force"),
        widget=DateInput,
        required=False,
        help_text=_(
            "Leave empty: SIGAP computes it from the sanction (PP 94/2021). Fill it in only when the decree says otherwise."
        ),
    )
    violation = forms.CharField(
        label=_("Violation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen only by the Inspektorat and the employee concerned."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = list(SanctionType.objects.order_by("order"))
        self._types = {str(t.pk): t for t in types}
        grouped = []
        for level, label in SanctionLevel.choices:
            options = [(str(t.pk), t.name) for t in types if t.level == level]
            if options:
                grouped.append((label, options))
        self.fields["type"].choices = _choices_with_blank(grouped, _("Choose the sanction"))

    def clean_type(self):
        return self._types[self.cleaned_data["type"]]


class AnnulSanctionForm(ServiceForm):
    service_fields = {"annulment_decree_on": "decree_on", "annulment_decree_number": "decree_number"}

    decree_number = forms.CharField(label=_("Annulment decree number"), max_length=120)
    decree_on = forms.DateField(label=_("Annulment decree date"), widget=DateInput)


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


class CaseForm(ServiceForm):
    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    category = forms.ChoiceField(label=_("Category"), choices=_choices_with_blank(CaseCategory.choices))
    source = forms.ChoiceField(label=_("Source"), choices=_choices_with_blank(CaseSource.choices))
    alleged_level = forms.ChoiceField(
        label=_("Alleged level"),
        required=False,
        choices=_choices_with_blank(SanctionLevel.choices, _("Not known yet")),
        help_text=_("A moderate or severe allegation puts the employee under examination while the case is open."),
    )
    opened_on = forms.DateField(label=_("Received on"), widget=DateInput)
    summary = forms.CharField(label=_("Complaint or finding"), widget=forms.Textarea(attrs={"rows": 4}))


class CaseAdvanceForm(ServiceForm):
    status = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date of this step"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    alleged_level = forms.ChoiceField(
        label=_("Alleged level"),
        required=False,
        choices=[("", _("Unchanged")), *SanctionLevel.choices],
    )
    sanction = forms.ChoiceField(
        label=_("Resulting sanction"),
        required=False,
        help_text=_("Record the sanction first; it then appears here."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, CaseStatus(s).label) for s in CASE_STEPS[CaseStatus(case.status)]]
        sanctions = list(
            Sanction.objects.filter(employee_id=case.employee_id)
            .filter(Q(case__isnull=True) | Q(case=case))
            .select_related("type")
            .order_by("-starts_on", "-id")
        )
        self._sanctions = {str(s.pk): s for s in sanctions}
        self.fields["sanction"].choices = [("", _("None"))] + [
            (str(s.pk), f"{s.type.name} — {s.decree_number} ({s.starts_on:%d-%m-%Y})") for s in sanctions
        ]

    def clean_alleged_level(self):
        return self.cleaned_data["alleged_level"] or None

    def clean_sanction(self):
        value = self.cleaned_data["sanction"]
        return self._sanctions.get(value) if value else None


class EvidenceForm(ServiceForm):
    service_fields = {"file": "file"}

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG. The content is checked, not the file name."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


# ---------------------------------------------------------------------------------------------
# Drug tests
# ---------------------------------------------------------------------------------------------


class DrugTestEventForm(ServiceForm):
    held_on = forms.DateField(label=_("Test date"), widget=DateInput)
    organiser = forms.CharField(label=_("Organiser"), max_length=160, help_text=_("e.g. BNNK Kota Semarang"))
    units = forms.ModelMultipleChoiceField(
        label=_("OPDs covered"),
        queryset=OrgUnit.objects.filter(depth=1).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DrugTestResultForm(ServiceForm):
    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    outcome = forms.ChoiceField(label=_("Result"), choices=DrugTestOutcome.choices, widget=forms.RadioSelect)
    follow_up = forms.ChoiceField(
        label=_("Follow-up"), required=False, choices=_choices_with_blank(DrugTestFollowUp.choices, _("None"))
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------------------------------------
# Wealth reports (LHKPN / LHKASN)
# ---------------------------------------------------------------------------------------------


def _year_field(label, **kwargs):
    return forms.IntegerField(label=label, min_value=1990, max_value=2999, **kwargs)


class FilingForm(ServiceForm):
    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    year = _year_field(_("Reporting year"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_choices_with_blank(FilingKind.choices, _("From the position (automatic)")),
    )


class SubmissionForm(ServiceForm):
    """Record a submission: for a filing shown on its page (no NIP and year) or by NIP."""

    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    year = _year_field(_("Reporting year"))
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_choices_with_blank(FilingChannel.choices, _("From the kind (automatic)")),
    )

    def __init__(self, *args, filing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filing = filing
        if filing is not None:
            del self.fields["nip"]
            del self.fields["year"]


class VerifyFilingForm(ServiceForm):
    not_future = ("on",)

    on = forms.DateField(label=_("Verified on"), widget=DateInput)


class OpenYearForm(ServiceForm):
    year = _year_field(
        _("Reporting year"),
        help_text=_(
            "Creates the filing of that year for every employee in service, LHKPN or LHKASN as the position requires. "
            "Existing filings are kept."
        ),
    )


class DesignationForm(ServiceForm):
    service_fields = {"employee": "nip"}

    nip = EmployeeNipField()
    must_file = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("1", _("Must file LHKPN (added by the PPK)")),
            ("0", _("Files LHKASN instead of LHKPN (removed by the PPK)")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decree_number = forms.CharField(label=_("Decree number"), max_length=120)
    decree_on = forms.DateField(label=_("Decree date"), widget=DateInput)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)


# ---------------------------------------------------------------------------------------------
# Gratification
# ---------------------------------------------------------------------------------------------


class GratificationForm(ServiceForm):
    """A gift report. On "Integritas saya" the employee is the signed-in user and the report
    date is today; the Inspektorat recording a report made on paper also gives NIP and date."""

    nip = EmployeeNipField()
    received_on = forms.DateField(label=_("Date received"), widget=DateInput)
    giver = forms.CharField(
        label=_("Giver"), max_length=200, help_text=_("Name and, where there is one, the giver's organisation.")
    )
    description = forms.CharField(label=_("What was given"), widget=forms.Textarea(attrs={"rows": 3}))
    estimated_value = RupiahField(label=_("Estimated value (Rp)"))
    relation_to_duty = forms.CharField(
        label=_("Relation to your duties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the giver may have given it: a service, a permit, a procurement, an event …"),
    )
    reported_on = forms.DateField(label=_("Reported to the UPG on"), widget=DateInput)

    service_fields = {"employee": "nip"}

    def __init__(self, *args, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = own
        if own:
            del self.fields["nip"]
            del self.fields["reported_on"]
        else:
            self.fields["relation_to_duty"].label = _("Relation to the employee's duties")


class ProcessGratificationForm(ServiceForm):
    status = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date of this step"), widget=DateInput)
    kpk_reference = forms.CharField(
        label=_("KPK reference"), max_length=120, required=False, help_text=_("When forwarding to the KPK.")
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=_choices_with_blank(GratificationDecision.choices, _("Not decided yet")),
        help_text=_("When recording the decision."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s, GratificationStatus(s).label) for s in GRATIFICATION_STEPS[GratificationStatus(report.status)]
        ]


# ---------------------------------------------------------------------------------------------
# Pacts
# ---------------------------------------------------------------------------------------------


class PactForm(ServiceForm):
    service_fields = {"employee": "nip", "file": "document"}

    nip = EmployeeNipField()
    occasion = forms.ChoiceField(label=_("Occasion"), choices=_choices_with_blank(PactOccasion.choices))
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)
    document = forms.FileField(
        label=_("Signed document"),
        help_text=_("The scanned pact: PDF, JPEG or PNG. The content is checked, not the file name."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


# ---------------------------------------------------------------------------------------------
# Register filters (one per tab). Every list searches by name or NIP and filters by OPD and
# year; the rest as each kind has them.
# ---------------------------------------------------------------------------------------------


def _recent_years(on: dt.date | None = None, count: int = 10):
    year = (on or dt.date.today()).year
    return [(str(y), str(y)) for y in range(year, year - count, -1)]


def search_by_employee(queryset, value: str, prefix: str = "employee__"):
    """Name or NIP of the record's employee: digits (spaces allowed) search the NIP by prefix,
    words the name."""
    value = (value or "").strip()
    if not value:
        return queryset
    digits = normalize_digits(value)
    if digits.isdigit():
        return queryset.filter(**{f"{prefix}nip__startswith": digits})
    condition = Q()
    for word in value.split()[:5]:
        condition &= Q(**{f"{prefix}name__icontains": word})
    return queryset.filter(condition)


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or NIP"), method="filter_q")
    opd = django_filters.ModelChoiceFilter(
        label=_("OPD"), queryset=OrgUnit.objects.filter(depth=1).order_by("name"), field_name="employee__opd"
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_recent_years, method="filter_year")

    year_field = ""
    # How many filters beyond the search box are set: the phone layout folds them away.
    extra_names: tuple[str, ...] = ()

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or dt.date.today()
        self.filters["year"].extra["choices"] = _recent_years(self.today)

    def filter_q(self, queryset, name, value):
        return search_by_employee(queryset, value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.year_field}__year": int(value)}) if value else queryset

    @property
    def extra_count(self) -> int:
        data = self.data or {}
        return sum(1 for name in ("opd", "year", *self.extra_names) if data.get(name))


class SanctionFilter(RegisterFilter):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=SanctionLevel.choices, field_name="type__level")
    state = django_filters.ChoiceFilter(label=_("Status"), choices=SanctionState.choices, method="filter_state")

    year_field = "starts_on"
    extra_names = ("level", "state")

    def filter_state(self, queryset, name, value):
        on = self.today
        live = queryset.filter(is_annulled=False)
        if value == SanctionState.DIBATALKAN:
            return queryset.filter(is_annulled=True)
        if value == SanctionState.AKAN_BERLAKU:
            return live.filter(starts_on__gt=on)
        if value == SanctionState.BERLAKU:
            return queryset.in_force_on(on)
        if value == SanctionState.SELESAI:
            return live.filter(starts_on__lte=on, ends_on__isnull=False, ends_on__lte=on)
        return queryset


class CaseFilter(RegisterFilter):
    level = django_filters.ChoiceFilter(
        label=_("Alleged level"), choices=SanctionLevel.choices, field_name="alleged_level"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=CaseCategory.choices)

    year_field = "opened_on"
    extra_names = ("level", "status", "category")


class FilingFilter(RegisterFilter):
    opd = django_filters.ModelChoiceFilter(
        label=_("OPD"), queryset=OrgUnit.objects.filter(depth=1).order_by("name"), field_name="opd"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FilingKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FilingStatus.choices, method="filter_status")

    extra_names = ("kind", "status")

    def filter_year(self, queryset, name, value):
        return queryset.filter(year=int(value)) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(self.today).filter(status_on=value) if value else queryset


class GratificationFilter(RegisterFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GratificationStatus.choices)
    late = django_filters.ChoiceFilter(
        label=_("Reported"),
        choices=[("1", _("Late")), ("0", _("On time"))],
        method="filter_late",
    )

    year_field = "received_on"
    extra_names = ("status", "late")

    def filter_late(self, queryset, name, value):
        if value == "1":
            return queryset.filter(reported_on__gt=F("due_on"))
        if value == "0":
            return queryset.filter(reported_on__lte=F("due_on"))
        return queryset


class DrugTestFilter(RegisterFilter):
    q = django_filters.CharFilter(label=_("Organiser"), method="filter_q")
    opd = django_filters.ModelChoiceFilter(
        label=_("OPD covered"), queryset=OrgUnit.objects.filter(depth=1).order_by("name"), field_name="units"
    )

    year_field = "held_on"

    def filter_q(self, queryset, name, value):
        return queryset.filter(organiser__icontains=value.strip()) if value and value.strip() else queryset


class PactFilter(RegisterFilter):
    occasion = django_filters.ChoiceFilter(label=_("Occasion"), choices=PactOccasion.choices)

    year_field = "signed_on"
    extra_names = ("occasion",)


class ComplianceForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_choices_with_blank(FilingKind.choices))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select"
        self.fields["kind"].widget.attrs["class"] = "form-select"
