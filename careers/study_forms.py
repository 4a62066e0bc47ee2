"""Forms and the list filter of the study-leave pages. They validate input only; the views pass
`cleaned_data` to one service of careers.study and turn its `ServiceError` into a form error
(`add_service_error`, careers.forms.CareersForm). The rules themselves (dates, funding, the
pre-check, the GPA range, file types) live in the services, so their messages are the only
ones: the forms do not repeat them."""

from __future__ import annotations

import django_filters
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from asn_portal.filters import search_employees
from asn_portal.models import EducationLevel, Employee, OrgUnit
from careers import study, study_selectors
from careers import study_rules as rules
from careers.forms import CareersForm, DateInput
from careers.models import (
    Accreditation,
    Funding,
    StudyDocumentKind,
    StudyKind,
    StudyLeave,
    TerminationReason,
)

PLAN_FIELDS = ("kind", "level", "accreditation", "starts_on", "ends_on")


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


class StudyForm(CareersForm):
    """The application (a new draft or a draft being corrected). The pre-check is computed
    from the plan fields (`plan()`) as they change."""

    service_fields = {name: name for name in (*PLAN_FIELDS, "program", "institution", "funding", "sponsor")}

    kind = forms.ChoiceField(
        label=_("Kind of study"),
        choices=StudyKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Tugas belajar: assigned and funded, you leave your daily duties. Izin belajar: self-funded, outside working hours."
        ),
        error_messages={"required": _("Choose tugas belajar or izin belajar.")},
    )
    level = LevelChoiceField(
        label=_("Education level"),
        queryset=EducationLevel.objects.none(),
        empty_label=_("— choose the level —"),
        error_messages={"required": _("Choose the level you will study for.")},
    )
    program = forms.CharField(
        label=_("Study programme"),
        max_length=200,
        error_messages={"required": _("Fill in the study programme.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Magister Kesehatan Masyarakat")}),
    )
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        error_messages={"required": _("Fill in the institution.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Universitas Diponegoro")}),
    )
    accreditation = forms.ChoiceField(
        label=_("Programme accreditation"),
        choices=[("", _("— choose —")), *Accreditation.choices],
        help_text=_("As on the BAN-PT or LAM certificate; at least B (Baik Sekali) is needed."),
        error_messages={"required": _("Choose the programme's accreditation.")},
    )
    country = forms.CharField(label=_("Country"), max_length=80, initial="Indonesia", required=False)
    starts_on = forms.DateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("Service, age and sanctions are judged on this date."),
        error_messages={"required": _("Enter the start date."), "invalid": _("Enter a valid date.")},
    )
    ends_on = forms.DateField(
        label=_("Planned end date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the planned end date."), "invalid": _("Enter a valid date.")},
    )
    funding = forms.ChoiceField(
        label=_("Funding"),
        choices=[("", _("— choose —")), *Funding.choices],
        error_messages={"required": _("Choose how the study is funded.")},
    )
    sponsor = forms.CharField(
        label=_("Sponsor or scholarship"),
        max_length=200,
        required=False,
        help_text=_("Needed when a sponsor or scholarship pays."),
    )
    relevance = forms.CharField(
        label=_("Relevance to your position"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the study supports your duties and your organisation's needs."),
        error_messages={"required": _("Explain how the study supports your position.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = study_selectors.study_levels()
        self.helper.layout = Layout(
            "kind",
            Row(Column("level", css_class="col-md-6"), Column("accreditation", css_class="col-md-6")),
            "program",
            Row(Column("institution", css_class="col-md-8"), Column("country", css_class="col-md-4")),
            Row(Column("starts_on", css_class="col-md-6"), Column("ends_on", css_class="col-md-6")),
            Row(Column("funding", css_class="col-md-6"), Column("sponsor", css_class="col-md-6")),
            "relevance",
        )

    @classmethod
    def initial_for(cls, leave: StudyLeave) -> dict:
        return {name: getattr(leave, name) for name in cls.base_fields if name != "level"} | {"level": leave.level_id}

    def application(self) -> study.ApplicationData:
        data = self.cleaned_data
        return study.ApplicationData(
            kind=data["kind"],
            level=data["level"],
            program=data["program"],
            institution=data["institution"],
            accreditation=data["accreditation"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            funding=data["funding"],
            relevance=data["relevance"],
            sponsor=data.get("sponsor") or "",
            country=data.get("country") or "Indonesia",
        )

    def plan(self) -> rules.Plan | None:
        """The plan the pre-check judges, once its five fields are filled in and valid (the
        other fields may still be empty); None before."""
        self.is_valid()
        if any(name in self.errors or self.cleaned_data.get(name) in (None, "") for name in PLAN_FIELDS):
            return None
        data = self.cleaned_data
        return rules.Plan(data["kind"], data["level"], data["accreditation"], data["starts_on"], data["ends_on"])

    def missing_plan_fields(self) -> list[str]:
        return [str(self.fields[name].label) for name in PLAN_FIELDS if self.cleaned_data.get(name) in (None, "")]


class DocumentForm(CareersForm):
    """One document of the dossier; a new file of a kind replaces the old one."""

    service_fields = {"file": "file", "kind": "kind"}

    kind = forms.ChoiceField(choices=StudyDocumentKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        error_messages={"required": _("Choose the file to upload."), "empty": _("The file is empty.")},
    )


class WithdrawForm(CareersForm):
    """The employee's withdrawal (the reason is optional), or BKPP's cancellation of an
    approved study before it starts (`cancel`: the service asks for the reason)."""

    service_fields = {"reason": "reason"}

    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cancel: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if cancel:
            self.fields["reason"].label = _("Why the approved study is cancelled")


class NoteForm(CareersForm):
    """A step with an optional note (the supervisor's recommendation, the operator's check)."""

    service_fields = {"note": "note", "state": "__all__", "documents": "__all__"}

    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label


# ---------------------------------------------------------------------------------------------
# BKPP's decision
# ---------------------------------------------------------------------------------------------


class StudyApproveForm(CareersForm):
    service_fields = {"decree_number": "decree_number", "decree_on": "decree_on"}

    decree_number = forms.CharField(
        label=_("Decree (SK) number"),
        max_length=100,
        error_messages={"required": _("Enter the decree (SK) number.")},
    )
    decree_on = forms.DateField(
        label=_("Decree date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the decree date."), "invalid": _("Enter a valid date.")},
    )


# ---------------------------------------------------------------------------------------------
# During the study
# ---------------------------------------------------------------------------------------------


class ReportForm(CareersForm):
    """A semester's progress report. The GPA is text so "3,45" works as well as "3.45"; the
    service reads it and says when it is not a number from 0 to 4."""

    service_fields = {"semester": "semester", "gpa": "gpa", "credits": "credits", "file": "transcript"}

    semester = forms.IntegerField(
        label=_("Semester"),
        min_value=1,
        max_value=20,
        error_messages={"required": _("Enter the semester."), "invalid": _("The semester is a whole number.")},
    )
    gpa = forms.CharField(
        label=_("GPA (IPK)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "3,50"}),
        error_messages={"required": _("Enter the GPA (IPK).")},
    )
    credits = forms.IntegerField(label=_("Credits (SKS) so far"), required=False, min_value=0, max_value=400)
    transcript = forms.FileField(
        label=_("Transcript (PDF, JPEG or PNG)"),
        error_messages={"required": _("Attach the transcript."), "empty": _("The file is empty.")},
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(CareersForm):
    service_fields = {"reason": "reason"}

    reason = forms.CharField(
        label=_("Why the study needs more time"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason.")},
    )


class ExtensionDecisionForm(CareersForm):
    service_fields = {"note": "note", "reason": "note"}

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the extension")), ("reject", _("Reject it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or reject.")},
    )
    note = forms.CharField(
        label=_("Note (needed when rejecting)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(CareersForm):
    service_fields = {"graduated_on": "graduated_on", "returned_on": "returned_on"}

    graduated_on = forms.DateField(
        label=_("Graduation date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the graduation date."), "invalid": _("Enter a valid date.")},
    )
    returned_on = forms.DateField(
        label=_("Back at work on"),
        widget=DateInput(),
        help_text=_("After a tugas belajar the service bond starts on this date."),
        error_messages={
            "required": _("Enter the date the employee is back at work."),
            "invalid": _("Enter a valid date."),
        },
    )
    diploma_number = forms.CharField(label=_("Diploma number"), max_length=100, required=False)


class TerminateForm(CareersForm):
    service_fields = {"reason_kind": "reason_kind", "reason": "reason", "on": "on"}

    reason_kind = forms.ChoiceField(
        label=_("Why the study ends"),
        choices=[("", _("— choose —")), *TerminationReason.choices],
        error_messages={"required": _("Choose why the study ends.")},
    )
    reason = forms.CharField(
        label=_("Details"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason.")},
    )
    on = forms.DateField(
        label=_("Ended on"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date the study ended."), "invalid": _("Enter a valid date.")},
    )


# ---------------------------------------------------------------------------------------------
# The list's filters
# ---------------------------------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class StudyFilter(django_filters.FilterSet):
    """The filters of the Operator OPD's and BKPP's list (the state is the page's tabs)."""

    q = django_filters.CharFilter(label=_("Name or NIP"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=StudyKind.choices, empty_label=_("All kinds"))
    level = django_filters.ModelChoiceFilter(
        label=_("Education level"), queryset=EducationLevel.objects.none(), empty_label=_("All levels")
    )
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=OrgUnit.objects.none(), empty_label=_("All OPDs"))
    bond = django_filters.ChoiceFilter(
        label=_("Service bond running"), choices=YES_NO, method="filter_bond", empty_label=_("Any")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Progress report overdue"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = StudyLeave
        fields = ["q", "kind", "level", "opd", "bond", "overdue"]

    def __init__(self, *args, opds=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["level"].queryset = study_selectors.study_levels()
        if opds is not None:
            self.filters["opd"].queryset = opds
        self.form.fields["level"].label_from_instance = lambda level: level.name

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(employee__in=search_employees(Employee.objects.all(), value))

    def filter_bond(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(study_selectors.bond_running_q(self.today))
        if value == "no":
            return queryset.exclude(study_selectors.bond_running_q(self.today))
        return queryset

    def filter_overdue(self, queryset, name, value):
        return study_selectors.overdue(queryset, self.today) if value else queryset
