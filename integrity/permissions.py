"""Need to know for integrity records (issue: access). One place, used by pages and API.

- Inspektorat: sees and edits everything here.
- Admin BKPP: an employee's standing (yes/no, until) and filing compliance rates; never
  violation texts, gift values, case details or drug results.
- An employee: their own sanctions, filings, gratification reports and pacts (not cases, not
  drug results).
- Whoever may see an employee in the registry (a supervisor for a subordinate, an operator for
  their OPD, Admin BKPP): that employee's standing only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from asn_portal import permissions as core
from asn_portal.models import Employee
from integrity.models import (
    DrugTestEvent,
    DrugTestResult,
    GratificationReport,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    WealthReport,
)


def is_integrity_officer(user) -> bool:
    actor = core.actor_for(user)
    return actor.is_inspektorat or actor.is_superuser


def can_manage_integrity(user) -> bool:
    """Record, edit and process any integrity record."""
    return is_integrity_officer(user)


def can_import_sanctions(user) -> bool:
    """Sanctions carry violation texts: Inspektorat (and superusers) only."""
    return can_manage_integrity(user)


def can_import_filings(user) -> bool:
    """Filing dates are compliance data: Admin BKPP and Inspektorat (issue 3, part 2)."""
    actor = core.actor_for(user)
    return actor.is_admin or actor.is_inspektorat or actor.is_superuser


def can_view_compliance(user) -> bool:
    """Filing compliance rates per OPD and the list of late gratification reports (counts)."""
    actor = core.actor_for(user)
    return actor.is_inspektorat or actor.is_admin or actor.is_superuser


def can_view_standing(user, employee: Employee) -> bool:
    return is_integrity_officer(user) or core.can_view_employee(user, employee)


def can_report_gratification(user) -> bool:
    return core.actor_for(user).employee_id is not None


def _own_or_all(user, queryset: QuerySet) -> QuerySet:
    if is_integrity_officer(user):
        return queryset
    actor = core.actor_for(user)
    if actor.employee_id is None:
        return queryset.none()
    return queryset.filter(employee_id=actor.employee_id)


def sanctions_visible_to(user) -> QuerySet[Sanction]:
    return _own_or_all(user, Sanction.objects.all())


def filings_visible_to(user) -> QuerySet[WealthReport]:
    return _own_or_all(user, WealthReport.objects.all())


def gratification_reports_visible_to(user) -> QuerySet[GratificationReport]:
    return _own_or_all(user, GratificationReport.objects.all())


def pacts_visible_to(user) -> QuerySet[IntegrityPact]:
    return _own_or_all(user, IntegrityPact.objects.all())


def cases_visible_to(user) -> QuerySet[IntegrityCase]:
    return IntegrityCase.objects.all() if is_integrity_officer(user) else IntegrityCase.objects.none()


def drug_test_events_visible_to(user) -> QuerySet[DrugTestEvent]:
    return DrugTestEvent.objects.all() if is_integrity_officer(user) else DrugTestEvent.objects.none()


def drug_test_results_visible_to(user) -> QuerySet[DrugTestResult]:
    return DrugTestResult.objects.all() if is_integrity_officer(user) else DrugTestResult.objects.none()


def designations_visible_to(user) -> QuerySet[LhkpnDesignation]:
    return LhkpnDesignation.objects.all() if is_integrity_officer(user) else LhkpnDesignation.objects.none()


def _get(queryset: QuerySet, pk, message: str):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(message)
    return obj


def get_sanction_for_user(user, pk) -> Sanction:
    return _get(sanctions_visible_to(user).select_related("employee", "type"), pk, _("Sanction not found."))


def get_case_for_user(user, pk) -> IntegrityCase:
    return _get(cases_visible_to(user).select_related("employee", "sanction"), pk, _("Case not found."))


def get_filing_for_user(user, pk) -> WealthReport:
    return _get(filings_visible_to(user).select_related("employee", "opd"), pk, _("Filing not found."))


def get_gratification_report_for_user(user, pk) -> GratificationReport:
    return _get(gratification_reports_visible_to(user).select_related("employee"), pk, _("Report not found."))


def get_pact_for_user(user, pk) -> IntegrityPact:
    return _get(pacts_visible_to(user).select_related("employee"), pk, _("Pact not found."))


def get_drug_test_event_for_user(user, pk) -> DrugTestEvent:
    return _get(drug_test_events_visible_to(user), pk, _("Drug test not found."))


def get_employee_for_standing(user, *, pk=None, nip=None) -> Employee:
    """The employee whose standing `user` may read, or 404 (missing and not yours alike)."""
    lookup = {"pk": pk} if pk is not None else {"nip": nip}
    employee = Employee.objects.select_related("opd").filter(**lookup).first()
    if employee is None or not can_view_standing(user, employee):
        raise Http404(_("Employee not found."))
    return employee
