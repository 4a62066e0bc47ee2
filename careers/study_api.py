"""Study-leave API v1 (tugas belajar / izin belajar, DOMAIN.md §7), routed in
`careers/api_urls.py` at /api/v1/careers/study-leaves/: applications and studies with every step
of their workflow, their documents and progress reports, and the pre-check of a plan.

Access follows careers/permissions.py, with the proposals API's rule for every endpoint:

- Everything starts from `permissions.studies_visible_to(request.user)` (the employee their own;
  the supervisor and the OPD's operator once it is sent; Admin BKPP all; the Inspektorat
  nothing): an application the caller may not see is a 404 exactly like a missing one.
- BKPP's steps (approve, reject, the extension decision, complete, terminate) are refused to
  anyone else with a 403 before anything is loaded. Every step then asks its permission
  predicate (`can_recommend_study`, `can_check_study`, …): a caller with no part in the step
  gets 403; the right person at the wrong moment (recommending twice, reporting before the
  study started) gets 400 `invalid_transition`, as the service would answer.
- Only an employee applies, for themselves (403 for anyone without an employee record).
- The pre-check answers for the employee themselves, their direct supervisor, the operator
  of their OPD and Admin BKPP; any other NIP is a 404, as for an unknown one.

Writes go only through `careers.study`, which owns the transaction, the locks and every rule;
"today" is read here, at the edge (`local_today`). A service's `ServiceError` becomes the
standard error body (`asn_portal.drf.exception_handler`), 400 with its code and field; its
`forbidden` (a step the predicate allowed a moment ago, refused under the lock) is a 403 like
ours. A refused write leaves nothing behind.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable

import django_filters
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from asn_portal import permissions as core
from asn_portal.drf import FileDownloadNegotiation, error_responses, object_id_or_404
from asn_portal.drf import service_errors as _service_errors
from asn_portal.models import EducationLevel, Employee
from asn_portal.nip import normalize_digits
from asn_portal.services import ServiceError
from asn_portal.uploads import protected_file_response
from careers import permissions, study
from careers import study_rules as rules
from careers.api import CareersViewSet, RetrieveMixin, _employee_filter, _opd_filter
from careers.models import (
    ExtensionState,
    StudyDocument,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyReport,
    StudyState,
)
from careers.study_serializers import (
    StudyApplicationSerializer,
    StudyApproveSerializer,
    StudyCompleteSerializer,
    StudyDocumentUploadSerializer,
    StudyExtensionDecisionSerializer,
    StudyExtensionRequestSerializer,
    StudyLeaveDetailSerializer,
    StudyLeaveSerializer,
    StudyNoteSerializer,
    StudyPrecheckInputSerializer,
    StudyPrecheckSerializer,
    StudyReasonSerializer,
    StudyReportUploadSerializer,
    StudyTerminateSerializer,
    StudyWithdrawSerializer,
)


def local_today() -> dt.date:
    """Today in the site's time zone (Asia/Jakarta): the edge where the clock is read."""
    return timezone.localdate()


_ERRORS = error_responses(400, 401, 403, 404)
_S = StudyState
_FILE_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, "image/jpeg"): OpenApiTypes.BINARY,
    (200, "image/png"): OpenApiTypes.BINARY,
    **_ERRORS,
}


_APPLICATION_FIELDS = [field.name for field in dataclasses.fields(study.ApplicationData)]


def _at_step(leave: StudyLeave, state: str) -> StudyLeave:
    """A copy of `leave` in `state`, to ask a predicate whether the caller would be allowed at
    that step (the copy is never saved)."""
    twin = copy.copy(leave)
    twin.state = state
    return twin


def _wrong_step(leave: StudyLeave) -> ServiceError:
    # The text and code of careers.study._expect: the same refusal whoever finds it first.
    return ServiceError(
        _("This application is “%(state)s”; that step is not possible now.") % {"state": leave.get_state_display()},
        "invalid_transition",
        "state",
    )


# --- Filters ---------------------------------------------------------------------------------------


class StudyLeaveFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=StudyState.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind of study"), choices=StudyKind.choices)
    level = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Education level code"), queryset=EducationLevel.objects.all(), to_field_name="code"
    )
    opd = _opd_filter("opd")
    employee = _employee_filter()
    bond_active = django_filters.BooleanFilter(
        label=gettext_lazy("Completed, service bond still running today"), method="filter_bond_active"
    )
    report_overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Studying, next progress report past due"), method="filter_report_overdue"
    )

    class Meta:
        model = StudyLeave
        fields = ["state", "kind", "level", "opd", "employee", "bond_active", "report_overdue"]

    def filter_bond_active(self, queryset, name, value):
        running = Q(state=_S.COMPLETED, bond_ends_on__gt=local_today())
        return queryset.filter(running) if value else queryset.exclude(running)

    def filter_report_overdue(self, queryset, name, value):
        overdue = Q(state=_S.ONGOING, next_report_due_on__lt=local_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


# --- The view --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List study-leave applications and studies",
        description="Newest first. Admin BKPP sees all; an Operator OPD their OPDs' once sent; a supervisor "
        "their direct subordinates' once sent (`state=submitted` is their inbox); an employee their own. "
        "`report_overdue` and `bond_active` are judged on today's date.",
        responses={200: StudyLeaveSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One study leave with its pre-check, documents, reports, extensions and every step",
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Draft a study-leave application",
        description="The signed-in employee, for themselves (403 for anyone without an employee record). Input "
        "that can never be right (an unknown level, an end before the start, a duration or level the rules do "
        "not allow, a self-funded tugas belajar) is a 400 and nothing is saved; whether the employee is "
        "eligible is judged when the application is sent (`submit`).",
        request=StudyApplicationSerializer,
        responses={201: StudyLeaveDetailSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Correct a draft or returned application",
        description="The employee, while it is a draft or returned for correction; fields left out keep their value.",
        request=StudyApplicationSerializer(partial=True),
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["careers"])
class StudyLeaveViewSet(RetrieveMixin, CareersViewSet):
    serializer_class = StudyLeaveSerializer
    detail_serializer_class = StudyLeaveDetailSerializer
    filterset_class = StudyLeaveFilter
    bkpp_actions = frozenset({"approve", "reject", "extension_decision", "complete", "terminate"})

    def get_queryset(self):
        queryset = (
            permissions.studies_visible_to(self.request.user)
            .select_related("employee__supervisor", "opd", "level")
            .order_by("-created_at", "-id")
        )
        if self.action != "list":
            queryset = queryset.select_related("created_by").prefetch_related(
                Prefetch("documents", StudyDocument.objects.select_related("uploaded_by").order_by("kind", "id")),
                Prefetch("reports", StudyReport.objects.select_related("submitted_by").order_by("semester", "id")),
                Prefetch(
                    "extension_requests",
                    StudyExtension.objects.select_related("requested_by", "decided_by").order_by("requested_at", "id"),
                ),
                Prefetch("events", StudyEvent.objects.select_related("by").order_by("at", "id")),
            )
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": local_today()}

    def handle_exception(self, exc):
        # The service's own refusal of a caller (`forbidden`) is a 403 like the view's.
        if isinstance(exc, ServiceError) and exc.code == "forbidden":
            exc = exceptions.PermissionDenied(exc.message)
        return super().handle_exception(exc)

    def _may(
        self,
        leave: StudyLeave,
        predicate: Callable[..., bool],
        states: tuple[str, ...],
        message: str,
    ) -> None:
        """Ask the step's permission predicate. When it says no, but would say yes at one of the
        step's `states`, the caller is the right person at the wrong moment: the service's own
        refusal (400 `invalid_transition`). Otherwise 403."""
        user = self.request.user
        if predicate(user, leave):
            return
        if any(predicate(user, _at_step(leave, state)) for state in states if state != leave.state):
            raise _wrong_step(leave)
        raise exceptions.PermissionDenied(message)

    # --- The application ---------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        employee_id = core.actor_for(request.user).employee_id
        if employee_id is None:
            raise exceptions.PermissionDenied(_("Only employees apply for study leave, for themselves."))
        data = self.validated_input(StudyApplicationSerializer)
        employee = Employee.objects.select_related("education").get(pk=employee_id)
        with _service_errors():
            leave = study.create_draft(employee, study.ApplicationData(**data), by=request.user, today=local_today())
        return self.read_response(leave, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_edit_study,
            study.EDITABLE,
            _("Only the employee may correct their application."),
        )
        changes = self.validated_input(StudyApplicationSerializer, partial=True)
        current = {name: getattr(leave, name) for name in _APPLICATION_FIELDS}
        with _service_errors():
            study.update_draft(
                leave, study.ApplicationData(**(current | changes)), by=request.user, today=local_today()
            )
        return self.read_response(leave)

    @extend_schema(
        summary="Send an application to the supervisor",
        description="The employee, while it is a draft or returned. The pre-check must pass (400 `not_eligible` "
        "listing what fails, and nothing changes); its result is stored with the application.",
        request=None,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        leave = self.get_object()
        self._may(leave, permissions.can_edit_study, study.EDITABLE, _("Only the employee may send their application."))
        with _service_errors():
            study.submit(leave, by=request.user, today=local_today())
        return self.read_response(leave)

    @extend_schema(
        summary="Recommend an application as the supervisor",
        description="The employee's direct supervisor, while it waits for them (Admin BKPP when the employee has "
        "no supervisor who can sign in). The OPD's operator checks the dossier next.",
        request=StudyNoteSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_recommend_study,
            (_S.SUBMITTED,),
            _("Only the employee's direct supervisor may recommend this application."),
        )
        data = self.validated_input(StudyNoteSerializer)
        with _service_errors():
            study.recommend(leave, by=request.user, note=data["note"])
        return self.read_response(leave)

    @extend_schema(
        summary="Return an application for correction",
        description="With a reason the employee is told: the supervisor while it waits for them, the OPD's "
        "operator while it waits for the completeness check, Admin BKPP while it waits for the decision.",
        request=StudyReasonSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_correction(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_return_study,
            (_S.SUBMITTED, _S.RECOMMENDED, _S.CHECKED),
            _("You may not return this application now."),
        )
        data = self.validated_input(StudyReasonSerializer)
        with _service_errors():
            study.return_for_correction(leave, by=request.user, reason=data["reason"])
        return self.read_response(leave)

    @extend_schema(
        summary="Confirm an application's dossier is complete",
        description="The Operator OPD of the application's OPD (or Admin BKPP), once the supervisor recommended "
        "it: every required document must be there, else 400 `documents_missing` and nothing changes. BKPP "
        "decides next.",
        request=StudyNoteSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_check_study,
            (_S.RECOMMENDED,),
            _("Only the OPD's operator or Admin BKPP may check this application."),
        )
        data = self.validated_input(StudyNoteSerializer)
        with _service_errors():
            study.check_complete(leave, by=request.user, note=data["note"])
        return self.read_response(leave)

    def _bkpp_step(self, leave: StudyLeave, predicate: Callable[..., bool], *states: str) -> None:
        self._may(leave, predicate, states, _("Another BKPP officer must decide on your own study leave."))

    @extend_schema(
        summary="Approve an application with the decree",
        description="Admin BKPP only, once the dossier is checked: the decree (SK) number and its date (not in "
        "the future). The study begins at once when its start date has come, else on that date.",
        request=StudyApproveSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        leave = self.get_object()
        self._bkpp_step(leave, permissions.can_decide_study, _S.CHECKED)
        data = self.validated_input(StudyApproveSerializer)
        with _service_errors():
            study.approve(
                leave,
                by=request.user,
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                today=local_today(),
            )
        return self.read_response(leave)

    @extend_schema(
        summary="Reject an application",
        description="Admin BKPP only, once the dossier is checked, with a reason the employee is told.",
        request=StudyReasonSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        leave = self.get_object()
        self._bkpp_step(leave, permissions.can_decide_study, _S.CHECKED)
        data = self.validated_input(StudyReasonSerializer)
        with _service_errors():
            study.reject(leave, by=request.user, reason=data["reason"])
        return self.read_response(leave)

    @extend_schema(
        summary="Withdraw an application, or cancel an approved study before it starts",
        description="The employee, until the study starts (the reason is optional); Admin BKPP may cancel an "
        "approved study before its start date, with a reason.",
        request=StudyWithdrawSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_withdraw_study,
            (_S.DRAFT, *_S.in_review(), _S.APPROVED),
            _("Only the employee may withdraw their application."),
        )
        data = self.validated_input(StudyWithdrawSerializer)
        with _service_errors():
            study.withdraw(leave, by=request.user, reason=data["reason"])
        return self.read_response(leave)

    # --- Documents -----------------------------------------------------------------------------

    @extend_schema(
        summary="Upload a document of the application",
        description="The employee while it is a draft or returned; the OPD's operator or Admin BKPP while it "
        "waits for the supervisor or the completeness check. Multipart: `kind` and `file` (PDF, JPEG or PNG, "
        "judged by its content, size capped: 400 `file_type`, `empty_file`, `file_too_large`). A new file of a "
        "kind replaces the old one.",
        request={"multipart/form-data": StudyDocumentUploadSerializer},
        responses={201: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_attach_study_document,
            study.DOCUMENTS_EDITABLE,
            _("You may not add documents to this application now."),
        )
        data = self.validated_input(StudyDocumentUploadSerializer)
        with _service_errors():
            study.attach_document(leave, kind=data["kind"], uploaded=data["file"], by=request.user)
        return self.read_response(leave, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a document of an application",
        description="For whoever may see the application.",
        parameters=[OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=_FILE_RESPONSES,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_id>[^/]+)/file",
        url_name="document-file",
        content_negotiation_class=FileDownloadNegotiation,
    )
    def document_file(self, request, pk=None, document_id=None):
        leave = self.get_object()
        document = StudyDocument.objects.filter(leave=leave, pk=object_id_or_404(document_id)).first()
        if document is None:
            raise exceptions.NotFound()
        return protected_file_response(
            document.file, download_name=document.original_name, content_type=document.content_type
        )

    # --- During the study ----------------------------------------------------------------------

    @extend_schema(
        summary="Send a semester's progress report",
        description="The employee, the OPD's operator or Admin BKPP, while studying, for a semester that has "
        "started and is not reported yet (400 `semester_not_started`, `semester_reported`). Multipart: "
        "`semester`, `gpa`, `credits`, `notes` and the `transcript` (PDF, JPEG or PNG, judged by its content).",
        request={"multipart/form-data": StudyReportUploadSerializer},
        responses={201: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def reports(self, request, pk=None):
        leave = self.get_object()
        self._may(leave, permissions.can_report_study, (_S.ONGOING,), _("You may not send reports for this study."))
        data = self.validated_input(StudyReportUploadSerializer)
        with _service_errors(file="transcript"):
            study.submit_report(
                leave,
                semester=data["semester"],
                gpa=data["gpa"],
                credits=data["credits"],
                notes=data["notes"],
                transcript=data["transcript"],
                by=request.user,
                today=local_today(),
            )
        return self.read_response(leave, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a progress report's transcript",
        description="For whoever may see the study.",
        parameters=[OpenApiParameter("report_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=_FILE_RESPONSES,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"reports/(?P<report_id>[^/]+)/transcript",
        url_name="report-transcript",
        content_negotiation_class=FileDownloadNegotiation,
    )
    def report_transcript(self, request, pk=None, report_id=None):
        leave = self.get_object()
        report = StudyReport.objects.filter(leave=leave, pk=object_id_or_404(report_id)).first()
        if report is None:
            raise exceptions.NotFound()
        return protected_file_response(
            report.transcript, download_name=report.transcript_name, content_type=report.transcript_type
        )

    @extend_schema(
        summary="Ask for a study extension",
        description="The employee, the OPD's operator or Admin BKPP, while studying, with a reason; one request "
        "waits at a time (400 `extension_pending`). BKPP decides.",
        request=StudyExtensionRequestSerializer,
        responses={201: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        leave = self.get_object()
        self._may(
            leave,
            permissions.can_request_study_extension,
            (_S.ONGOING,),
            _("You may not ask for an extension of this study."),
        )
        data = self.validated_input(StudyExtensionRequestSerializer)
        with _service_errors():
            study.request_extension(leave, by=request.user, reason=data["reason"])
        return self.read_response(leave, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide the extension request waiting",
        description="Admin BKPP only. Approved: the planned end moves by the policy's months; the extension "
        "after the policy's number turns a tugas belajar into izin belajar (DOMAIN.md §7.2). Rejected: with a "
        "note the employee is told. 400 `no_extension_pending` when none waits.",
        request=StudyExtensionDecisionSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="extension/decision", url_name="extension-decision")
    def extension_decision(self, request, pk=None):
        leave = self.get_object()
        self._bkpp_step(leave, permissions.can_decide_study, _S.ONGOING)
        data = self.validated_input(StudyExtensionDecisionSerializer)
        pending = leave.extension_requests.filter(state=ExtensionState.REQUESTED).first()
        if pending is None:
            raise ServiceError(_("No extension request is waiting for a decision."), "no_extension_pending", None)
        with _service_errors():
            study.decide_extension(
                pending, by=request.user, approve=data["approve"], note=data["note"], today=local_today()
            )
        return self.read_response(leave)

    # --- The end -------------------------------------------------------------------------------

    @extend_schema(
        summary="Record that a study is completed",
        description="Admin BKPP only, while studying: the graduation and return dates (not in the future; the "
        "return not before the graduation) and the diploma number. The diploma joins the education history, "
        "the employee is back at work, and after a tugas belajar the service bond (2n + 1 years, DOMAIN.md "
        "§7.4) runs from the return date: `bond_years` and `bond_ends_on`.",
        request=StudyCompleteSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        leave = self.get_object()
        self._bkpp_step(leave, permissions.can_close_study, _S.ONGOING)
        data = self.validated_input(StudyCompleteSerializer)
        with _service_errors():
            study.complete(leave, by=request.user, **data, today=local_today())
        return self.read_response(leave)

    @extend_schema(
        summary="End a study early",
        description="Admin BKPP only, while studying: why (`reason_kind` and a written `reason`) and the day it "
        "ended (not in the future). The employee is back at work.",
        request=StudyTerminateSerializer,
        responses={200: StudyLeaveDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        leave = self.get_object()
        self._bkpp_step(leave, permissions.can_close_study, _S.ONGOING)
        data = self.validated_input(StudyTerminateSerializer)
        with _service_errors():
            study.terminate(leave, by=request.user, **data, today=local_today())
        return self.read_response(leave)

    # --- The pre-check -------------------------------------------------------------------------

    @extend_schema(
        summary="Pre-check a study plan for an employee",
        description="Every criterion of DOMAIN.md §7.2 for the employee and the plan, judged on the planned "
        "start date, with its verdict, message and numbers; nothing is saved. Give `ends_on` or "
        "`duration_months`. For the employee themselves, their direct supervisor, the operator of their OPD "
        "and Admin BKPP; any other NIP is a 404, as for an unknown one.",
        request=StudyPrecheckInputSerializer,
        responses={200: StudyPrecheckSerializer, **_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def precheck(self, request):
        if not permissions.may_precheck_anyone(request.user):
            raise exceptions.PermissionDenied(_("This account has no part in study leave."))
        data = self.validated_input(StudyPrecheckInputSerializer)
        employee = Employee.objects.select_related("education").filter(nip=normalize_digits(data["nip"])).first()
        if employee is None or not permissions.can_precheck_study(request.user, employee):
            raise Http404(_("Employee not found."))
        plan = rules.Plan(data["kind"], data["level"], data["accreditation"], data["starts_on"], data["ends_on"])
        with _service_errors():
            rules.check_plan_fields(plan)
            result = rules.precheck(employee, plan)
        body = {
            "employee": employee,
            "kind": plan.kind,
            "level": plan.level,
            "accreditation": plan.accreditation,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "eligible": result.eligible,
            "policy_valid_from": result.policy_valid_from,
            "criteria": [check.as_dict() for check in result.checks],
        }
        return Response(StudyPrecheckSerializer(body).data)
