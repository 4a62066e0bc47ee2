"""Serializers of the careers API (v1). Adapters only: reads shape the models and the engine's
answers, writes validate the input's shape and the views hand it to `careers.proposals`, which
owns every rule (periods, eligibility, the dossier, the order of the steps, the decree).

Related rows are named by the keys people know: an employee by NIP, a rank by its golongan/ruang
("III/b"), a unit by its code; proposals by id. Choice fields have their own schema component
names (`ProposalState`, `CriterionCode`, …), as in training/serializers.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asn_portal.models import Employee, Jenjang, PositionKind, Rank
from asn_portal.serializers import EducationRefSerializer, RankRefSerializer, UnitRefSerializer
from careers import eligibility
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    DocumentKind,
    EducationHistory,
    ExamKind,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    Predikat,
    PromotionKind,
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    RankEntryKind,
    RankHistory,
    StudyPath,
)
from training.serializers import enum_field

# --- Choice fields with named schema components -------------------------------------------------

PromotionKindField = enum_field(PromotionKind, "PromotionKind")
EnginePromotionKindField = enum_field(
    [(kind.value, kind.label) for kind in PromotionKind.decided_by_engine()], "EnginePromotionKind"
)
RankEntryKindField = enum_field(RankEntryKind, "RankEntryKind")
CareersPositionKindField = enum_field(PositionKind, "CareersPositionKind")
CareersJenjangField = enum_field(Jenjang, "CareersJenjang")
StudyPathField = enum_field([(value, label) for value, label in StudyPath.choices if value], "StudyPath")
PredikatField = enum_field(Predikat, "Predikat")
ExamKindField = enum_field(ExamKind, "ExamKind")
AwardKindField = enum_field(AwardKind, "AwardKind")
ProposalStateField = enum_field(ProposalState, "ProposalState")
DocumentKindField = enum_field(DocumentKind, "DocumentKind")
CriterionCodeField = enum_field(
    [(criterion.code, criterion.label) for criterion in eligibility.CRITERIA], "CriterionCode"
)


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- Small nested representations -------------------------------------------------------------


class CareersEmployeeRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "nip", "full_name"]
        read_only_fields = fields


class ProposalRefSerializer(serializers.ModelSerializer):
    state = ProposalStateField(read_only=True)

    class Meta:
        model = PromotionProposal
        fields = ["id", "state"]
        read_only_fields = fields


# --- Histories ----------------------------------------------------------------------------------


class RankHistorySerializer(serializers.ModelSerializer):
    """One rank decree. Needs `employee` and `rank` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    rank = RankRefSerializer(read_only=True)
    kind = RankEntryKindField(read_only=True)

    class Meta:
        model = RankHistory
        fields = [
            "id",
            "employee",
            "rank",
            "tmt_on",
            "kind",
            "decree_number",
            "decree_on",
            "service_years",
            "service_months",
            "created_at",
        ]
        read_only_fields = fields


class PositionHistorySerializer(serializers.ModelSerializer):
    """A post held from its TMT until the next row's. Needs `employee` and `unit` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    position_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The post in SIGAP's catalogue, when linked.")
    )
    kind = CareersPositionKindField(read_only=True)
    jenjang = CareersJenjangField(read_only=True, allow_null=True, help_text=_("Functional posts only."))
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = PositionHistory
        fields = ["id", "employee", "position_id", "name", "kind", "jenjang", "unit", "tmt_on", "decree_number"]
        read_only_fields = fields


class EducationHistorySerializer(serializers.ModelSerializer):
    """A diploma. Needs `employee` and `level` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    level = EducationRefSerializer(read_only=True)
    path = StudyPathField(
        read_only=True, allow_null=True, help_text=_("How it was earned in service; null: before or in own time.")
    )

    class Meta:
        model = EducationHistory
        fields = ["id", "employee", "level", "major", "institution", "graduated_on", "diploma_number", "path"]
        read_only_fields = fields


class PerformanceRatingSerializer(serializers.ModelSerializer):
    """The annual SKP predikat of a year. Needs `employee` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    predikat = PredikatField(read_only=True)

    class Meta:
        model = PerformanceRating
        fields = ["id", "employee", "year", "predikat"]
        read_only_fields = fields


class ExamResultSerializer(serializers.ModelSerializer):
    """A passed service exam. Needs `employee` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    kind = ExamKindField(read_only=True)

    class Meta:
        model = ExamResult
        fields = ["id", "employee", "kind", "passed_on"]
        read_only_fields = fields


class CreditAssessmentSerializer(serializers.ModelSerializer):
    """A PAK: the cumulative angka kredit in a JF level on a date. Needs `employee` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    jenjang = CareersJenjangField(read_only=True)
    total = serializers.DecimalField(max_digits=8, decimal_places=3, read_only=True)

    class Meta:
        model = CreditAssessment
        fields = ["id", "employee", "assessed_on", "jenjang", "total"]
        read_only_fields = fields


class AwardSerializer(serializers.ModelSerializer):
    """Needs `employee` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    kind = AwardKindField(read_only=True)

    class Meta:
        model = Award
        fields = ["id", "employee", "kind", "name", "awarded_on", "issuer", "decree_number"]
        read_only_fields = fields


class InnovationSerializer(serializers.ModelSerializer):
    """Needs `employee` and `unit` selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Innovation
        fields = ["id", "employee", "title", "year", "unit", "description", "recognition"]
        read_only_fields = fields


# --- Eligibility ---------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.DateField(
        required=False,
        help_text=_(
            "A promotion period (TMT), the 1st of a period month; default: the first period the OPDs may propose "
            "for today, else the next one."
        ),
    )


class CriterionCheckSerializer(serializers.Serializer):
    """One criterion of the engine for one employee (careers.eligibility.Check)."""

    code = CriterionCodeField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    exempt = serializers.BooleanField(help_text=_("Passed by an exemption: no certificate is needed."))
    message = serializers.CharField(help_text=_("The explanation with its numbers, in the request's language."))
    values = serializers.DictField(help_text=_("The numbers of the message (dates as YYYY-MM-DD)."))


class ProposalWindowSerializer(serializers.Serializer):
    opens_on = serializers.DateField()
    closes_on = serializers.DateField(help_text=_("BKN's deadline."))
    internal_deadline_on = serializers.DateField(help_text=_("BKPP's own deadline for the OPDs."))


class OutlookSerializer(serializers.Serializer):
    """The engine's full answer for one employee and one period (careers.eligibility.explain)."""

    nip = serializers.CharField()
    period = serializers.DateField()
    eligible = serializers.BooleanField(help_text=_("Every criterion is met."))
    kind = EnginePromotionKindField()
    kind_label = serializers.CharField()
    current_rank = RankRefSerializer(allow_null=True)
    target_rank = RankRefSerializer(allow_null=True, help_text=_("Null at the highest rank."))
    rule_version = serializers.CharField(help_text=_("The rules the answer follows (stored with a proposal)."))
    next_period = serializers.DateField(
        allow_null=True, help_text=_("When the time in rank is not met yet: the first period it will be.")
    )
    window = ProposalWindowSerializer(help_text=_("When proposals for the period are sent."))
    criteria = CriterionCheckSerializer(many=True, help_text=_("Every criterion that applies, in the engine's order."))
    proposal = ProposalRefSerializer(
        allow_null=True, help_text=_("The employee's proposal for the period, if the caller may see it.")
    )


CriterionFlagsSerializer = type(
    "CriterionFlagsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One flag per criterion: true when met or when it does not apply.",
        **{criterion.code: serializers.BooleanField(help_text=criterion.label) for criterion in eligibility.CRITERIA},
    },
)


class PromotionCandidateSerializer(serializers.ModelSerializer):
    """An employee as judged set-based for a period (careers.selectors.candidates). Needs
    `unit`, `opd` and `rank` selected, the engine's annotations with `proposal_pk` and
    `proposal_state`, and `ranks` (id → Rank) in the context."""

    employee = serializers.SerializerMethodField()
    unit = UnitRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    rank = RankRefSerializer(read_only=True, allow_null=True)
    promotion_kind = EnginePromotionKindField(read_only=True)
    target_rank = serializers.SerializerMethodField()
    is_eligible = serializers.BooleanField(read_only=True)
    criteria = serializers.SerializerMethodField()
    failing = serializers.SerializerMethodField(help_text=_("The criteria not met."))
    proposal = serializers.SerializerMethodField(help_text=_("The employee's proposal for the period that counts."))

    class Meta:
        model = Employee
        fields = [
            "employee",
            "unit",
            "opd",
            "rank",
            "rank_tmt_on",
            "promotion_kind",
            "target_rank",
            "is_eligible",
            "criteria",
            "failing",
            "proposal",
        ]
        read_only_fields = fields

    @extend_schema_field(CareersEmployeeRefSerializer)
    def get_employee(self, employee: Employee):
        return CareersEmployeeRefSerializer(employee).data

    @extend_schema_field(RankRefSerializer(allow_null=True))
    def get_target_rank(self, employee: Employee):
        rank = self.context["ranks"].get(employee.target_rank_id)
        return None if rank is None else RankRefSerializer(rank).data

    @extend_schema_field(CriterionFlagsSerializer)
    def get_criteria(self, employee: Employee):
        return {code: getattr(employee, eligibility.flag_name(code)) for code in eligibility.CODES}

    @extend_schema_field(serializers.ListField(child=CriterionCodeField()))
    def get_failing(self, employee: Employee):
        return [code for code in eligibility.CODES if not getattr(employee, eligibility.flag_name(code))]

    @extend_schema_field(ProposalRefSerializer(allow_null=True))
    def get_proposal(self, employee: Employee):
        if employee.proposal_pk is None:
            return None
        return {"id": employee.proposal_pk, "state": employee.proposal_state}


# --- Proposals -----------------------------------------------------------------------------------


class ProposalDocumentSerializer(serializers.Serializer):
    code = DocumentKindField()
    label = serializers.CharField()
    present = serializers.BooleanField()


class ProposalSerializer(serializers.ModelSerializer):
    """A promotion proposal. Needs `employee`, `opd`, `from_rank`, `to_rank` and `proposed_by`
    selected."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    kind = PromotionKindField(read_only=True)
    from_rank = RankRefSerializer(read_only=True)
    to_rank = RankRefSerializer(read_only=True)
    state = ProposalStateField(read_only=True)
    documents = serializers.SerializerMethodField(help_text=_("The dossier's checklist."))
    proposed_by = serializers.SerializerMethodField()

    class Meta:
        model = PromotionProposal
        fields = [
            "id",
            "employee",
            "opd",
            "period_on",
            "kind",
            "from_rank",
            "to_rank",
            "state",
            "rule_version",
            "override_reason",
            "documents",
            "bkn_reference",
            "decree_number",
            "decree_on",
            "proposed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProposalDocumentSerializer(many=True))
    def get_documents(self, proposal: PromotionProposal):
        # In the dossier's usual order (DocumentKind), whatever order the checklist was stored in.
        order = {code: index for index, code in enumerate(DocumentKind.values)}
        checklist = sorted(
            (proposal.documents or {}).items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
        return [
            {
                "code": code,
                "label": str(DocumentKind(code).label) if code in DocumentKind.values else code,
                "present": bool(present),
            }
            for code, present in checklist
        ]

    def get_proposed_by(self, proposal: PromotionProposal) -> str | None:
        return _username(proposal.proposed_by)


class StoredCriterionSerializer(serializers.Serializer):
    code = CriterionCodeField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    exempt = serializers.BooleanField()
    message = serializers.CharField(help_text=_("As written when the proposal was made."))
    values = serializers.DictField()


class StoredOutlookSerializer(serializers.Serializer):
    """The engine's explanation stored when the proposal was made (careers.eligibility.snapshot),
    never recomputed."""

    period = serializers.DateField()
    eligible = serializers.BooleanField()
    kind = EnginePromotionKindField()
    kind_label = serializers.CharField()
    current_rank = serializers.CharField(allow_null=True, help_text=_('Golongan/ruang, e.g. "III/a".'))
    target_rank = serializers.CharField(allow_null=True)
    rule_version = serializers.CharField()
    next_date = serializers.DateField(allow_null=True)
    criteria = StoredCriterionSerializer(many=True)


class ProposalEventSerializer(serializers.ModelSerializer):
    from_state = ProposalStateField(read_only=True, allow_null=True, help_text=_("Null for the first step."))
    to_state = ProposalStateField(read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = ProposalEvent
        fields = ["from_state", "to_state", "by", "at", "reason"]
        read_only_fields = fields

    def get_by(self, event: ProposalEvent) -> str | None:
        return _username(event.by)


class ProposalDetailSerializer(ProposalSerializer):
    """With the stored explanation and every step, oldest first. Needs `events` (with `by`)
    prefetched."""

    eligibility = StoredOutlookSerializer(read_only=True)
    events = ProposalEventSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "eligibility", "events"]
        read_only_fields = fields


class ProposalCreateSerializer(serializers.Serializer):
    employee_nip = serializers.CharField(
        max_length=40, help_text=_("NIP of the employee (operators: their OPDs; BKPP: anyone).")
    )
    period = serializers.DateField(help_text=_("The promotion period (TMT): the 1st of a period month."))
    documents = serializers.ListField(
        child=DocumentKindField(), required=False, default=list, help_text=_("Documents of the dossier already there.")
    )
    override_reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("BKPP only, for an employee the engine finds not eligible: why they are proposed anyway."),
    )


class ProposeManySerializer(serializers.Serializer):
    period = serializers.DateField(help_text=_("The promotion period (TMT): the 1st of a period month."))
    employee_nips = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=200, help_text=_("Up to 200 NIPs.")
    )


class ProposalRefusalSerializer(serializers.Serializer):
    employee = CareersEmployeeRefSerializer()
    code = serializers.CharField(help_text=_("Stable English code, e.g. `not_eligible`, `already_proposed`."))
    message = serializers.CharField()


class ProposeManyResultSerializer(serializers.Serializer):
    proposed = ProposalSerializer(many=True)
    refused = ProposalRefusalSerializer(many=True, help_text=_("Those not proposed, each with the reason."))


class ProposalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ProposalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required: told to the OPD.")
    )


class ProposalDocumentsSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=DocumentKindField(), required=False, default=list, help_text=_("The documents present in the dossier.")
    )


class ProposalResubmitSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=DocumentKindField(),
        required=False,
        help_text=_("The documents present now; leave out to keep the checklist as it is."),
    )


class ProposalSubmitSerializer(serializers.Serializer):
    bkn_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("BKN's reference number.")
    )


@extend_schema_field(OpenApiTypes.STR)
class RankCodeField(serializers.SlugRelatedField):
    """A rank by its golongan/ruang ("III/b")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Rank.objects.all())
        super().__init__(**kwargs)


class ProposalDecreeSerializer(serializers.Serializer):
    decree_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decree_on = serializers.DateField()
    tmt_on = serializers.DateField(help_text=_("The TMT of the new rank: a promotion period."))
    rank_code = RankCodeField(
        source="rank",
        required=False,
        allow_null=True,
        default=None,
        help_text=_('The rank granted, e.g. "III/b"; default: the proposed one.'),
    )
    service_years = serializers.IntegerField(
        min_value=0, max_value=60, default=0, help_text=_("Masa kerja golongan the decree states: years.")
    )
    service_months = serializers.IntegerField(
        min_value=0, max_value=11, default=0, help_text=_("Masa kerja golongan the decree states: months (0–11).")
    )
