"""Forms of the careers pages. They validate input only; the views pass `cleaned_data` to one
service (careers.proposals) and turn its `ServiceError` into a form error
(`add_service_error`). Crispy renders the fields (`{% crispy form %}`, the `<form>` tag and
the CSRF token are the template's)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asn_portal.models import OrgUnit, Rank
from asn_portal.services import ServiceError
from careers import eligibility, periods
from careers.models import DocumentKind, PromotionKind

PAGE_SIZES = (25, 50, 100)
STATUS_CHOICES = (
    ("eligible", _("Eligible")),
    ("not_eligible", _("Not eligible")),
    ("all", _("Everyone")),
)


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodField(forms.CharField):
    """A promotion period (TMT) as YYYY-MM-DD: a real date that is a period date under the
    regime in force on it (careers.periods.check_period gives the message, with the next
    period)."""

    default_error_messages = {
        "invalid": _("Choose a promotion period, e.g. 2027-01-01."),
        "required": _("Choose a promotion period."),
    }

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        try:
            return periods.check_period(day)
        except ServiceError as error:
            raise ValidationError(error.message, code=error.code) from error


class CareersForm(forms.Form):
    """Crispy's helper without a `<form>` tag, and service errors placed on the field they name
    (`service_fields` maps a service's field name to this form's; others are non-field)."""

    service_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def add_service_error(self, error: ServiceError) -> None:
        name = self.service_fields.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


def document_choices(codes) -> list[tuple[str, str]]:
    return [(code, DocumentKind(code).label) for code in codes if code in DocumentKind.values]


# ---------------------------------------------------------------------------------------------
# Periods and filters
# ---------------------------------------------------------------------------------------------


class PeriodForm(CareersForm):
    """The period picker: the coming periods in a list; any real period date is accepted."""

    period = PeriodField(label=_("Promotion period (TMT)"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget = forms.Select(choices=choices)


class CandidateFilterForm(PeriodForm):
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=OrgUnit.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *[(k.value, k.label) for k in PromotionKind.decided_by_engine()]],
    )
    target_rank = forms.ModelChoiceField(
        label=_("Target rank"), queryset=Rank.objects.order_by("id"), required=False, to_field_name="code"
    )
    status = forms.ChoiceField(label=_("Eligibility"), required=False, choices=STATUS_CHOICES)
    failing = forms.ChoiceField(label=_("Not eligible only because of"), required=False)
    per_page = forms.TypedChoiceField(
        label=_("Per page"), required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES], empty_value=25
    )

    def __init__(self, *args, opds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opds is not None:
            self.fields["opd"].queryset = opds
        self.fields["target_rank"].label_from_instance = lambda rank: rank.code
        self.fields["failing"].choices = [
            ("", _("— any —")),
            *[(criterion.code, criterion.label) for criterion in eligibility.CRITERIA],
        ]


class SatyalancanaFilterForm(CareersForm):
    on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    opd = forms.ModelChoiceField(
        label=_("OPD"), queryset=OrgUnit.objects.filter(depth=1).order_by("name"), required=False
    )
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)


class ProposalFilterForm(CareersForm):
    period = PeriodField(label=_("Period (TMT)"), required=False, widget=DateInput())
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=OrgUnit.objects.none(), required=False)
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)

    def __init__(self, *args, opds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opds is not None:
            self.fields["opd"].queryset = opds


# ---------------------------------------------------------------------------------------------
# Proposing
# ---------------------------------------------------------------------------------------------


class IdsField(forms.TypedMultipleChoiceField):
    """Ticked row ids; the view keeps only those in the user's scope."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value):
        return str(value).isdigit()


class ProposeForm(CareersForm):
    """One employee: the documents at hand (the kind's checklist) and, for BKPP proposing
    someone not eligible, the written reason."""

    # The period travels in a hidden field: a refusal about it is shown above the form.
    service_fields = {"override_reason": "override_reason", "documents": "documents", "period": "__all__"}

    period = PeriodField(widget=forms.HiddenInput)
    documents = forms.MultipleChoiceField(
        label=_("Documents in the dossier"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what the OPD already holds. BKPP checks the full dossier before sending it to BKN."),
    )
    override_reason = forms.CharField(
        label=_("Why BKPP proposes although not eligible"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the proposal and shown at every step."),
    )

    def __init__(self, *args, documents=(), override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = document_choices(documents)
        if not override:
            del self.fields["override_reason"]
        else:
            self.fields["override_reason"].required = True
            self.fields["override_reason"].error_messages["required"] = _(
                "Write why BKPP proposes this employee although the criteria are not met."
            )


class BulkProposeForm(CareersForm):
    period = PeriodField()
    employees = IdsField(label=_("Employees"), error_messages={"required": _("Tick at least one eligible candidate.")})


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


class ApproveForm(CareersForm):
    note = forms.CharField(
        label=_("Note for BKPP"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(CareersForm):
    service_fields = {"reason": "reason", "state": "reason"}

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = _("Write the reason.")


class DocumentsForm(CareersForm):
    """The dossier checklist (verification by BKPP; the OPD's correction when resending)."""

    service_fields = {"documents": "documents"}

    documents = forms.MultipleChoiceField(
        label=_("Documents checked"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = document_choices(documents)


class SubmitForm(CareersForm):
    service_fields = {"bkn_reference": "bkn_reference"}

    bkn_reference = forms.CharField(
        label=_("BKN reference number"),
        max_length=100,
        help_text=_("The number SIASN gives the proposal."),
        error_messages={"required": _("Enter BKN's reference number.")},
    )


class DecreeForm(CareersForm):
    """The outcome: decree (or PERTEK) number, its date, the TMT (a period date) and the new
    rank (the proposed one unless BKN decided otherwise)."""

    service_fields = {
        "decree_number": "decree_number",
        "decree_on": "decree_on",
        "tmt_on": "tmt_on",
        "period": "tmt_on",
        "rank": "rank",
        "service_years": "service_years",
        "service_months": "service_months",
    }

    decree_number = forms.CharField(
        label=_("Decree / PERTEK number"),
        max_length=100,
        error_messages={"required": _("Enter the decree number.")},
    )
    decree_on = forms.DateField(
        label=_("Decree date"), widget=DateInput(), error_messages={"required": _("Enter the decree date.")}
    )
    tmt_on = forms.DateField(
        label=_("TMT"),
        widget=DateInput(),
        help_text=_("A promotion period date: the 1st of the month under the current rules."),
        error_messages={"required": _("Enter the TMT.")},
    )
    rank = forms.ModelChoiceField(label=_("New rank"), queryset=Rank.objects.none())
    service_years = forms.IntegerField(
        label=_("Masa kerja golongan on the decree, years"), min_value=0, max_value=60, initial=0, required=False
    )
    service_months = forms.IntegerField(
        label=_("Masa kerja golongan on the decree, months"), min_value=0, max_value=11, initial=0, required=False
    )

    def __init__(self, *args, from_rank_id: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rank"].queryset = Rank.objects.filter(pk__gt=from_rank_id).order_by("id")
        self.fields["rank"].label_from_instance = lambda rank: f"{rank.code} — {rank.name}"
