"""Forms of BKPP's training pages. They validate input only; the views pass the cleaned data
to one service (training.services) and turn its `ServiceError` into an error on the field it
names (`add_service_error`). The rules themselves (JP above zero, last day not before the
first, seats not below the confirmed) live in the services, so a page, the API and an import
refuse the same things with the same message.

Plain forms, not ModelForms: a ModelForm would also check the models' database constraints
and answer with their technical names ("Constraint session_ends_after_start is violated")."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asn_portal.models import EmploymentType, Jenjang, OrgUnit, PositionKind, Rank
from asn_portal.services import ServiceError
from training.models import (
    ConfirmationMode,
    Method,
    Organiser,
    Program,
    ProgramCategory,
    RegistrationState,
    SessionDay,
    SessionStatus,
)

BLANK = [("", "—")]


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to one service. `service_fields` maps the field names a
    `ServiceError` may name to this form's fields; others become non-field errors. Controls
    get Bootstrap's classes, and `is-invalid` once they have an error."""

    service_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_service_error(self, error: ServiceError) -> None:
        name = self.service_fields.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, ValidationError(error.message, code=error.code))
        self.mark_invalid()


# ---------------------------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------------------------


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=BLANK + ProgramCategory.choices)
    organiser = forms.ChoiceField(label=_("Organiser"), required=False, choices=BLANK + Organiser.choices)
    method = forms.ChoiceField(label=_("Method"), required=False, choices=BLANK + Method.choices)
    active = forms.ChoiceField(
        label=_("In the catalogue"),
        required=False,
        choices=[("", _("Active and retired")), ("1", _("Active")), ("0", _("Retired"))],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(Q(title__icontains=data["q"]) | Q(code__icontains=data["q"]))
        for name in ("category", "organiser", "method"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("active") in ("0", "1"):
            queryset = queryset.filter(is_active=data["active"] == "1")
        return queryset

    @property
    def extra_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for name in ("category", "organiser", "method", "active") if self.cleaned_data.get(name))


def _tags(text: str) -> list[str]:
    """Comma-separated competency tags: trimmed, spaces collapsed, duplicates dropped
    (case-insensitively), in the order typed."""
    seen: set[str] = set()
    tags = []
    for part in (text or "").split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


class ProgramForm(ServiceForm):
    service_fields = {"jp": "default_jp"}

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short and unique, e.g. PKP or BIMTEK-SKP; printed in the certificate number."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProgramCategory.choices)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    # No lower bound here: the service refuses zero and negative JP with its own message.
    default_jp = forms.IntegerField(label=_("JP (default for its sessions)"), help_text=_("1 JP = 45 minutes."))
    organiser = forms.ChoiceField(label=_("Organiser"), choices=Organiser.choices)
    organiser_name = forms.CharField(
        label=_("Organiser (name)"),
        max_length=160,
        required=False,
        help_text=_("When the organiser is “Other”: the institution's name."),
    )
    competencies = forms.CharField(
        label=_("Competencies it develops"),
        required=False,
        max_length=500,
        help_text=_("Tags separated by commas, e.g. manajemen kinerja, SKP, kepemimpinan."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    min_rank = forms.ModelChoiceField(
        label=_("Lowest golongan"), queryset=Rank.objects.order_by("id"), required=False, empty_label=_("Any")
    )
    max_rank = forms.ModelChoiceField(
        label=_("Highest golongan"), queryset=Rank.objects.order_by("id"), required=False, empty_label=_("Any")
    )
    position_kinds = forms.MultipleChoiceField(
        label=_("For position kinds"),
        choices=PositionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    jenjang = forms.MultipleChoiceField(
        label=_("For functional levels (jenjang)"),
        choices=Jenjang.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every level."),
    )
    employment_types = forms.MultipleChoiceField(
        label=_("For employment types"),
        choices=EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: PNS, CPNS and PPPK alike."),
    )
    prior_program = forms.ModelChoiceField(
        label=_("Requires first"), queryset=Program.objects.none(), required=False, empty_label=_("Nothing")
    )
    blocked_by_sanction = forms.BooleanField(
        label=_("Closed to employees under a moderate or severe sanction"),
        required=False,
        help_text=_("Always on for new leadership programmes."),
    )
    mandatory_for_position_kinds = forms.MultipleChoiceField(
        label=_("Mandatory for position kinds"),
        choices=PositionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_integrity_training = forms.BooleanField(
        label=_("Integrity / anti-corruption training"),
        required=False,
        help_text=_("Mandatory for holders of positions with corruption-prone duties."),
    )
    is_active = forms.BooleanField(label=_("Active in the catalogue"), required=False, initial=True)

    FIELDS = (
        "code",
        "title",
        "category",
        "method",
        "default_jp",
        "organiser",
        "organiser_name",
        "description",
        "min_rank",
        "max_rank",
        "position_kinds",
        "jenjang",
        "employment_types",
        "prior_program",
        "blocked_by_sanction",
        "mandatory_for_position_kinds",
        "is_integrity_training",
        "is_active",
    )

    def __init__(self, *args, program: Program | None = None, **kwargs):
        self.program = program
        if program is not None and not kwargs.get("data") and not args:
            initial = {name: getattr(program, name) for name in self.FIELDS}
            initial["min_rank"] = program.min_rank_id
            initial["max_rank"] = program.max_rank_id
            initial["prior_program"] = program.prior_program_id
            initial["competencies"] = ", ".join(program.competencies or [])
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        others = Program.objects.order_by("title", "id")
        if program is not None and program.pk:
            others = others.exclude(pk=program.pk)
        self.fields["prior_program"].queryset = others

    def clean_code(self):
        code = " ".join(self.cleaned_data["code"].split()).upper()
        taken = Program.objects.filter(code__iexact=code)
        if self.program is not None and self.program.pk:
            taken = taken.exclude(pk=self.program.pk)
        if taken.exists():
            raise ValidationError(_("Another programme already has the code %(code)s."), params={"code": code})
        return code

    def clean_competencies(self):
        return _tags(self.cleaned_data.get("competencies", ""))

    def apply_to(self, program: Program) -> Program:
        """Copy the cleaned data onto `program` (the service then checks and saves it)."""
        for name in self.FIELDS:
            setattr(program, name, self.cleaned_data[name])
        program.competencies = self.cleaned_data["competencies"]
        return program


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=BLANK + SessionStatus.choices)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "2026-12"}),
        help_text=_("Sessions running in that month."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=BLANK + ProgramCategory.choices)

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Choose a month as YYYY-MM."))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(Q(program__title__icontains=data["q"]) | Q(program__code__icontains=data["q"]))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("category"):
            queryset = queryset.filter(program__category=data["category"])
        if data.get("month"):
            first = data["month"]
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            queryset = queryset.filter(starts_on__lte=last, ends_on__gte=first)
        return queryset

    @property
    def extra_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for name in ("status", "month", "category") if self.cleaned_data.get(name))


class SessionForm(ServiceForm):
    """Create (with the programme and seats) or change a session. Seats are changed with
    `CapacityForm` once the session exists (services.change_capacity)."""

    program = forms.ModelChoiceField(label=_("Programme"), queryset=Program.objects.none())
    batch = forms.IntegerField(
        label=_("Batch (angkatan)"), required=False, min_value=1, help_text=_("Empty: the next number.")
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    jp = forms.IntegerField(label=_("JP"), required=False, help_text=_("Empty: the programme's default JP."))
    capacity = forms.IntegerField(label=_("Seats"))
    registration_opens_on = forms.DateField(label=_("Registration opens"), widget=DateInput())
    registration_closes_on = forms.DateField(label=_("Registration closes"), widget=DateInput())
    cancellation_deadline = forms.DateField(
        label=_("Cancellation deadline"),
        widget=DateInput(),
        required=False,
        help_text=_("Until this day employees may cancel themselves. Empty: the day registration closes."),
    )
    approval_required = forms.BooleanField(
        label=_("Needs the supervisor's approval"),
        required=False,
        initial=True,
        help_text=_(
            "Off for open events (e.g. e-learning, seminars): a registration goes straight to seat allocation."
        ),
    )
    confirmation_mode = forms.ChoiceField(
        label=_("Confirmation"), choices=ConfirmationMode.choices, initial=ConfirmationMode.AUTOMATIC
    )
    cost_per_participant = forms.DecimalField(
        label=_("Cost per participant (Rp)"), min_value=0, max_digits=14, decimal_places=0, required=False, initial=0
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    service_fields = {"session": None, "state": None}
    CHANGEABLE = (
        "starts_on",
        "ends_on",
        "place",
        "online_link",
        "jp",
        "registration_opens_on",
        "registration_closes_on",
        "cancellation_deadline",
        "approval_required",
        "confirmation_mode",
        "cost_per_participant",
        "notes",
    )

    def __init__(self, *args, session=None, **kwargs):
        self.session = session
        if session is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {name: getattr(session, name) for name in self.CHANGEABLE}
        super().__init__(*args, **kwargs)
        if session is None:
            self.fields["program"].queryset = Program.objects.active().order_by("title", "id")
        else:
            del self.fields["program"], self.fields["batch"], self.fields["capacity"]
            self.fields["jp"].required = True
            self.fields["jp"].help_text = ""

    def service_kwargs(self) -> dict:
        """The cleaned data as the keyword arguments of create_session / update_session."""
        data = dict(self.cleaned_data)
        if data.get("cost_per_participant") is None:
            data["cost_per_participant"] = 0
        if not data.get("cancellation_deadline"):
            data["cancellation_deadline"] = data.get("registration_closes_on")
        if self.session is None:
            if data.get("jp") is None:
                data.pop("jp")
            if not data.get("batch"):
                data.pop("batch", None)
            data.pop("program")
            return data
        return {name: data[name] for name in self.CHANGEABLE}


class CapacityForm(ServiceForm):
    capacity = forms.IntegerField(label=_("Seats"))


class QuotaForm(ServiceForm):
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=OrgUnit.objects.none(), empty_label=None)
    seats = forms.IntegerField(label=_("Seats"))
    release_on = forms.DateField(
        label=_("Released on"),
        widget=DateInput(),
        help_text=_("From this day unused seats return to the pool."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = OrgUnit.objects.opds().active()


# Which status a BKPP button may move a session to (services.set_session_status enforces it).
NEXT_STATUSES = {
    SessionStatus.DRAFT: (SessionStatus.OPEN, SessionStatus.CANCELLED),
    SessionStatus.OPEN: (SessionStatus.CLOSED, SessionStatus.RUNNING, SessionStatus.DRAFT, SessionStatus.CANCELLED),
    SessionStatus.CLOSED: (SessionStatus.OPEN, SessionStatus.RUNNING, SessionStatus.CANCELLED),
    SessionStatus.RUNNING: (SessionStatus.FINISHED,),
    SessionStatus.FINISHED: (),
    SessionStatus.CANCELLED: (),
}


class StatusForm(ServiceForm):
    status = forms.ChoiceField(label=_("New status"), choices=SessionStatus.choices)
    reason = forms.CharField(
        label=_("Reason (told to the participants when the session is cancelled)"),
        required=False,
        max_length=500,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == SessionStatus.CANCELLED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for cancelling the session; the participants are told."))
        return data


class SessionDayForm(ServiceForm):
    """One day of the schedule: hours and topic (the date itself is fixed; delete and add)."""

    starts_at = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())
    topic = forms.CharField(label=_("Topic"), required=False, max_length=200)
    delete = forms.BooleanField(label=_("Remove this day"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The day must end after it starts."))
        return data


class AddDayForm(ServiceForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, session, **kwargs):
        self.session = session
        super().__init__(*args, **kwargs)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not self.session.starts_on <= day <= self.session.ends_on:
            raise ValidationError(
                _("The day must lie within the session (%(first)s – %(last)s)."),
                params={"first": self.session.starts_on.isoformat(), "last": self.session.ends_on.isoformat()},
            )
        if SessionDay.objects.filter(session=self.session, date=day).exists():
            raise ValidationError(_("That day is already in the schedule."))
        return day


# ---------------------------------------------------------------------------------------------
# Participants, results, certificates
# ---------------------------------------------------------------------------------------------


class CancelForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The employee sees it with the cancellation."),
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=BLANK + RegistrationState.choices)
    opd = forms.ModelChoiceField(label=_("OPD"), required=False, queryset=OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = OrgUnit.objects.opds()


RESULT_PASSED, RESULT_FAILED, RESULT_NO_SHOW = "passed", "failed", "no_show"
RESULT_CHOICES = [
    ("", _("Not yet")),
    (RESULT_PASSED, _("Passed (lulus)")),
    (RESULT_FAILED, _("Not passed")),
    (RESULT_NO_SHOW, _("Did not attend")),
]
PASSED_OF = {RESULT_PASSED: True, RESULT_FAILED: False, RESULT_NO_SHOW: None}


class ResultsForm(ServiceForm):
    """One row of fields per confirmed participant: result-<pk>, score-<pk>, notes-<pk>."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for registration in self.registrations:
            pk = registration.pk
            name = registration.employee.full_name
            self.fields[f"result-{pk}"] = forms.ChoiceField(
                label=_("Result of %(name)s") % {"name": name}, choices=RESULT_CHOICES, required=False
            )
            self.fields[f"score-{pk}"] = forms.DecimalField(
                label=_("Score of %(name)s") % {"name": name},
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
            )
            self.fields[f"notes-{pk}"] = forms.CharField(
                label=_("Notes on %(name)s") % {"name": name}, required=False, max_length=500
            )
        # Fields added after ServiceForm's __init__ need its Bootstrap classes too.
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    def rows(self):
        for registration in self.registrations:
            pk = registration.pk
            yield registration, self[f"result-{pk}"], self[f"score-{pk}"], self[f"notes-{pk}"]

    def entries(self):
        """(registration, passed, score, notes) for every row with a result chosen."""
        for registration in self.registrations:
            pk = registration.pk
            choice = self.cleaned_data.get(f"result-{pk}")
            if choice:
                yield (
                    registration,
                    PASSED_OF[choice],
                    self.cleaned_data.get(f"score-{pk}"),
                    self.cleaned_data.get(f"notes-{pk}") or "",
                )

    def add_row_error(self, registration, error: ServiceError) -> None:
        name = f"score-{registration.pk}" if error.field == "score" else f"result-{registration.pk}"
        self.add_error(name, ValidationError(error.message, code=error.code))
        self.mark_invalid()


class RevokeForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the record; the public verification page shows only that it was revoked, and when."),
    )


# ---------------------------------------------------------------------------------------------
# Compliance
# ---------------------------------------------------------------------------------------------


class ComplianceForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    opd = forms.ModelChoiceField(label=_("OPD"), required=False, queryset=OrgUnit.objects.none())

    def __init__(self, *args, years: list[int], opds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["opd"].queryset = opds
        self.fields["year"].widget.attrs["class"] = "form-select"
        self.fields["opd"].widget.attrs["class"] = "form-select"
