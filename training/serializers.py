"""Serializers of the training API (v1). Adapters only: reads shape the models, writes validate
the input's shape and the views hand it to `training.services`, which own every rule (JP above
zero, dates in order, the registration window, eligibility, seats).

Related rows are named by the keys people know: a rank by its golongan/ruang ("III/a"), an OPD
by its code, an employee by NIP; programmes, sessions and registrations by id.

Choice fields are declared with their own schema component names (`ProgramCategory`,
`RegistrationState`, …): several models share field names such as `status` and `category`
with different choices, and drf-spectacular would otherwise have to guess enum names.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asn_portal.models import Employee, EmploymentType, Jenjang, OrgUnit, PositionKind, Rank
from asn_portal.serializers import RankRefSerializer, UnitRefSerializer
from training import permissions
from training.models import (
    Certificate,
    ConfirmationMode,
    Method,
    Organiser,
    OutsideLearning,
    OutsideStatus,
    Program,
    ProgramCategory,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionDay,
    SessionQuota,
    SessionStatus,
)

# --- Choice fields with named schema components -------------------------------------------------


def enum_field(choices, component_name: str) -> type[serializers.ChoiceField]:
    """A ChoiceField class over `choices` (a TextChoices class or (value, label) pairs) whose
    schema is the component `component_name`. With `allow_null=True` an unset value ("" in
    the database) reads as null."""
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
            super().__init__(**kwargs)

        def to_representation(self, value):
            if value in ("", None):
                return None if self.allow_null else value
            return super().to_representation(value)

    EnumField.__name__ = EnumField.__qualname__ = f"{component_name}Field"
    return EnumField


ProgramCategoryField = enum_field(ProgramCategory, "ProgramCategory")
TrainingMethodField = enum_field(Method, "TrainingMethod")
TrainingOrganiserField = enum_field(Organiser, "TrainingOrganiser")
SessionStatusField = enum_field(SessionStatus, "SessionStatus")
ConfirmationModeField = enum_field(ConfirmationMode, "ConfirmationMode")
RegistrationStateField = enum_field(RegistrationState, "RegistrationState")
OutsideLearningStatusField = enum_field(OutsideStatus, "OutsideLearningStatus")
TrainingPositionKindField = enum_field(PositionKind, "TrainingPositionKind")
TrainingJenjangField = enum_field(Jenjang, "TrainingJenjang")
TrainingEmploymentTypeField = enum_field(EmploymentType, "TrainingEmploymentType")
JpSourceField = enum_field(
    [("session", "A completed session here"), ("outside", "Verified outside learning")], "JpSource"
)


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class OptionalURLOutputField(serializers.CharField):
    """Output of a `blank=True` URLField: a URL, or "" when none is set. The schema says so,
    where the ModelSerializer's URLField would claim every value is a URI."""


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- Small nested representations -------------------------------------------------------------


class ProgramRefSerializer(serializers.ModelSerializer):
    category = ProgramCategoryField(read_only=True)

    class Meta:
        model = Program
        fields = ["id", "code", "title", "category"]
        read_only_fields = fields


class SessionRefSerializer(serializers.ModelSerializer):
    """Needs `program` selected."""

    program = ProgramRefSerializer(read_only=True)
    status = SessionStatusField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "program", "batch", "starts_on", "ends_on", "jp", "status"]
        read_only_fields = fields


class TrainingEmployeeRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "nip", "full_name"]
        read_only_fields = fields


# --- Programmes -------------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    """A programme of the catalogue. Needs `min_rank`, `max_rank` and `prior_program`
    selected. Empty prerequisite lists mean "anyone"."""

    category = ProgramCategoryField(read_only=True)
    method = TrainingMethodField(read_only=True)
    organiser = TrainingOrganiserField(read_only=True)
    competencies = serializers.ListField(child=serializers.CharField(), read_only=True)
    min_rank = RankRefSerializer(read_only=True, allow_null=True)
    max_rank = RankRefSerializer(read_only=True, allow_null=True)
    position_kinds = serializers.ListField(child=TrainingPositionKindField(), read_only=True)
    jenjang = serializers.ListField(child=TrainingJenjangField(), read_only=True)
    employment_types = serializers.ListField(child=TrainingEmploymentTypeField(), read_only=True)
    prior_program = ProgramRefSerializer(read_only=True, allow_null=True)
    mandatory_for_position_kinds = serializers.ListField(child=TrainingPositionKindField(), read_only=True)
    is_leadership = serializers.BooleanField(read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "code",
            "title",
            "category",
            "method",
            "default_jp",
            "organiser",
            "organiser_name",
            "competencies",
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
            "is_leadership",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class ProgramWriteSerializer(serializers.Serializer):
    """Input for creating (POST), replacing (PUT) or changing (PATCH) a programme. JP and the
    rank range are checked by the service (`training.services.save_program`)."""

    code = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    category = ProgramCategoryField()
    method = TrainingMethodField()
    default_jp = serializers.IntegerField(max_value=32767, help_text=_("JP (1 JP = 45 minutes); above zero."))
    organiser = TrainingOrganiserField()
    organiser_name = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    competencies = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, help_text=_("Free tags.")
    )
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    min_rank_code = serializers.SlugRelatedField(
        source="min_rank",
        slug_field="code",
        queryset=Rank.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_('Lowest golongan/ruang, e.g. "III/a".'),
    )
    max_rank_code = serializers.SlugRelatedField(
        source="max_rank",
        slug_field="code",
        queryset=Rank.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_('Highest golongan/ruang, e.g. "IV/b".'),
    )
    position_kinds = serializers.ListField(child=TrainingPositionKindField(), required=False, default=list)
    jenjang = serializers.ListField(child=TrainingJenjangField(), required=False, default=list)
    employment_types = serializers.ListField(child=TrainingEmploymentTypeField(), required=False, default=list)
    prior_program_id = serializers.PrimaryKeyRelatedField(
        source="prior_program",
        queryset=Program.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Id of a programme that must be completed first."),
    )
    blocked_by_sanction = serializers.BooleanField(
        required=False, default=False, help_text=_("New leadership programmes are always closed to sanctioned staff.")
    )
    mandatory_for_position_kinds = serializers.ListField(
        child=TrainingPositionKindField(), required=False, default=list
    )
    is_integrity_training = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_code(self, value: str) -> str:
        others = Program.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("A programme with this code exists already."), code="unique")
        return value

    def validate(self, attrs):
        prior = attrs.get("prior_program")
        if prior is not None and self.instance is not None and prior.pk == self.instance.pk:
            raise serializers.ValidationError(
                {"prior_program_id": [_("A programme cannot require itself.")]}, code="invalid"
            )
        return attrs


# --- Sessions ----------------------------------------------------------------------------------


class SessionDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionDay
        fields = ["id", "date", "starts_at", "ends_at", "topic"]
        read_only_fields = fields


class SessionQuotaSerializer(serializers.ModelSerializer):
    """Needs `opd` selected."""

    opd = UnitRefSerializer(read_only=True)

    class Meta:
        model = SessionQuota
        fields = ["opd", "seats", "release_on"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """One session (angkatan). Needs `program` selected, `days` and `quotas` (with `opd`)
    prefetched, and `today` in the context."""

    program = ProgramRefSerializer(read_only=True)
    online_link = OptionalURLOutputField(read_only=True, label=_("Online link"))
    confirmation_mode = ConfirmationModeField(read_only=True)
    status = SessionStatusField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    is_registration_open = serializers.SerializerMethodField(
        help_text=_("Open for registration today: status open and today within the window.")
    )
    days = SessionDaySerializer(many=True, read_only=True)
    quotas = SessionQuotaSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "program",
            "batch",
            "starts_on",
            "ends_on",
            "place",
            "online_link",
            "jp",
            "capacity",
            "confirmed_count",
            "seats_left",
            "registration_opens_on",
            "registration_closes_on",
            "cancellation_deadline",
            "is_registration_open",
            "approval_required",
            "confirmation_mode",
            "status",
            "cost_per_participant",
            "notes",
            "days",
            "quotas",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_registration_open(self, session: Session) -> bool:
        return session.registration_open_on(self.context["today"])


class CriterionSerializer(serializers.Serializer):
    """One eligibility criterion (training.rules.Criterion)."""

    code = serializers.CharField(help_text=_("Stable English code, e.g. `rank`, `standing`, `overlap`."))
    ok = serializers.BooleanField()
    message = serializers.CharField(help_text=_("Explanation in the request's language."))


class OwnRegistrationRefSerializer(serializers.ModelSerializer):
    state = RegistrationStateField(read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "state"]
        read_only_fields = fields


class SessionDetailSerializer(SessionSerializer):
    """A session with what it means for the caller: `eligibility` and `my_registration`
    from the context (both null for a caller without an employee record)."""

    eligibility = serializers.SerializerMethodField(
        help_text=_("Every criterion for the caller, each with its verdict; null when the caller is not an employee.")
    )
    my_registration = serializers.SerializerMethodField(
        help_text=_("The caller's live registration for this session, if any.")
    )

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "eligibility", "my_registration"]
        read_only_fields = fields

    @extend_schema_field(CriterionSerializer(many=True, allow_null=True))
    def get_eligibility(self, session: Session):
        criteria = self.context.get("eligibility")
        return None if criteria is None else CriterionSerializer(criteria, many=True).data

    @extend_schema_field(OwnRegistrationRefSerializer(allow_null=True))
    def get_my_registration(self, session: Session):
        registration = self.context.get("my_registration")
        return None if registration is None else OwnRegistrationRefSerializer(registration).data


class SessionUpdateSerializer(serializers.Serializer):
    """Input for replacing (PUT) or changing (PATCH) a session. The seats change through
    `capacity/`, the status through `status/`. Dates and JP are checked by the service."""

    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    jp = serializers.IntegerField(
        max_value=32767, required=False, help_text=_("JP of the session; default: the programme's.")
    )
    registration_opens_on = serializers.DateField()
    registration_closes_on = serializers.DateField()
    cancellation_deadline = serializers.DateField(
        required=False, help_text=_("Last day an employee may cancel; default: the day registration closes.")
    )
    approval_required = serializers.BooleanField(
        required=False, default=True, help_text=_("Off for open events: registrations skip the supervisor.")
    )
    confirmation_mode = ConfirmationModeField(required=False, default=ConfirmationMode.AUTOMATIC)
    cost_per_participant = serializers.DecimalField(
        max_digits=14, decimal_places=0, min_value=0, required=False, default=0, help_text=_("In rupiah.")
    )
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class SessionCreateSerializer(SessionUpdateSerializer):
    program_id = serializers.PrimaryKeyRelatedField(source="program", queryset=Program.objects.all())
    batch = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, help_text=_("Batch (angkatan); default: the next one.")
    )
    capacity = serializers.IntegerField(max_value=2147483647, help_text=_("Seats; at least one."))
    days = serializers.ListField(
        child=serializers.DateField(),
        required=False,
        max_length=400,
        help_text=_("The session's days; default: every date from the first day to the last."),
    )

    def validate(self, attrs):
        # The days are rows keyed by date: the same date twice would collide, and a day outside
        # the session could never be attended.
        if "days" in attrs:
            days = sorted(set(attrs["days"]))
            if days and (days[0] < attrs["starts_on"] or days[-1] > attrs["ends_on"]):
                raise serializers.ValidationError(
                    {"days": [_("Every day must fall between the first and the last day.")]}, code="day_outside"
                )
            attrs["days"] = days or None
        return attrs


class CapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(
        max_value=2147483647, help_text=_("Seats; not fewer than those already confirmed.")
    )


class SessionStatusChangeSerializer(serializers.Serializer):
    status = SessionStatusField(help_text=_("The next status."))
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Told to the participants when the session is cancelled."),
    )


class QuotaSerializer(serializers.Serializer):
    opd_code = serializers.SlugRelatedField(
        source="opd", slug_field="code", queryset=OrgUnit.objects.all(), help_text=_("Code of the OPD.")
    )
    seats = serializers.IntegerField(max_value=2147483647)
    release_on = serializers.DateField(help_text=_("From this day unused reserved seats return to the pool."))


# --- Attendance --------------------------------------------------------------------------------


class AttendanceEntrySerializer(serializers.Serializer):
    registration_id = serializers.IntegerField()
    employee = TrainingEmployeeRefSerializer()
    state = RegistrationStateField()
    present = serializers.BooleanField(allow_null=True, help_text=_("Null: not recorded yet."))


class AttendanceSerializer(serializers.Serializer):
    day = SessionDaySerializer()
    entries = AttendanceEntrySerializer(many=True, help_text=_("Every participant with a seat, by name."))


class AttendanceMarkSerializer(serializers.Serializer):
    registration_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    present = serializers.BooleanField()


class AttendanceInputSerializer(serializers.Serializer):
    entries = AttendanceMarkSerializer(many=True, required=False, default=list)
    all_present = serializers.BooleanField(
        required=False, default=False, help_text=_("Mark every confirmed participant present (entries are ignored).")
    )

    def validate(self, attrs):
        if not attrs["all_present"] and not attrs["entries"]:
            raise serializers.ValidationError(
                {"entries": [_("Give the attendance of at least one participant, or all_present.")]}, code="required"
            )
        return attrs


# --- Registrations ----------------------------------------------------------------------------


class CertificateRefSerializer(serializers.ModelSerializer):
    is_valid = serializers.BooleanField(read_only=True, help_text=_("False once revoked."))

    class Meta:
        model = Certificate
        fields = ["number", "code", "jp", "issued_on", "is_valid", "revoked_at"]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    """Needs `session__program`, `employee`, `opd`, `nominated_by` and `certificate`
    selected."""

    session = SessionRefSerializer(read_only=True)
    employee = TrainingEmployeeRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    state = RegistrationStateField(read_only=True)
    nominated_by = serializers.SerializerMethodField(help_text=_("Who nominated the employee; null: themselves."))
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "session",
            "employee",
            "opd",
            "state",
            "nominated_by",
            "motivation",
            "submitted_at",
            "queued_at",
            "score",
            "result_notes",
            "certificate",
            "updated_at",
        ]
        read_only_fields = fields

    def get_nominated_by(self, registration: Registration) -> str | None:
        return _username(registration.nominated_by)

    @extend_schema_field(CertificateRefSerializer(allow_null=True))
    def get_certificate(self, registration: Registration):
        certificate = getattr(registration, "certificate", None)  # selected with the row
        return None if certificate is None else CertificateRefSerializer(certificate).data


class RegistrationEventSerializer(serializers.ModelSerializer):
    from_state = RegistrationStateField(read_only=True, allow_null=True, help_text=_("Null for the first step."))
    to_state = RegistrationStateField(read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = RegistrationEvent
        fields = ["from_state", "to_state", "by", "at", "reason"]
        read_only_fields = fields

    def get_by(self, event: RegistrationEvent) -> str | None:
        return _username(event.by)


class RegistrationDetailSerializer(RegistrationSerializer):
    """With every step, oldest first. Needs `events` (with `by`) prefetched."""

    events = RegistrationEventSerializer(many=True, read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "events"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleSessionField(serializers.PrimaryKeyRelatedField):
    """A session by id among those the caller may see (drafts only for BKPP)."""

    def get_queryset(self):
        request = self.context.get("request")
        return permissions.sessions_visible_to(getattr(request, "user", None))


class RegistrationCreateSerializer(serializers.Serializer):
    session_id = VisibleSessionField(source="session")
    employee_nip = serializers.CharField(
        max_length=40,
        required=False,
        help_text=_(
            "NIP of the employee to nominate (operators: their OPD; BKPP: anyone). Leave out to register yourself."
        ),
    )
    motivation = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Required: told to the employee.")
    )


class ResultSerializer(serializers.Serializer):
    passed = serializers.BooleanField(
        allow_null=True, help_text=_("true: passed (certificate issued, JP credited); false: not passed; null: absent.")
    )
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None, help_text=_("0 to 100.")
    )
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- Outside learning -------------------------------------------------------------------------


class OutsideLearningSerializer(serializers.ModelSerializer):
    """Needs `employee`, `opd` and `decided_by` selected."""

    employee = TrainingEmployeeRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    category = ProgramCategoryField(read_only=True)
    status = OutsideLearningStatusField(read_only=True)
    decided_by = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = OutsideLearning
        fields = [
            "id",
            "employee",
            "opd",
            "title",
            "organiser",
            "category",
            "starts_on",
            "ends_on",
            "jp",
            "status",
            "reason",
            "decided_by",
            "decided_at",
            "certificate_type",
            "certificate_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_decided_by(self, record: OutsideLearning) -> str | None:
        return _username(record.decided_by)

    def get_certificate_url(self, record: OutsideLearning) -> str:
        return reverse("api-training-outside-learning-certificate", args=[record.pk])


class OutsideLearningCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    organiser = serializers.CharField(max_length=200, help_text=_('E.g. "LAN", "BPSDMD Jawa Tengah".'))
    category = ProgramCategoryField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text=_("JP count in the year the training ended."))
    jp = serializers.IntegerField(max_value=32767, help_text=_("Above zero."))
    certificate = serializers.FileField(help_text=_("PDF, JPEG or PNG; the content is checked, not the name."))


# --- JP ------------------------------------------------------------------------------------------


class JpQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=1900, max_value=2999, required=False, help_text=_("Calendar year; default: this year.")
    )


class JpEntrySerializer(serializers.Serializer):
    source = JpSourceField()
    id = serializers.IntegerField(help_text=_("Id of the registration or the outside-learning record."))
    title = serializers.CharField()
    jp = serializers.IntegerField()
    ended_on = serializers.DateField()


class EmployeeJpSerializer(serializers.Serializer):
    nip = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.IntegerField(help_text=_("JP a year the employee has the right and duty to (20 for PNS)."))
    jp_sessions = serializers.IntegerField(help_text=_("From sessions completed here that ended in the year."))
    jp_outside = serializers.IntegerField(help_text=_("From verified outside learning that ended in the year."))
    jp_total = serializers.IntegerField()
    entries = JpEntrySerializer(many=True, help_text=_("What earned the JP, newest first."))
