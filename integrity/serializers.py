"""Serializers of the integrity API (v1). Adapters only: reads shape the records, writes
validate the input's shape and the views hand it to `integrity.services`, which own every
rule.

Need to know is built into the shapes, not left to each view (integrity/permissions.py):

- Every record has one serializer per audience. `…OfficerSerializer` is the Inspektorat's
  and carries the restricted fields (violation, summary, estimated value, drug outcomes,
  handling notes). `…OwnSerializer` is the employee's view of their *own* record (their
  own sanction's violation and their own gift's value, nothing the Inspektorat keeps for
  itself). Nobody else gets a record serializer at all: Admin BKPP reads standing and
  compliance counts, which have their own shapes with no restricted field.
- Each audience serializer checks its audience while rendering (`ForOfficers`,
  `ForTheEmployee`): an officer serializer refuses to render for anyone but an integrity
  officer, an own serializer refuses a record of another employee. A wrong queryset or a
  wrong serializer choice therefore fails loudly (`AudienceError`, a 500) instead of
  leaking. Each also says whose shape it is in `audience` ("officer" or "employee"), the
  discriminator of the record's schema.

Choice fields are declared explicitly with their own schema component names (`SanctionLevel`,
`CaseStatus`, …): several records share field names such as `status` and `kind` with
different choices, and drf-spectacular would otherwise have to guess enum names. An unset
optional choice ("" in the database) is `null` in the API.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asn_portal import permissions as core_permissions
from asn_portal.models import Employee, OrgUnit, Position
from asn_portal.serializers import UnitRefSerializer, VisibleEmployeeByNipField
from integrity import permissions
from integrity.models import (
    CaseCategory,
    CaseEvent,
    CaseEvidence,
    CaseSource,
    CaseStatus,
    DrugTestEvent,
    DrugTestFollowUp,
    DrugTestOutcome,
    DrugTestResult,
    FilingChannel,
    FilingKind,
    FilingStatus,
    GratificationDecision,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    PactOccasion,
    Sanction,
    SanctionLevel,
    SanctionState,
    SanctionType,
    WealthReport,
)

# --- Choice fields with named schema components -------------------------------------------------


def _enum_field(choices, component_name: str) -> type[serializers.ChoiceField]:
    """A ChoiceField class over `choices` (a TextChoices class or (value, label) pairs) whose
    schema is the component `component_name`. With `allow_null=True` an unset value ("" in
    the database) reads as null, and null or "" in the input mean "unset"."""
    pairs = list(getattr(choices, "choices", choices))
    schema = {
        "type": "string",
        "enum": [value for value, _label in pairs],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in pairs),
    }

    @extend_schema_field(schema, component_name=component_name)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            kwargs.setdefault("choices", pairs)
            if kwargs.get("allow_null"):
                kwargs.setdefault("allow_blank", True)
            super().__init__(**kwargs)

        def to_representation(self, value):
            if value in ("", None):
                return None if self.allow_null else value
            return super().to_representation(value)

    EnumField.__name__ = EnumField.__qualname__ = f"{component_name}Field"
    return EnumField


SanctionLevelField = _enum_field(SanctionLevel, "SanctionLevel")
SanctionStateField = _enum_field(SanctionState, "SanctionState")
CaseCategoryField = _enum_field(CaseCategory, "CaseCategory")
CaseSourceField = _enum_field(CaseSource, "CaseSource")
CaseStatusField = _enum_field(CaseStatus, "CaseStatus")
FilingKindField = _enum_field(FilingKind, "FilingKind")
FilingChannelField = _enum_field(FilingChannel, "FilingChannel")
FilingStatusField = _enum_field(FilingStatus, "FilingStatus")
GratificationStatusField = _enum_field(GratificationStatus, "GratificationStatus")
GratificationDecisionField = _enum_field(GratificationDecision, "GratificationDecision")
DrugTestOutcomeField = _enum_field(DrugTestOutcome, "DrugTestOutcome")
DrugTestFollowUpField = _enum_field(DrugTestFollowUp, "DrugTestFollowUp")
PactOccasionField = _enum_field(PactOccasion, "PactOccasion")


def unset_to_blank(value):
    """Optional choice and text inputs: null means "not set", stored as ""."""
    return "" if value is None else value


# --- Audience guards ----------------------------------------------------------------------------


class AudienceError(RuntimeError):
    """A serializer was asked to render a record for someone outside its audience: a bug in
    the caller, refused rather than leaked."""


def _request_user(serializer):
    request = serializer.context.get("request")
    if request is None:
        raise AudienceError(f"{type(serializer).__name__} needs the request in its context.")
    return request.user


OFFICER, EMPLOYEE = "officer", "employee"
OfficerAudienceField = _enum_field([(OFFICER, "Inspektorat")], "OfficerAudience")
EmployeeAudienceField = _enum_field([(EMPLOYEE, "The employee concerned")], "EmployeeAudience")


class ForOfficers(serializers.Serializer):
    """Renders only for an integrity officer (Inspektorat, superuser); says so in `audience`."""

    audience = serializers.SerializerMethodField()

    @extend_schema_field(OfficerAudienceField)
    def get_audience(self, instance) -> str:
        return OFFICER

    def to_representation(self, instance):
        if not permissions.is_integrity_officer(_request_user(self)):
            raise AudienceError(f"{type(self).__name__} renders for integrity officers only.")
        return super().to_representation(instance)


class ForTheEmployee(serializers.Serializer):
    """Renders only the signed-in employee's own records; says so in `audience`."""

    audience = serializers.SerializerMethodField()

    @extend_schema_field(EmployeeAudienceField)
    def get_audience(self, instance) -> str:
        return EMPLOYEE

    def to_representation(self, instance):
        employee_id = core_permissions.actor_for(_request_user(self)).employee_id
        if employee_id is None or instance.employee_id != employee_id:
            raise AudienceError(f"{type(self).__name__} renders the caller's own records only.")
        return super().to_representation(instance)


# --- Small nested representations -------------------------------------------------------------


class IntegrityEmployeeRefSerializer(serializers.ModelSerializer):
    """The employee a record is about. Needs `employee__opd` selected with the record."""

    full_name = serializers.CharField(read_only=True)
    opd = UnitRefSerializer(read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "nip", "full_name", "opd"]
        read_only_fields = fields


class SanctionTypeRefSerializer(serializers.ModelSerializer):
    level = SanctionLevelField(read_only=True)

    class Meta:
        model = SanctionType
        fields = ["code", "name", "level", "duration_months", "is_dismissal"]
        read_only_fields = fields


class IntegrityPositionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name"]
        read_only_fields = fields


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- Sanctions ----------------------------------------------------------------------------------


class _SanctionBase(serializers.ModelSerializer):
    """Needs `employee__opd` and `type` selected, and `today` in the context."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    type = SanctionTypeRefSerializer(read_only=True)
    last_day_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("The last day in force; null for a one-off or a dismissal.")
    )
    state = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "audience",
            "id",
            "employee",
            "type",
            "decree_number",
            "decree_on",
            "issued_by",
            "starts_on",
            "ends_on",
            "last_day_on",
            "state",
            "violation",
            "is_annulled",
            "annulment_decree_number",
            "annulment_decree_on",
        ]
        read_only_fields = fields

    @extend_schema_field(SanctionStateField)
    def get_state(self, sanction: Sanction) -> str:
        return sanction.state_on(self.context["today"])


class SanctionOwnSerializer(ForTheEmployee, _SanctionBase):
    """An employee's own sanction, as their decree tells it."""


class SanctionOfficerSerializer(ForOfficers, _SanctionBase):
    """Needs `recorded_by` selected too."""

    recorded_by = serializers.SerializerMethodField()

    class Meta(_SanctionBase.Meta):
        fields = [*_SanctionBase.Meta.fields, "recorded_by", "created_at", "updated_at"]
        read_only_fields = fields

    def get_recorded_by(self, sanction: Sanction) -> str | None:
        return _username(sanction.recorded_by)


class SanctionCreateSerializer(serializers.Serializer):
    employee_nip = VisibleEmployeeByNipField(
        source="employee", help_text=_("NIP of the sanctioned employee; spaces between the groups are allowed.")
    )
    type_code = serializers.SlugRelatedField(
        source="type",
        slug_field="code",
        queryset=SanctionType.objects.all(),
        help_text=_('Code of the sanction type, e.g. "potong_tukin_25_6_bulan".'),
    )
    decree_number = serializers.CharField(max_length=120)
    decree_on = serializers.DateField()
    issued_by = serializers.CharField(max_length=160)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Exclusive end when the decree sets one; otherwise it follows from the type."),
    )
    violation = serializers.CharField(max_length=10000)


class SanctionAnnulSerializer(serializers.Serializer):
    annulment_decree_number = serializers.CharField(max_length=120)
    annulment_decree_on = serializers.DateField()


# --- Cases --------------------------------------------------------------------------------------


class CaseEventSerializer(serializers.ModelSerializer):
    status = CaseStatusField(read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["status", "note", "by", "at"]
        read_only_fields = fields

    def get_by(self, event: CaseEvent) -> str | None:
        return _username(event.by)


class CaseEvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvidence
        fields = ["id", "original_name", "content_type", "size", "description", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, evidence: CaseEvidence) -> str:
        return reverse("api-integrity-case-evidence-file", args=[evidence.case_id, evidence.pk])


class CaseOfficerSerializer(ForOfficers, serializers.ModelSerializer):
    """Cases are the Inspektorat's alone. Needs `employee__opd` and `created_by` selected and
    `events` (with `by`) and `evidence` prefetched."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    category = CaseCategoryField(read_only=True)
    source = CaseSourceField(read_only=True)
    alleged_level = SanctionLevelField(read_only=True, allow_null=True)
    status = CaseStatusField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    sanction_id = serializers.IntegerField(read_only=True, allow_null=True)
    drug_test_result_id = serializers.IntegerField(read_only=True, allow_null=True)
    created_by = serializers.SerializerMethodField()
    events = CaseEventSerializer(many=True, read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = IntegrityCase
        fields = [
            "audience",
            "id",
            "employee",
            "category",
            "source",
            "alleged_level",
            "summary",
            "status",
            "opened_on",
            "closed_on",
            "is_open",
            "sanction_id",
            "drug_test_result_id",
            "created_by",
            "created_at",
            "events",
            "evidence",
        ]
        read_only_fields = fields

    def get_created_by(self, case: IntegrityCase) -> str | None:
        return _username(case.created_by)


class CaseCreateSerializer(serializers.Serializer):
    employee_nip = VisibleEmployeeByNipField(source="employee", help_text=_("NIP of the employee concerned."))
    category = CaseCategoryField()
    source = CaseSourceField()
    alleged_level = SanctionLevelField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A moderate or severe allegation puts the employee under examination while the case is open."),
    )
    summary = serializers.CharField(max_length=10000)
    opened_on = serializers.DateField()


@extend_schema_field(OpenApiTypes.INT)
class VisibleSanctionField(serializers.PrimaryKeyRelatedField):
    """A sanction by id among those the caller may see."""

    def get_queryset(self):
        request = self.context.get("request")
        return permissions.sanctions_visible_to(getattr(request, "user", None))


class CaseAdvanceSerializer(serializers.Serializer):
    status = CaseStatusField(help_text=_("The next step."))
    on = serializers.DateField(required=False, default=None, allow_null=True, help_text=_("Default: today."))
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    alleged_level = SanctionLevelField(
        required=False, allow_null=True, default=None, help_text=_("Change the alleged level; leave out to keep it.")
    )
    sanction_id = VisibleSanctionField(
        source="sanction",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The sanction the case led to (same employee)."),
    )


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG; the content is checked, not the name."))
    description = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


# --- Wealth-report filings ----------------------------------------------------------------------


class _FilingBase(serializers.ModelSerializer):
    """Needs `employee__opd` and `opd` selected and `status_on` annotated
    (`WealthReportQuerySet.with_status`)."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    kind = FilingKindField(read_only=True)
    channel = FilingChannelField(read_only=True, allow_null=True)
    status = FilingStatusField(read_only=True, source="status_on", help_text=_("On today's date."))

    class Meta:
        model = WealthReport
        fields = [
            "audience",
            "id",
            "employee",
            "opd",
            "year",
            "kind",
            "due_on",
            "submitted_on",
            "channel",
            "verified_on",
            "status",
        ]
        read_only_fields = fields


class FilingOwnSerializer(ForTheEmployee, _FilingBase):
    pass


class FilingOfficerSerializer(ForOfficers, _FilingBase):
    """Needs `verified_by` selected too."""

    verified_by = serializers.SerializerMethodField()

    class Meta(_FilingBase.Meta):
        fields = [*_FilingBase.Meta.fields, "verified_by", "updated_at"]
        read_only_fields = fields

    def get_verified_by(self, filing: WealthReport) -> str | None:
        return _username(filing.verified_by)


class FilingCreateSerializer(serializers.Serializer):
    employee_nip = VisibleEmployeeByNipField(source="employee")
    year = serializers.IntegerField(min_value=1990, max_value=2999, help_text=_("The reporting year."))
    kind = FilingKindField(
        required=False, allow_null=True, default=None, help_text=_("Default: what the position calls for.")
    )


class FilingSubmitSerializer(serializers.Serializer):
    submitted_on = serializers.DateField()
    channel = FilingChannelField(
        required=False, allow_null=True, default=None, help_text=_("Default: e-LHKPN for LHKPN, SiHarka for LHKASN.")
    )


# --- Gratification reports ----------------------------------------------------------------------


class _GratificationBase(serializers.ModelSerializer):
    """Needs `employee__opd` selected."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    status = GratificationStatusField(read_only=True)
    decision = GratificationDecisionField(read_only=True, allow_null=True)
    is_late = serializers.BooleanField(read_only=True, help_text=_("Reported after the 10-working-day deadline."))

    class Meta:
        model = GratificationReport
        fields = [
            "audience",
            "id",
            "employee",
            "received_on",
            "giver",
            "description",
            "estimated_value",
            "relation_to_duty",
            "reported_on",
            "due_on",
            "is_late",
            "forward_due_on",
            "status",
            "forwarded_on",
            "kpk_reference",
            "decision",
            "decided_on",
        ]
        read_only_fields = fields


class GratificationOwnSerializer(ForTheEmployee, _GratificationBase):
    """The reporting employee's view: their gift and where it stands, not the UPG's notes."""


class GratificationOfficerSerializer(ForOfficers, _GratificationBase):
    """Needs `handled_by` selected too."""

    handled_by = serializers.SerializerMethodField()

    class Meta(_GratificationBase.Meta):
        fields = [*_GratificationBase.Meta.fields, "handling_note", "handled_by", "created_at"]
        read_only_fields = fields

    def get_handled_by(self, report: GratificationReport) -> str | None:
        return _username(report.handled_by)


class GratificationCreateSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    giver = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    estimated_value = serializers.DecimalField(
        max_digits=14, decimal_places=0, help_text=_("Estimated value in rupiah.")
    )
    relation_to_duty = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class GratificationProcessSerializer(serializers.Serializer):
    status = GratificationStatusField(help_text=_("The next step."))
    on = serializers.DateField(required=False, default=None, allow_null=True, help_text=_("Default: today."))
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    kpk_reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    decision = GratificationDecisionField(
        required=False, allow_null=True, default=None, help_text=_("Required for the decided step.")
    )


# --- Drug tests ---------------------------------------------------------------------------------


class DrugTestEventOfficerSerializer(ForOfficers, serializers.ModelSerializer):
    """Needs `units` prefetched and `result_count` annotated."""

    units = UnitRefSerializer(many=True, read_only=True)
    result_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DrugTestEvent
        fields = ["audience", "id", "held_on", "organiser", "units", "notes", "result_count", "created_at"]
        read_only_fields = fields


class DrugTestEventCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    organiser = serializers.CharField(max_length=160)
    unit_codes = serializers.SlugRelatedField(
        source="units",
        slug_field="code",
        queryset=OrgUnit.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text=_("Codes of the units covered."),
    )
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class DrugTestResultOfficerSerializer(ForOfficers, serializers.ModelSerializer):
    """Needs `employee__opd` selected and `integrity_case_id` annotated."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    outcome = DrugTestOutcomeField(read_only=True)
    follow_up = DrugTestFollowUpField(read_only=True, allow_null=True)
    case_id = serializers.IntegerField(
        source="integrity_case_id",
        read_only=True,
        allow_null=True,
        help_text=_("The integrity case a positive result opened."),
    )

    class Meta:
        model = DrugTestResult
        fields = ["audience", "id", "event_id", "employee", "outcome", "follow_up", "notes", "case_id", "recorded_at"]
        read_only_fields = fields


class DrugTestResultCreateSerializer(serializers.Serializer):
    employee_nip = VisibleEmployeeByNipField(source="employee")
    outcome = DrugTestOutcomeField()
    follow_up = DrugTestFollowUpField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


# --- Integrity pacts ----------------------------------------------------------------------------


class _PactBase(serializers.ModelSerializer):
    """Needs `employee__opd` and `position` selected."""

    employee = IntegrityEmployeeRefSerializer(read_only=True)
    occasion = PactOccasionField(read_only=True)
    position = IntegrityPositionRefSerializer(read_only=True, allow_null=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = IntegrityPact
        fields = [
            "audience",
            "id",
            "employee",
            "occasion",
            "position",
            "position_name",
            "signed_on",
            "document_type",
            "document_url",
        ]
        read_only_fields = fields

    def get_document_url(self, pact: IntegrityPact) -> str:
        return reverse("api-integrity-pact-document", args=[pact.pk])


class PactOwnSerializer(ForTheEmployee, _PactBase):
    pass


class PactOfficerSerializer(ForOfficers, _PactBase):
    """Needs `recorded_by` selected too."""

    recorded_by = serializers.SerializerMethodField()

    class Meta(_PactBase.Meta):
        fields = [*_PactBase.Meta.fields, "recorded_by", "created_at"]
        read_only_fields = fields

    def get_recorded_by(self, pact: IntegrityPact) -> str | None:
        return _username(pact.recorded_by)


class PactCreateSerializer(serializers.Serializer):
    employee_nip = VisibleEmployeeByNipField(source="employee")
    occasion = PactOccasionField()
    signed_on = serializers.DateField()
    position_id = serializers.PrimaryKeyRelatedField(
        source="position",
        queryset=Position.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Default: the employee's current position."),
    )
    document = serializers.FileField(help_text=_("The signed pact: PDF, JPEG or PNG, checked by content."))


# --- Standing and compliance ------------------------------------------------------------------


class StandingQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Default: today (Asia/Jakarta)."))


class StandingSerializer(serializers.Serializer):
    """`integrity.services.Standing` for the API: yes/no and until when, never why in detail."""

    nip = serializers.CharField()
    on = serializers.DateField()
    in_good_standing = serializers.BooleanField(
        help_text=_("Free of a moderate or severe sanction in force and not under examination.")
    )
    sanction_free = serializers.BooleanField()
    sanction_level = SanctionLevelField(allow_null=True)
    sanction_until = serializers.DateField(
        allow_null=True, help_text=_("Last day of the sanction in force; null when free or dismissed.")
    )
    under_examination = serializers.BooleanField()
    filings_complete = serializers.BooleanField()
    filing_year = serializers.IntegerField(help_text=_("The last reporting year whose deadline has passed."))
    reasons = serializers.ListField(child=serializers.CharField())


class ComplianceQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=1990,
        max_value=2999,
        required=False,
        help_text=_("Reporting year; default: the last year whose deadline has passed."),
    )
    kind = FilingKindField(required=False, help_text=_("Only LHKPN or only LHKASN filings."))


class ComplianceCountsSerializer(serializers.Serializer):
    obligees = serializers.IntegerField(help_text=_("Filings due for the year."))
    filed_on_time = serializers.IntegerField()
    filed_late = serializers.IntegerField()
    not_filed = serializers.IntegerField(help_text=_("Not filed and past the due date."))
    not_yet_due = serializers.IntegerField(help_text=_("Not filed, still within the deadline (new obligees)."))
    verified = serializers.IntegerField()
    filing_rate = serializers.FloatField(
        allow_null=True, help_text=_("Per cent of the obligees who filed; null without obligees.")
    )


class OpdComplianceSerializer(ComplianceCountsSerializer):
    opd = UnitRefSerializer()


class ComplianceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = FilingKindField(allow_null=True)
    on = serializers.DateField(help_text=_("The day the figures are counted on (today)."))
    opds = OpdComplianceSerializer(many=True, help_text=_("Worst filing rate first."))
    total = ComplianceCountsSerializer()
