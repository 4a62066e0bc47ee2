"""Django admin for careers: Admin BKPP edits the reference data every rule reads (DOMAIN.md,
"Product decisions": promotion periods and rules, angka kredit tables, golongan crossings,
Satyalancana, the study-leave policy and per-level limits) without a deploy. Histories,
proposals and study leaves are read here only: they change through SIGAP's pages, imports and
the API, so the services' rules always apply."""

from django.contrib import admin

from careers.models import (
    CreditCoefficient,
    CreditRequirement,
    EducationHistory,
    GolonganCrossing,
    PositionHistory,
    PredikatRate,
    PromotionProposal,
    PromotionRegime,
    PromotionRule,
    RankHistory,
    SatyalancanaRule,
    StudyLeave,
    StudyLevelRule,
    StudyPolicy,
)

# (model name, actions) Admin BKPP's group gets in the admin; see asn_portal/roles.py.
REFERENCE_MODELS = (
    "promotionregime",
    "promotionrule",
    "creditcoefficient",
    "predikatrate",
    "creditrequirement",
    "golongancrossing",
    "satyalancanarule",
    "studypolicy",
    "studylevelrule",
)
READ_ONLY_MODELS = ("rankhistory", "positionhistory", "educationhistory", "promotionproposal", "studyleave")


def role_permissions() -> set[tuple[str, str]]:
    wanted = {("careers", f"{action}_{model}") for model in REFERENCE_MODELS for action in ("view", "add", "change")}
    return wanted | {("careers", f"view_{model}") for model in READ_ONLY_MODELS}


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(admin.ModelAdmin):
    """Rows older rules and snapshots refer to are never deleted: a change is a new row with a
    later `valid_from` (or an edit of today's numbers)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PromotionRegime)
class PromotionRegimeAdmin(ReferenceAdmin):
    list_display = ("name", "valid_from", "months", "internal_deadline_days", "regulation")


@admin.register(PromotionRule)
class PromotionRuleAdmin(ReferenceAdmin):
    list_display = ("kind", "valid_from", "version", "years_in_rank", "skp_years")
    list_filter = ("kind",)


@admin.register(CreditCoefficient)
class CreditCoefficientAdmin(ReferenceAdmin):
    list_display = ("jenjang", "valid_from", "coefficient")


@admin.register(PredikatRate)
class PredikatRateAdmin(ReferenceAdmin):
    list_display = ("predikat", "percent")


@admin.register(CreditRequirement)
class CreditRequirementAdmin(ReferenceAdmin):
    list_display = ("jenjang", "rank", "for_rank", "for_jenjang")
    list_filter = ("jenjang",)
    list_select_related = ("rank",)


@admin.register(GolonganCrossing)
class GolonganCrossingAdmin(ReferenceAdmin):
    list_display = ("from_rank", "exam", "exempt_education", "exempt_functional")
    list_select_related = ("from_rank", "exempt_education")


@admin.register(SatyalancanaRule)
class SatyalancanaRuleAdmin(ReferenceAdmin):
    list_display = ("award", "years", "excluding_levels")


@admin.register(StudyPolicy)
class StudyPolicyAdmin(ReferenceAdmin):
    list_display = (
        "valid_from",
        "min_service_months",
        "min_accreditation",
        "release_after_months",
        "bond_multiplier",
        "bond_extra_years",
        "regulation",
    )


@admin.register(StudyLevelRule)
class StudyLevelRuleAdmin(ReferenceAdmin):
    list_display = (
        "level",
        "valid_from",
        "tugas_max_age",
        "tugas_max_age_special",
        "tugas_max_months",
        "izin_max_months",
    )
    list_select_related = ("level",)


@admin.register(RankHistory)
class RankHistoryAdmin(ReadOnlyAdmin):
    list_display = ("employee", "rank", "tmt_on", "kind", "decree_number")
    list_select_related = ("employee", "rank")
    search_fields = ("employee__nip", "employee__name")


@admin.register(PositionHistory)
class PositionHistoryAdmin(ReadOnlyAdmin):
    list_display = ("employee", "name", "kind", "tmt_on")
    list_select_related = ("employee",)
    search_fields = ("employee__nip", "employee__name")


@admin.register(EducationHistory)
class EducationHistoryAdmin(ReadOnlyAdmin):
    list_display = ("employee", "level", "institution", "graduated_on", "path")
    list_select_related = ("employee", "level")
    search_fields = ("employee__nip", "employee__name")


@admin.register(PromotionProposal)
class PromotionProposalAdmin(ReadOnlyAdmin):
    list_display = ("employee", "period_on", "kind", "to_rank", "state")
    list_filter = ("state", "kind")
    list_select_related = ("employee", "to_rank")
    search_fields = ("employee__nip", "employee__name")


@admin.register(StudyLeave)
class StudyLeaveAdmin(ReadOnlyAdmin):
    list_display = ("employee", "kind", "level", "state", "starts_on", "ends_on", "bond_ends_on")
    list_filter = ("state", "kind")
    list_select_related = ("employee", "level")
    search_fields = ("employee__nip", "employee__name")
