"""Reports over the API: the kinds the caller may request, their jobs (create, list, status)
and the finished file. The same services as the pages (asn_portal.reports): the same checks,
the same scoping (`reports.jobs_for`), the same task."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from asn_portal import reports
from asn_portal.drf import FileDownloadNegotiation, error_response, error_responses, object_id_or_404
from asn_portal.models import ReportJob
from asn_portal.uploads import protected_file_response


class ReportKindSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    parameters = serializers.SerializerMethodField(help_text="The parameters the kind takes, by name.")

    def get_parameters(self, kind) -> dict[str, dict]:
        form = kind.form_class(user=self.context["request"].user)
        described = {}
        for name, field in form.fields.items():
            entry = {"label": str(field.label or name), "required": field.required}
            choices = getattr(field, "choices", None)
            if choices is not None and not hasattr(field, "queryset"):
                entry["choices"] = [str(value) for value, _label in choices if value != ""]
            if hasattr(field, "queryset"):
                entry["choices"] = list(field.queryset.values_list("pk", flat=True)[:500])
            if getattr(field, "min_value", None) is not None:
                entry["min"] = field.min_value
            if getattr(field, "max_value", None) is not None:
                entry["max"] = field.max_value
            described[name] = entry
        return described


class ReportJobSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    error_message = serializers.CharField(read_only=True, help_text="Why it failed, in the request's language.")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "kind_label",
            "params",
            "status",
            "progress",
            "rows",
            "file_name",
            "error_code",
            "error_message",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ReportJob.Status.SUCCEEDED:
            return None
        return reverse("api-report-job-download", args=[job.pk])


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40, help_text="A kind code from GET /reports/kinds/.")
    params = serializers.DictField(required=False, default=dict, help_text="The kind's parameters by name.")


@extend_schema_view(
    list=extend_schema(summary="The report jobs the caller may see", responses={200: ReportJobSerializer}),
    retrieve=extend_schema(
        summary="One report job: status and progress", responses={200: ReportJobSerializer, **error_responses(404)}
    ),
)
@extend_schema(tags=["reports"])
class ReportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    # Any id reaches the view, which answers the API's 404 for ids that are not ids ("0.5").
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return reports.jobs_for(self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return reports.get_job_for_user(self.request.user, object_id_or_404(self.kwargs["pk"]))

    @extend_schema(
        summary="Request a report: it is built in the background",
        request=ReportRequestSerializer,
        responses={202: ReportJobSerializer, **error_responses(400, 403)},
    )
    def create(self, request):
        if not reports.can_use_reports(request.user):  # before the body: no kind is theirs
            raise exceptions.PermissionDenied(_("Your role has no reports to request."))
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = {key: "" if value is None else str(value) for key, value in data.validated_data["params"].items()}
        try:
            job = reports.request(request.user, data.validated_data["kind"], params)
        except reports.ReportParamsError as error:
            fields = {
                f"params.{name}": [{"code": "invalid", "message": message} for message in messages]
                for name, messages in error.errors.items()
            }
            return error_response("validation_error", _("The data is not valid."), 400, fields)
        except reports.ServiceError as error:
            if error.code == "forbidden":
                raise exceptions.PermissionDenied(error.message) from error
            raise
        return Response(ReportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The kinds of report the caller may request", responses={200: ReportKindSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def kinds(self, request):
        kinds = reports.kinds_for(request.user)
        return Response(ReportKindSerializer(kinds, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Try a failed report again",
        request=None,
        responses={202: ReportJobSerializer, **error_responses(400, 404)},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = reports.retry(request.user, self.get_object())
        return Response(ReportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The finished file (XLSX or PDF)",
        responses={
            # Every kind builds one of these (reports.XLSX, reports.PDF).
            (200, reports.XLSX): OpenApiTypes.BINARY,
            (200, reports.PDF): OpenApiTypes.BINARY,
            **error_responses(404),
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileDownloadNegotiation)
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != ReportJob.Status.SUCCEEDED or not job.file:
            raise exceptions.NotFound(_("The report is not ready."))
        return protected_file_response(job.file, download_name=job.file_name, content_type=job.content_type)
