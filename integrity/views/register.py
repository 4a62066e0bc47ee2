"""The Inspektorat's register (one tab per kind of record), the compliance dashboard and the
NIP look-up behind the employee pickers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import permissions as core_permissions
from asn_portal.nip import format_nip, normalize_digits
from integrity import forms, permissions, selectors
from integrity.models import FilingStatus, SanctionState
from integrity.views.common import require_manager

PAGE_SIZES = (10, 25, 50, 100)


@dataclass(frozen=True)
class Action:
    url_name: str
    label: str
    icon: str
    query: str = ""  # appended to the reversed URL, e.g. "?kind=…"


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    icon: str
    filter_class: type
    template: str
    visible: Callable  # (user) -> queryset
    rows: Callable  # (filtered queryset, today) -> queryset for the page
    actions: tuple[Action, ...]
    empty_title: str
    empty_hint: str
    # Adds what a row shows that follows from "today" in Python (the sanction's state).
    decorate: Callable | None = None


def _sanction_states(rows, on):
    for row in rows:
        row.state = SanctionState(row.state_on(on))


def _filing_states(rows, on):
    for row in rows:
        row.status = FilingStatus(row.status_on)


TABS = {
    tab.slug: tab
    for tab in (
        Tab(
            "hukuman",
            gettext_lazy("Disciplinary sanctions"),
            "bi-exclamation-octagon",
            forms.SanctionFilter,
            "integrity/register/_sanctions.html",
            permissions.sanctions_visible_to,
            lambda qs, on: selectors.sanction_rows(qs),
            (
                Action("integrity:sanction-create", gettext_lazy("Record a sanction"), "bi-plus-lg"),
                Action(
                    "portal:employee-import",
                    gettext_lazy("Import from a spreadsheet"),
                    "bi-cloud-arrow-up",
                    "?kind=hukuman_disiplin",
                ),
            ),
            gettext_lazy("No disciplinary sanctions recorded yet"),
            gettext_lazy("Record a sanction from its decree (SK); the employee's standing follows from it at once."),
            _sanction_states,
        ),
        Tab(
            "aduan",
            gettext_lazy("Cases"),
            "bi-megaphone",
            forms.CaseFilter,
            "integrity/register/_cases.html",
            permissions.cases_visible_to,
            lambda qs, on: selectors.case_rows(qs),
            (Action("integrity:case-create", gettext_lazy("Open a case"), "bi-plus-lg"),),
            gettext_lazy("No cases yet"),
            gettext_lazy(
                "Open a case for a complaint from aduanasn.id or the public, or a finding of an internal audit. "
                "Positive drug tests open one by themselves."
            ),
        ),
        Tab(
            "lhkpn",
            gettext_lazy("LHKPN / LHKASN"),
            "bi-file-earmark-text",
            forms.FilingFilter,
            "integrity/register/_filings.html",
            permissions.filings_visible_to,
            selectors.filing_rows,
            (
                Action("integrity:filing-submission", gettext_lazy("Record a submission"), "bi-check2-square"),
                Action(
                    "portal:employee-import",
                    gettext_lazy("Import submissions"),
                    "bi-cloud-arrow-up",
                    "?kind=pelaporan_harta",
                ),
                Action("integrity:filing-open-year", gettext_lazy("Open a reporting year"), "bi-calendar-plus"),
                Action("integrity:filing-create", gettext_lazy("Add one filing"), "bi-plus-lg"),
                Action("integrity:designation-list", gettext_lazy("LHKPN designations"), "bi-person-check"),
            ),
            gettext_lazy("No filings yet"),
            gettext_lazy(
                "Open a reporting year: SIGAP creates the filing of every employee in service, LHKPN or LHKASN as "
                "the position requires."
            ),
            _filing_states,
        ),
        Tab(
            "gratifikasi",
            gettext_lazy("Gratification"),
            "bi-gift",
            forms.GratificationFilter,
            "integrity/register/_gratification.html",
            permissions.gratification_reports_visible_to,
            lambda qs, on: selectors.gratification_rows(qs),
            (Action("integrity:gratification-create", gettext_lazy("Record a report"), "bi-plus-lg"),),
            gettext_lazy("No gratification reports yet"),
            gettext_lazy(
                "Employees report gifts themselves on “My integrity”; a report made on paper to the UPG can be "
                "recorded here."
            ),
        ),
        Tab(
            "tes-urine",
            gettext_lazy("Drug tests"),
            "bi-clipboard2-pulse",
            forms.DrugTestFilter,
            "integrity/register/_drug_tests.html",
            permissions.drug_test_events_visible_to,
            lambda qs, on: selectors.drug_test_rows(qs),
            (Action("integrity:drug-test-create", gettext_lazy("Record a drug test"), "bi-plus-lg"),),
            gettext_lazy("No drug tests recorded yet"),
            gettext_lazy("Record a test event (date, organiser, OPDs covered), then each employee's result."),
        ),
        Tab(
            "pakta",
            gettext_lazy("Integrity pacts"),
            "bi-pen",
            forms.PactFilter,
            "integrity/register/_pacts.html",
            permissions.pacts_visible_to,
            lambda qs, on: selectors.pact_rows(qs),
            (Action("integrity:pact-create", gettext_lazy("Record a pact"), "bi-plus-lg"),),
            gettext_lazy("No integrity pacts recorded yet"),
            gettext_lazy("Record a signed pakta integritas with its scanned document."),
        ),
    )
}
DEFAULT_TAB = "hukuman"


def _page_size(request, default=25) -> int:
    try:
        size = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default


@login_required
def register(request):
    """The Inspektorat's register: one paginated, filtered list per kind of record, in a fixed
    number of queries whatever the number of rows."""
    require_manager(request)
    slug = request.GET.get("tab", DEFAULT_TAB)
    tab = TABS.get(slug) or TABS[DEFAULT_TAB]
    on = selectors.today()
    visible = tab.visible(request.user)
    register_filter = tab.filter_class(request.GET, queryset=visible, today=on)
    queryset = register_filter.qs if register_filter.is_valid() else visible.none()
    paginator = Paginator(tab.rows(queryset, on), _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if tab.decorate:
        tab.decorate(rows, on)
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab.slug
    filtered = bool(request.GET.get("q")) or register_filter.extra_count > 0
    context = {
        "tabs": TABS.values(),
        "tab": tab,
        "filter": register_filter,
        "page": page,
        "rows": rows,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "per_page": paginator.per_page,
        "page_sizes": PAGE_SIZES,
        "query": query.urlencode(),
        "filtered": filtered,
        "extra_filters": register_filter.extra_count,
        "today": on,
    }
    template = "integrity/register.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def compliance(request):
    """LHKPN/LHKASN filing rate per OPD for a reporting year, and late gratification reports
    per OPD: counts only, for Admin BKPP and the Inspektorat."""
    if not permissions.can_view_compliance(request.user):
        raise PermissionDenied(_("Only Admin BKPP and the Inspektorat see filing compliance."))
    on = selectors.today()
    default = selectors.campaign_year(on)
    years = sorted({*selectors.filing_years(), default}, reverse=True)
    form = forms.ComplianceForm(request.GET or None, years=years, initial={"year": default})
    year, kind = default, ""
    if form.is_bound and form.is_valid():
        year, kind = form.cleaned_data["year"], form.cleaned_data["kind"]
    filings = selectors.filing_compliance(year, on, kind)
    chart = [{k: row[k] for k in ("name", "on_time", "late", "not_filed", "pending")} for row in filings["by_opd"]]
    context = {
        "form": form,
        "year": year,
        "kind": kind,
        "filings": filings,
        "chart": chart,
        "chart_height": max(220, 34 * len(chart) + 70),
        "gratification": selectors.late_gratification_by_opd(year),
        "can_manage": permissions.can_manage_integrity(request.user),
        "today": on,
    }
    return render(request, "integrity/compliance.html", context)


@login_required
def employee_lookup(request):
    """Who a typed NIP belongs to, shown under the pickers while the Inspektorat types."""
    require_manager(request)
    nip = normalize_digits(request.GET.get("nip", ""))
    employee = None
    if nip.isdigit() and len(nip) == 18:
        employee = (
            core_permissions.employees_visible_to(request.user)
            .select_related("opd", "position")
            .filter(nip=nip)
            .first()
        )
    context = {"employee": employee, "nip": format_nip(nip), "complete": nip.isdigit() and len(nip) == 18}
    return render(request, "integrity/_employee_lookup.html", context)
