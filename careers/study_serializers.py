"""Serializers of the study-leave API (tugas belajar / izin belajar, DOMAIN.md §7). Adapters
only: reads shape the models and the pre-check's answer, writes validate the input's shape and
the views hand it to `careers.study`, which owns every rule (the pre-check, the order of the
steps, the documents, reports, extensions, the service bond).

Input that can never be right is refused here with the same stable codes the services use
(`invalid_kind`, `invalid_accreditation`, `not_a_study_level`, `ends_before_start`, …), every
field at once; the services check again and own everything that depends on the employee or
the application.

A level is named by its code ("S2"); choice fields have their own schema component names
(`StudyKind`, `StudyState`, `Accreditation`, …), as in careers/serializers.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from asn_portal.models import EducationLevel
from asn_portal.serializers import EducationRefSerializer, UnitRefSerializer
from careers import study
from careers.models import (
    Accreditation,
    ExtensionState,
    Funding,
    StudyDocument,
    StudyDocumentKind,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyLevelRule,
    StudyReport,
    StudyState,
    TerminationReason,
)
from careers.serializers import CareersEmployeeRefSerializer
from careers.study_rules import CRITERIA_LABELS
from training.serializers import enum_field

# --- Choice fields with named schema components -------------------------------------------------


def _enum(choices, component_name: str, invalid_code: str = "invalid_choice") -> type[serializers.ChoiceField]:
    """`training.serializers.enum_field`, answering an unknown value with `invalid_code` (the
    service's own code for it) and naming the values allowed. One class per component, used for
    reads and writes alike (drf-spectacular tells components apart by class)."""

    class CodedField(enum_field(choices, component_name)):
        def to_internal_value(self, data):
            try:
                return super().to_internal_value(data)
            except serializers.ValidationError as exc:
                allowed = ", ".join(str(value) for value in self.choices)
                message = gettext("Unknown value; use one of: %(allowed)s.") % {"allowed": allowed}
                raise serializers.ValidationError(message, code=invalid_code) from exc

    CodedField.__name__ = CodedField.__qualname__ = f"{component_name}Field"
    return CodedField


StudyKindField = _enum(StudyKind, "StudyKind", "invalid_kind")
StudyStateField = _enum(StudyState, "StudyState")
AccreditationField = _enum(Accreditation, "Accreditation", "invalid_accreditation")
FundingField = _enum(Funding, "Funding", "invalid_funding")
StudyDocumentKindField = _enum(StudyDocumentKind, "StudyDocumentKind", "invalid_document_kind")
ExtensionStateField = _enum(ExtensionState, "ExtensionState")
TerminationReasonField = _enum(TerminationReason, "TerminationReason", "invalid_reason")
StudyCriterionCodeField = _enum(list(CRITERIA_LABELS.items()), "StudyCriterionCode")

# Dates far outside a career are typing mistakes, and date arithmetic near year 9999 would
# overflow (a planned end, a bond end): refused as input.
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2100, 12, 31)


class CareerDateField(serializers.DateField):
    """A date (YYYY-MM-DD) between 1950 and 2100; others are a 400 `date_out_of_range`."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            message = gettext("Give a date between %(first)s and %(last)s.") % {
                "first": EARLIEST.isoformat(),
                "last": LATEST.isoformat(),
            }
            raise serializers.ValidationError(message, code="date_out_of_range")
        return day


@extend_schema_field(OpenApiTypes.STR)
class StudyLevelField(serializers.Field):
    """An education level by its code ("S2"), one that has study rules (DOMAIN.md §7.2)."""

    default_error_messages = {"not_a_study_level": _("Unknown level; use one of: %(allowed)s.")}

    def to_internal_value(self, data):
        if isinstance(data, str) and 0 < len(data) <= 20 and "\x00" not in data:
            level = (
                EducationLevel.objects.filter(
                    code__iexact=data.strip(), pk__in=StudyLevelRule.objects.values("level_id")
                )
                .order_by("order")
                .first()
            )
            if level is not None:
                return level
        allowed = EducationLevel.objects.filter(pk__in=StudyLevelRule.objects.values("level_id")).order_by("order")
        self.fail("not_a_study_level", allowed=", ".join(allowed.values_list("code", flat=True)))

    def to_representation(self, value):
        return value.code


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- Reads -----------------------------------------------------------------------------------------


class StudyLeaveSerializer(serializers.ModelSerializer):
    """A study-leave application or study. Needs `employee`, `opd` and `level` selected and
    `today` (the API's date) in the context."""

    employee = CareersEmployeeRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    kind = StudyKindField(read_only=True)
    level = EducationRefSerializer(read_only=True)
    accreditation = AccreditationField(read_only=True)
    funding = FundingField(read_only=True)
    state = StudyStateField(read_only=True)
    extensions_approved = serializers.IntegerField(source="extensions", read_only=True)
    termination_reason = TerminationReasonField(read_only=True, allow_null=True)
    report_overdue = serializers.SerializerMethodField(
        help_text=_("Studying and the next progress report is past its due date.")
    )
    bond_active = serializers.SerializerMethodField(
        help_text=_("Completed and the service bond (ikatan dinas) still runs today.")
    )

    class Meta:
        model = StudyLeave
        fields = [
            "id",
            "employee",
            "opd",
            "kind",
            "level",
            "program",
            "institution",
            "accreditation",
            "country",
            "starts_on",
            "ends_on",
            "funding",
            "sponsor",
            "state",
            "decree_number",
            "decree_on",
            "started_on",
            "extensions_approved",
            "converted_on",
            "next_report_due_on",
            "report_overdue",
            "finished_on",
            "returned_on",
            "termination_reason",
            "bond_years",
            "bond_ends_on",
            "bond_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "bond_ends_on": {"help_text": _("The service bond ends on this day: free from then on.")},
            "next_report_due_on": {"help_text": _("Due date of the first progress report not sent yet.")},
        }

    def _today(self) -> dt.date:
        return self.context["today"]

    def get_report_overdue(self, leave: StudyLeave) -> bool:
        due = leave.next_report_due_on
        return leave.state == StudyState.ONGOING and due is not None and due < self._today()

    def get_bond_active(self, leave: StudyLeave) -> bool:
        return (
            leave.state == StudyState.COMPLETED
            and leave.bond_ends_on is not None
            and leave.bond_ends_on > self._today()
        )


class StudyCheckSerializer(serializers.Serializer):
    """One criterion of the pre-check (careers.study_rules.Check)."""

    code = StudyCriterionCodeField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField(help_text=_("The explanation with its numbers."))
    values = serializers.DictField(help_text=_("The numbers of the message (dates as YYYY-MM-DD)."))


class StudySnapshotSerializer(serializers.Serializer):
    """The pre-check stored when the application was sent, never recomputed."""

    eligible = serializers.BooleanField()
    policy_valid_from = serializers.DateField(help_text=_("The study-leave policy the answer follows."))
    criteria = StudyCheckSerializer(many=True)


class StudyDocumentSerializer(serializers.ModelSerializer):
    kind = StudyDocumentKindField(read_only=True)
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = StudyDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_uploaded_by(self, document: StudyDocument) -> str | None:
        return _username(document.uploaded_by)

    def get_download_url(self, document: StudyDocument) -> str:
        return reverse("api-careers-study-leave-document-file", args=[document.leave_id, document.pk])


class StudyReportSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    submitted_late = serializers.BooleanField(read_only=True, help_text=_("Sent after its due date."))
    transcript_url = serializers.SerializerMethodField()

    class Meta:
        model = StudyReport
        fields = [
            "id",
            "semester",
            "due_on",
            "gpa",
            "credits",
            "notes",
            "transcript_name",
            "transcript_type",
            "submitted_by",
            "submitted_at",
            "submitted_late",
            "transcript_url",
        ]
        read_only_fields = fields

    def get_submitted_by(self, report: StudyReport) -> str | None:
        return _username(report.submitted_by)

    def get_transcript_url(self, report: StudyReport) -> str:
        return reverse("api-careers-study-leave-report-transcript", args=[report.leave_id, report.pk])


class StudyExtensionSerializer(serializers.ModelSerializer):
    state = ExtensionStateField(read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = StudyExtension
        fields = [
            "id",
            "months",
            "reason",
            "state",
            "previous_ends_on",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_requested_by(self, extension: StudyExtension) -> str | None:
        return _username(extension.requested_by)

    def get_decided_by(self, extension: StudyExtension) -> str | None:
        return _username(extension.decided_by)


class StudyEventSerializer(serializers.ModelSerializer):
    action = serializers.CharField(
        read_only=True,
        help_text=_(
            "What happened: created, edited, document, submitted, resubmitted, recommended, returned, checked, "
            "approved, rejected, withdrawn, started, reported, extension_requested, extension_approved, "
            "extension_rejected, converted, completed, terminated, bond_broken."
        ),
    )
    from_state = StudyStateField(read_only=True, allow_null=True)
    to_state = StudyStateField(read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = StudyEvent
        fields = ["action", "from_state", "to_state", "by", "at", "reason"]
        read_only_fields = fields

    def get_by(self, event: StudyEvent) -> str | None:
        return _username(event.by)


class StudyLeaveDetailSerializer(StudyLeaveSerializer):
    """With the stored pre-check, the documents, reports, extensions and every step, oldest
    first. Needs `documents`, `reports`, `extension_requests` and `events` prefetched (with their
    users)."""

    eligibility = serializers.SerializerMethodField(
        help_text=_("The pre-check stored when the application was sent; null before.")
    )
    required_documents = serializers.SerializerMethodField(help_text=_("The documents the dossier needs."))
    missing_documents = serializers.SerializerMethodField(help_text=_("Those of them not uploaded yet."))
    documents = StudyDocumentSerializer(many=True, read_only=True)
    reports = StudyReportSerializer(many=True, read_only=True)
    extensions = StudyExtensionSerializer(source="extension_requests", many=True, read_only=True)
    events = StudyEventSerializer(many=True, read_only=True)
    created_by = serializers.SerializerMethodField()

    class Meta(StudyLeaveSerializer.Meta):
        fields = [
            *StudyLeaveSerializer.Meta.fields,
            "relevance",
            "needs_reappointment",
            "bond_broken_on",
            "bond_remaining_months",
            "eligibility",
            "required_documents",
            "missing_documents",
            "documents",
            "reports",
            "extensions",
            "events",
            "created_by",
        ]
        read_only_fields = fields

    @extend_schema_field(StudySnapshotSerializer(allow_null=True))
    def get_eligibility(self, leave: StudyLeave):
        return StudySnapshotSerializer(leave.eligibility).data if leave.eligibility else None

    def _required(self, leave: StudyLeave) -> list[str]:
        # Asked twice per application (required, missing): one policy lookup.
        cache = self.context.setdefault("_required_documents", {})
        if leave.pk not in cache:
            cache[leave.pk] = study.required_documents(leave)
        return cache[leave.pk]

    @extend_schema_field(serializers.ListField(child=StudyDocumentKindField()))
    def get_required_documents(self, leave: StudyLeave):
        return self._required(leave)

    @extend_schema_field(serializers.ListField(child=StudyDocumentKindField()))
    def get_missing_documents(self, leave: StudyLeave):
        present = {document.kind for document in leave.documents.all()}
        return [kind for kind in self._required(leave) if kind not in present]

    def get_created_by(self, leave: StudyLeave) -> str | None:
        return _username(leave.created_by)


# --- The pre-check ---------------------------------------------------------------------------------


def _field_error(field: str, message: str, code: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [ErrorDetail(message, code=code)]})


def _ends_after_start(attrs: dict) -> None:
    if attrs.get("starts_on") and attrs.get("ends_on") and attrs["ends_on"] <= attrs["starts_on"]:
        raise _field_error(
            "ends_on", gettext("The planned end date must be after the start date."), "ends_before_start"
        )


class StudyPrecheckInputSerializer(serializers.Serializer):
    nip = serializers.CharField(max_length=40, help_text=_("NIP of the employee the plan is for."))
    kind = StudyKindField()
    level = StudyLevelField(help_text=_('Education level code, e.g. "S2".'))
    accreditation = AccreditationField()
    starts_on = CareerDateField(help_text=_("Planned start date: service, age and sanctions are judged on it."))
    ends_on = CareerDateField(required=False, help_text=_("Planned end date; or give `duration_months`."))
    duration_months = serializers.IntegerField(
        required=False, min_value=1, max_value=240, help_text=_("Planned length in months; or give `ends_on`.")
    )

    def validate(self, attrs):
        if "ends_on" in attrs and "duration_months" in attrs:
            raise _field_error(
                "duration_months",
                gettext("Give either the planned end date or the duration in months, not both."),
                "ends_on_and_duration",
            )
        if "duration_months" in attrs:
            attrs["ends_on"] = attrs["starts_on"] + relativedelta(months=attrs.pop("duration_months"))
        if "ends_on" not in attrs:
            raise _field_error("ends_on", gettext("Give the planned end date or the duration in months."), "required")
        _ends_after_start(attrs)
        return attrs


class StudyPrecheckSerializer(serializers.Serializer):
    """The pre-check of a plan for one employee (careers.study_rules.precheck): nothing is saved."""

    employee = CareersEmployeeRefSerializer()
    kind = StudyKindField()
    level = EducationRefSerializer()
    accreditation = AccreditationField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    eligible = serializers.BooleanField(help_text=_("Every criterion is met."))
    policy_valid_from = serializers.DateField(help_text=_("The study-leave policy the answer follows."))
    criteria = StudyCheckSerializer(many=True, help_text=_("Every criterion that applies, in order."))


# --- Writes ----------------------------------------------------------------------------------------


class StudyApplicationSerializer(serializers.Serializer):
    """The fields of an application. On PATCH every field is optional: those left out keep
    their value."""

    kind = StudyKindField()
    level = StudyLevelField(help_text=_('Education level code, e.g. "S2".'))
    # 150, not the model's 200: the programme becomes the major of the diploma in the education
    # history at completion, which holds 150.
    program = serializers.CharField(max_length=150)
    institution = serializers.CharField(max_length=200)
    accreditation = AccreditationField()
    country = serializers.CharField(max_length=80, required=False, allow_blank=True, default="Indonesia")
    starts_on = CareerDateField()
    ends_on = CareerDateField(help_text=_("Planned end date, after the start date."))
    funding = FundingField(help_text=_("Tugas belajar is never self-funded (`mandiri`)."))
    sponsor = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when a scholarship or sponsor (`beasiswa`) pays."),
    )
    relevance = serializers.CharField(max_length=5000, help_text=_("How the study supports the position."))

    def validate(self, attrs):
        _ends_after_start(attrs)
        return attrs


class StudyNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StudyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required: told to the employee.")
    )


class StudyWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StudyApproveSerializer(serializers.Serializer):
    decree_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("Required: the decree (SK) number.")
    )
    decree_on = CareerDateField(help_text=_("The decree date, not in the future."))


class StudyDocumentUploadSerializer(serializers.Serializer):
    kind = StudyDocumentKindField()
    file = serializers.FileField(
        allow_empty_file=True,  # refused by the service with its own code, `empty_file`
        help_text=_("PDF, JPEG or PNG, judged by its content; size capped. Replaces a document of the same kind."),
    )


class StudyReportUploadSerializer(serializers.Serializer):
    semester = serializers.IntegerField(min_value=1, max_value=20, help_text=_("A semester that has started."))
    gpa = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=Decimal(0), max_value=Decimal(4), help_text=_("GPA (IPK), 0 to 4.")
    )
    credits = serializers.IntegerField(
        min_value=0, max_value=400, required=False, allow_null=True, default=None, help_text=_("Credits (SKS) so far.")
    )
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    transcript = serializers.FileField(allow_empty_file=True, help_text=_("PDF, JPEG or PNG, judged by its content."))


class StudyExtensionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required: why more time.")
    )


class StudyExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("True to approve the extension waiting, false to reject it."))
    note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required when rejecting.")
    )


class StudyCompleteSerializer(serializers.Serializer):
    graduated_on = CareerDateField(help_text=_("After the start of the study, not in the future."))
    returned_on = CareerDateField(help_text=_("Back at work; the service bond starts on it."))
    diploma_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StudyTerminateSerializer(serializers.Serializer):
    reason_kind = TerminationReasonField()
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required.")
    )
    on = CareerDateField(help_text=_("The day the study ended, not in the future."))
