"""Core pages. Thin: load through permissions, call a service or selector, render."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from asn_portal import audit, extensions, permissions, reminders, selectors, services
from asn_portal.cache import dashboard_figure
from asn_portal.filters import EmployeeFilter
from asn_portal.forms import AuditLogFilter
from asn_portal.models import EmailOptOut, Notification

PAGE_SIZES = (10, 25, 50, 100)
EXTRA_FILTERS = ("opd", "unit", "rank", "position_kind", "employment_type", "status")


def _page_size(request, default=25) -> int:
    try:
        size = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default


@login_required
def dashboard(request):
    actor = permissions.actor_for(request.user)
    context = {"actor": actor, "cards": extensions.dashboard_cards(request)}
    if actor.employee_id:
        context["me"] = permissions.get_employee_for_user(request.user, pk=actor.employee_id)
        team = list(selectors.team_of(actor.employee_id)[:50])
        context["team"] = team
    if permissions.can_view_headcount(request.user):
        scope = permissions.employees_visible_to(request.user)
        scope_key = "all"
        if not actor.sees_everyone:
            scope = scope.filter(opd_id__in=actor.operator_opd_ids)
            scope_key = "opd-" + "-".join(str(opd_id) for opd_id in sorted(actor.operator_opd_ids))
        # City-wide grouped counts: reused for a few minutes (the section says when counted).
        counts, context["headcount_counted_at"] = dashboard_figure(
            f"headcount:{scope_key}:{timezone.localdate().isoformat()}", lambda: selectors.headcount_counts(scope)
        )
        context["headcount"] = selectors.headcount_labels(counts)
    return render(request, "portal/dashboard.html", context)


@login_required
def employee_list(request):
    visible = permissions.employees_visible_to(request.user)
    employee_filter = EmployeeFilter(request.GET or None, queryset=visible)
    queryset = employee_filter.qs if employee_filter.is_bound and employee_filter.is_valid() else visible
    if employee_filter.is_bound and not employee_filter.is_valid():
        queryset = visible.none()
    queryset = queryset.for_listing().order_by("name", "id")
    paginator = Paginator(queryset, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": employee_filter,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "per_page": paginator.per_page,
        "query": query.urlencode(),
        "page_sizes": PAGE_SIZES,
        # How many filters beyond the search box are set: the phone layout folds them away
        # and shows this number on the "Filters" button instead.
        "extra_filters": sum(1 for name in EXTRA_FILTERS if request.GET.get(name)),
        "can_import": permissions.can_import_employees(request.user),
    }
    template = "portal/employee_list.html"
    # htmx live search swaps only the results; a history restore (back button after the
    # browser dropped its snapshot) needs the whole page again.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def employee_detail(request, pk: int):
    employee = permissions.get_employee_for_user(request.user, pk=pk)
    audit.log_read(employee, by=request.user)
    tabs = extensions.profile_tabs(request, employee)
    # "Personal data" is the first section; an unknown or hidden tab falls back to it.
    requested = request.GET.get("tab", "")
    active = requested if requested in {tab.slug for tab, _tab_context in tabs} else "data"
    context = {
        "employee": employee,
        "tabs": tabs,
        "active_tab": active,
        "can_change": permissions.can_change_employee(request.user, employee),
        "subordinates": list(selectors.team_of(employee.pk)[:50]),
    }
    return render(request, "portal/employee_detail.html", context)


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


@login_required
def notification_settings(request):
    """Which optional reminders also come by e-mail (mandatory ones always do)."""
    kinds = reminders.all_kinds()
    optional = {kind.code for kind in kinds if not kind.mandatory}
    if request.method == "POST":
        chosen = [code for code in request.POST.getlist("email") if code in optional]
        reminders.set_email_choices(request.user, chosen)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("portal:notification-settings")
    opted = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    rows = [{"kind": kind, "email": kind.mandatory or kind.code not in opted} for kind in kinds]
    return render(request, "portal/notification_settings.html", {"rows": rows, "has_email": bool(request.user.email)})


@login_required
@never_cache
def notification_bell(request):
    """The navbar bell, refreshed by htmx every minute."""
    unread = Notification.objects.filter(recipient=request.user).unread()
    context = {
        "unread_count": unread.count(),
        "latest": list(unread.order_by("-created_at", "-id")[:5]),
    }
    return render(request, "portal/_notification_bell.html", context)


@login_required
@require_POST
def notification_mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.mark_notifications_read(request.user, ids)
    if request.htmx:
        return notification_bell(request)
    return redirect("portal:notification-list")


@login_required
def audit_log(request):
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied(_("Only Admin BKPP can read the audit trail."))
    entries = (
        LogEntry.objects.select_related("actor", "content_type")
        .exclude(content_type__app_label__in=extensions.audit_apps_hidden_from(request.user))
        .order_by("-timestamp", "-id")
    )
    audit_filter = AuditLogFilter(request.GET or None, queryset=entries)
    page = Paginator(audit_filter.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/audit_log.html", {"filter": audit_filter, "page": page, "query": query.urlencode()})


@never_cache
def healthz(request):
    """Liveness and readiness for the container runtime: the database answers and, when a
    broker is configured, Redis answers. 200 when all is well, 503 otherwise."""
    from django.conf import settings

    checks = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
        ok = False
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc.__class__.__name__}"
            ok = False
    else:
        checks["broker"] = "not configured (tasks run in-process)"
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico on their own (e.g. beside a PDF they display)."""
    return HttpResponsePermanentRedirect(static("img/logo-sigap.svg"))
