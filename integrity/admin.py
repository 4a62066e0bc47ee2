"""Integrity records are the Inspektorat's and are worked in SIGAP's own pages, where every
read is logged. The Django admin shows them read-only, and only to superusers."""

from django.contrib import admin

from integrity.models import (
    DrugTestEvent,
    DrugTestResult,
    GratificationReport,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    SanctionType,
    WealthReport,
)


class SuperuserReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SanctionType)
class SanctionTypeAdmin(SuperuserReadOnlyAdmin):
    list_display = ("code", "name", "level", "duration_months", "is_dismissal")
    ordering = ("order",)


@admin.register(Sanction)
class SanctionAdmin(SuperuserReadOnlyAdmin):
    list_display = ("employee", "type", "starts_on", "ends_on", "is_annulled")
    list_select_related = ("employee", "type")
    raw_id_fields = ("employee",)


for model in (
    IntegrityCase,
    WealthReport,
    LhkpnDesignation,
    GratificationReport,
    DrugTestEvent,
    DrugTestResult,
    IntegrityPact,
):
    admin.site.register(model, SuperuserReadOnlyAdmin)
