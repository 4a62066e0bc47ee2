"""Django admin for Admin BKPP: reference data is edited here; registry data (employees, the
organisation tree) is read here and changed through the import, the API and the services,
so the rules in services.py always apply."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from asn_portal import services
from asn_portal.models import (
    CollectiveLeave,
    EducationLevel,
    Employee,
    ImportJob,
    Notification,
    OperatorGrant,
    OrgUnit,
    Position,
    Rank,
    ReportJob,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "email", "is_active", "is_staff", "last_login")
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ("id", "code", "name")
    ordering = ("id",)
    readonly_fields = ("id", "code", "golongan", "ruang")

    def has_add_permission(self, request):
        return False  # the 17 ranks are fixed by regulation (DOMAIN.md §2.1)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EducationLevel)
class EducationLevelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "starting_rank", "regular_promotion_ceiling")
    ordering = ("order",)


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "depth", "opd", "is_active")
    list_filter = ("kind", "is_active", "depth")
    search_fields = ("code", "name")
    ordering = ("path",)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jenjang", "unit", "is_corruption_prone", "is_active")
    list_filter = ("kind", "jenjang", "is_active", *Position.CORRUPTION_PRONE_FLAGS)
    search_fields = ("name", "unit__name", "unit__code")
    raw_id_fields = ("unit",)
    list_select_related = ("unit",)

    @admin.display(boolean=True, description=_("corruption-prone duties"))
    def is_corruption_prone(self, obj):
        return obj.is_corruption_prone


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    list_display = ("nip", "name", "employment_type", "status", "opd", "rank")
    list_filter = ("employment_type", "status", "rank")
    search_fields = ("=nip", "name")
    list_select_related = ("opd", "rank")
    show_full_result_count = False


@admin.register(OperatorGrant)
class OperatorGrantAdmin(admin.ModelAdmin):
    """Granting through the service keeps the Operator OPD group in step with the grants."""

    list_display = ("user", "opd", "granted_at", "granted_by")
    raw_id_fields = ("user",)
    fields = ("user", "opd")
    list_select_related = ("user", "opd", "granted_by")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        grant = services.grant_operator(obj.user, obj.opd, by=request.user)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        services.revoke_operator(obj.user, obj.opd, by=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "opd"):
            services.revoke_operator(grant.user, grant.opd, by=request.user)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "title", "kind", "created_at", "read_at", "email_due", "emailed_at")
    list_filter = ("kind", "email_due")
    raw_id_fields = ("recipient",)
    search_fields = ("title", "recipient__username")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "kind", "status", "requested_by", "created_at", "total_rows")
    list_filter = ("kind", "status")


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    """For support: what was asked, by whom, how it went (the files are served by /reports/)."""

    list_display = ("kind", "status", "progress", "requested_by", "created_at", "finished_at", "attempts", "error_code")
    list_filter = ("kind", "status")
    exclude = ("file",)


@admin.register(CollectiveLeave)
class CollectiveLeaveAdmin(admin.ModelAdmin):
    """Cuti bersama: the days off the holidays package cannot know (working-day deadlines)."""

    list_display = ("date", "name")
    date_hierarchy = "date"
    ordering = ("-date",)
