"""Serializers of the core API (v1): employees, organisation units, the signed-in user and
API tokens. Adapters only: reads shape the models, writes validate the input's shape and
hand an `EmployeeData` to the services, which own every rule (asn_portal/services.py).

Writes name related rows by the keys people know: a unit by its code, a rank by its
golongan/ruang ("III/a"), an education level by its code, the supervisor by NIP and the
position (jabatan) by id.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asn_portal import permissions
from asn_portal.models import (
    EducationLevel,
    Employee,
    EmployeeStatus,
    EmploymentType,
    Jenjang,
    OrgUnit,
    Position,
    Rank,
)
from asn_portal.nip import format_nip, normalize_digits
from asn_portal.services import EmployeeData

# --- Small nested representations -------------------------------------------------------------


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]
        read_only_fields = fields


class RankRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rank
        fields = ["id", "code", "name"]
        read_only_fields = fields


class EducationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = EducationLevel
        fields = ["code", "name"]
        read_only_fields = fields


class PositionRefSerializer(serializers.ModelSerializer):
    jenjang = serializers.SerializerMethodField(help_text=_("Level of a functional position; null for other kinds."))

    class Meta:
        model = Position
        fields = ["id", "name", "kind", "jenjang"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Jenjang.choices, allow_null=True))
    def get_jenjang(self, position: Position) -> str | None:
        return position.jenjang or None


class SupervisorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "nip", "name"]
        read_only_fields = fields


# --- Employees: reading -----------------------------------------------------------------------


class EmployeeSerializer(serializers.ModelSerializer):
    """One employee as the API shows it. Needs `unit`, `opd`, `position`, `rank`,
    `education` and `supervisor` selected with the row (see `EmployeeViewSet`)."""

    nip_formatted = serializers.SerializerMethodField(help_text=_("The NIP in groups as printed on decrees."))
    full_name = serializers.CharField(read_only=True, help_text=_("Name with academic titles."))
    unit = UnitRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)
    position = PositionRefSerializer(read_only=True, allow_null=True)
    rank = RankRefSerializer(read_only=True, allow_null=True)
    education = EducationRefSerializer(read_only=True, allow_null=True)
    supervisor = SupervisorRefSerializer(read_only=True, allow_null=True)
    # A plain string: an unknown address is "", which an e-mail format would not allow.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "nip",
            "nip_formatted",
            "name",
            "front_title",
            "back_title",
            "full_name",
            "employment_type",
            "status",
            "gender",
            "born_on",
            "unit",
            "opd",
            "position",
            "rank",
            "rank_tmt_on",
            "pppk_grade",
            "education",
            "cpns_tmt_on",
            "pns_tmt_on",
            "supervisor",
            "email",
            "phone",
        ]
        read_only_fields = fields

    def get_nip_formatted(self, employee: Employee) -> str:
        return format_nip(employee.nip)


class EmployeeSummarySerializer(serializers.ModelSerializer):
    nip_formatted = serializers.SerializerMethodField()
    full_name = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    opd = UnitRefSerializer(read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "nip", "nip_formatted", "full_name", "unit", "opd"]
        read_only_fields = fields

    def get_nip_formatted(self, employee: Employee) -> str:
        return format_nip(employee.nip)


# --- Employees: writing -----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class VisibleEmployeeByNipField(serializers.SlugRelatedField):
    """An employee named by NIP (spaces allowed), looked up among the employees the caller
    may see: naming anyone else answers "does not exist", so nobody learns which NIPs
    exist."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="nip", **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return permissions.employees_visible_to(getattr(request, "user", None))

    def to_internal_value(self, data):
        return super().to_internal_value(normalize_digits(data) if isinstance(data, str) else data)


class EmployeeUpdateSerializer(serializers.Serializer):
    """Input for PUT (every field; optional ones left out are cleared) and PATCH (only the
    fields sent; the rest keep their current values). The NIP is never changed here: NIP
    corrections are made by BKN (DOMAIN.md §1.1 rule 6)."""

    name = serializers.CharField(max_length=150)
    front_title = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    back_title = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    status = serializers.ChoiceField(choices=EmployeeStatus.choices)
    unit_code = serializers.SlugRelatedField(
        source="unit", slug_field="code", queryset=OrgUnit.objects.all(), help_text=_("Code of the unit.")
    )
    position_id = serializers.PrimaryKeyRelatedField(
        source="position",
        queryset=Position.objects.select_related("unit"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Id of the position (jabatan); it must belong to the unit's OPD."),
    )
    rank_code = serializers.SlugRelatedField(
        source="rank",
        slug_field="code",
        queryset=Rank.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_('Golongan/ruang, e.g. "III/a". PNS and CPNS only.'),
    )
    rank_tmt_on = serializers.DateField(required=False, allow_null=True, default=None)
    pppk_grade = serializers.IntegerField(
        min_value=1, max_value=17, required=False, allow_null=True, default=None, help_text=_("PPPK only.")
    )
    education_code = serializers.SlugRelatedField(
        source="education",
        slug_field="code",
        queryset=EducationLevel.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_('Code of the highest education level, e.g. "S1".'),
    )
    cpns_tmt_on = serializers.DateField(required=False, allow_null=True, default=None)
    pns_tmt_on = serializers.DateField(required=False, allow_null=True, default=None)
    supervisor_nip = VisibleEmployeeByNipField(
        source="supervisor",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("NIP of the direct supervisor (atasan langsung)."),
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    @classmethod
    def api_field_names(cls) -> dict[str, str]:
        """{EmployeeData field: API field} where the two differ ("unit" → "unit_code"), so
        the services' field errors name the field the client sent."""
        return {field.source: name for name, field in cls().fields.items() if field.source and field.source != name}

    def update_data(self, employee: Employee) -> EmployeeData:
        """The validated input as `EmployeeData` for `employee`. On PATCH the fields not sent
        keep their current values; the NIP and NIK are always the employee's own."""
        values = self.validated_data
        if self.partial:
            values = {**current_values(employee), **values}
        return EmployeeData(nip=employee.nip, nik=employee.nik, **values)


class EmployeeCreateSerializer(EmployeeUpdateSerializer):
    nip = serializers.CharField(
        max_length=40, help_text=_("NIP (or NI PPPK) of 18 digits; spaces between the groups are allowed.")
    )
    status = serializers.ChoiceField(choices=EmployeeStatus.choices, required=False, default=EmployeeStatus.AKTIF)

    def create_data(self) -> EmployeeData:
        values = dict(self.validated_data)
        return EmployeeData(nip=values.pop("nip"), **values)


def current_values(employee: Employee) -> dict:
    """The employee's registry data in `EmployeeUpdateSerializer.validated_data` shape."""
    names = [field.source for field in EmployeeUpdateSerializer().fields.values()]
    return {name: getattr(employee, name) for name in names}


# --- Organisation units ----------------------------------------------------------------------


class OrgUnitSerializer(serializers.ModelSerializer):
    """A unit of the organisation tree. Needs `parent_code` annotated and `opd` selected
    (see `OrgUnitViewSet`); the tree's materialised path stays internal."""

    parent_code = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Code of the parent unit; null for an OPD.")
    )
    opd = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "depth", "parent_code", "opd", "is_active"]
        read_only_fields = fields


# --- The signed-in user and tokens --------------------------------------------------------------


class RolesSerializer(serializers.Serializer):
    admin_bkpp = serializers.BooleanField()
    inspektorat = serializers.BooleanField()
    operator_opd = serializers.ListField(
        child=serializers.CharField(), help_text=_("Codes of the OPDs this user is the HR operator of.")
    )
    is_supervisor = serializers.BooleanField(help_text=_("Has at least one direct subordinate."))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = RolesSerializer()
    employee = EmployeeSummarySerializer(allow_null=True)


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text=_("NIP (spaces allowed) or username."))
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=16,
        required=False,
        help_text=_("The 6-digit code of the authenticator app, for an account with two-factor sign-in."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as "Authorization: Token <token>".'))
