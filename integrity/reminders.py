"""The integrity reminders (issue 7), registered with asn_portal.reminders from the app's
ready(). All three are legal duties, so they are mandatory (e-mail cannot be turned off).

- `integrity_lhkpn_annual`: the annual LHKPN/LHKASN (wealth report, *laporan harta
  kekayaan*) of the previous year is due on 31 March (DOMAIN.md §9.1). From 1 January to
  31 March, once a month, every employee in service appointed by the end of that year who has
  not filed it hears about it — whether or not the Inspektorat has opened the year yet.
- `integrity_lhkpn_new`: an employee whom a PPK decree newly designates as an LHKPN obligee
  files within 3 months of the designation (Peraturan KPK 2/2020 Pasal 4, DOMAIN.md §9.1);
  two weeks before that deadline, if no LHKPN was submitted since the designation.
- `integrity_gratification_forward`: once the employee has reported a gift, the UPG (Unit
  Pengendali Gratifikasi — here the Inspektorat) has 10 working days to forward it to the KPK
  or settle it itself (DOMAIN.md §9.2). The employee's own 10-working-day deadline is already
  behind them when the report exists, so the reminder goes to the party who must act now:
  three working days before (the officer handling the report, or every Inspektorat officer
  when nobody has taken it up) and on the day (every Inspektorat officer).

Need to know: an employee only ever hears about their own filing, and the gratification
messages, which only the Inspektorat receives, name the report by number — never the giver,
the gift or its value.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import reminders, workdays
from asn_portal.models import Employee, EmployeeStatus, Role, User
from integrity import rules, services
from integrity.models import (
    FilingChannel,
    FilingKind,
    GratificationReport,
    GratificationStatus,
    LhkpnDesignation,
    WealthReport,
)

ANNUAL = "integrity_lhkpn_annual"
NEW_OBLIGEE = "integrity_lhkpn_new"
GRATIFICATION = "integrity_gratification_forward"

NEW_OBLIGEE_NOTICE = dt.timedelta(days=14)  # "2 weeks before their 3-month deadline"
GRATIFICATION_NOTICE_WORKING_DAYS = 3
# Steps in which the UPG still has to forward (or settle) a report.
WAITING_FOR_UPG = (GratificationStatus.DILAPORKAN, GratificationStatus.DIVERIFIKASI)


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


# ---------------------------------------------------------------------------------------------
# The annual filing, 1 January – 31 March
# ---------------------------------------------------------------------------------------------


def in_annual_window(today: dt.date) -> bool:
    """1 January up to and including the annual due date, 31 March (DOMAIN.md §9.1)."""
    return dt.date(today.year, 1, 1) <= today <= rules.annual_due_on(today.year - 1)


def collect_annual(today: dt.date) -> list[reminders.Due]:
    """One query: the employees in service, with an active account, appointed by 31 December
    of the reporting year (TMT CPNS, else the year in the NIP / NI PPPK, as
    `services.appointed_on`) and without a submitted filing of that year."""
    if not in_annual_window(today):
        return []
    year = today.year - 1
    year_end = dt.date(year, 12, 31)
    filed = WealthReport.objects.filter(
        employee_id=OuterRef("pk"), year=year, submitted_on__isnull=False, submitted_on__lte=today
    )
    row_kind = WealthReport.objects.filter(employee_id=OuterRef("pk"), year=year).values("kind")[:1]
    # Digits 9–12 of a NIP / NI PPPK are the appointment year; compared as text ("2019" <= "2026").
    appointed = Q(cpns_tmt_on__lte=year_end) | Q(cpns_tmt_on__isnull=True, nip_year__lte=f"{year:04d}")
    rows = (
        services.with_lhkpn_obligation(Employee.objects.in_service(), year_end)
        .annotate(nip_year=Substr("nip", 9, 4), filing_kind=Subquery(row_kind))
        .filter(appointed, user__isnull=False, user__is_active=True)
        .exclude(Exists(filed))
        .values_list("user_id", "user__email", "filing_kind", "must_file_lhkpn")
        .order_by("pk")
    )
    due_on = rules.annual_due_on(year)
    url = reverse("integrity:me")
    texts = {}
    for kind, channel in ((FilingKind.LHKPN, FilingChannel.E_LHKPN), (FilingKind.LHKASN, FilingChannel.SIHARKA)):
        values = {"kind": kind.label, "year": year, "date": _long_date(due_on), "channel": channel.label}
        texts[kind] = (
            _("Your %(kind)s for %(year)s is due on %(date)s") % values,
            _(
                "File your %(kind)s for %(year)s in %(channel)s by %(date)s. Once it is filed, the Inspektorat "
                "records it in SIGAP and these monthly reminders stop. If you have filed already, tell the "
                "Inspektorat."
            )
            % values,
        )
    dues = []
    for user_id, email, filing_kind, must_file_lhkpn in rows.iterator(chunk_size=2000):
        kind = filing_kind or (FilingKind.LHKPN if must_file_lhkpn else FilingKind.LHKASN)
        title, body = texts[kind]
        dues.append(
            reminders.Due(
                recipient_id=user_id,
                email=email or "",
                object_key=f"filing-{year}",
                occasion=f"{today:%Y-%m}",  # monthly
                title=title,
                body=body,
                url=url,
            )
        )
    return dues


# ---------------------------------------------------------------------------------------------
# New obligees: 3 months from the designation
# ---------------------------------------------------------------------------------------------


def new_obligee_due_on(valid_from: dt.date) -> dt.date:
    """The LHKPN of a new obligee is due 3 months after the designation (DOMAIN.md §9.1)."""
    return valid_from + relativedelta(months=rules.NEW_OBLIGEE_MONTHS)


def collect_new_obligees(today: dt.date) -> list[reminders.Due]:
    """One query: LHKPN designations (must_file) still valid today whose deadline falls in the
    next 14 days (both ends included), of employees in service with an active account, that
    do not continue an earlier designation of the same employee and after whose start no
    LHKPN was submitted."""
    months = relativedelta(months=rules.NEW_OBLIGEE_MONTHS)
    # A generous range of start dates (month lengths differ); the exact test is in Python.
    earliest = today - months - dt.timedelta(days=4)
    latest = today + NEW_OBLIGEE_NOTICE - months + dt.timedelta(days=4)
    continued = LhkpnDesignation.objects.filter(
        employee_id=OuterRef("employee_id"), must_file=True, valid_to=OuterRef("valid_from")
    )
    filed = WealthReport.objects.filter(
        employee_id=OuterRef("employee_id"),
        kind=FilingKind.LHKPN,
        submitted_on__gte=OuterRef("valid_from"),
        submitted_on__lte=today,
    )
    rows = (
        LhkpnDesignation.objects.filter(
            must_file=True,
            valid_from__gte=earliest,
            valid_from__lte=latest,
            employee__status__in=EmployeeStatus.in_service(),
            employee__user__isnull=False,
            employee__user__is_active=True,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .exclude(Exists(continued))
        .exclude(Exists(filed))
        .values_list("pk", "employee__user_id", "employee__user__email", "valid_from", "decree_number")
        .order_by("pk")
    )
    url = reverse("integrity:me")
    dues = []
    for pk, user_id, email, valid_from, decree_number in rows:
        due_on = new_obligee_due_on(valid_from)
        if not due_on - NEW_OBLIGEE_NOTICE <= today <= due_on:
            continue
        values = {
            "date": _long_date(due_on),
            "from": _long_date(valid_from),
            "decree": decree_number,
            "channel": FilingChannel.E_LHKPN.label,
        }
        dues.append(
            reminders.Due(
                recipient_id=user_id,
                email=email or "",
                object_key=f"designation-{pk}",
                occasion="new-14d",
                title=_("Your first LHKPN is due on %(date)s") % values,
                body=_(
                    "You have been an LHKPN obligee since %(from)s (decree %(decree)s). A new obligee files the "
                    "LHKPN within 3 months: file it in %(channel)s by %(date)s, then tell the Inspektorat."
                )
                % values,
                url=url,
            )
        )
    return dues


# ---------------------------------------------------------------------------------------------
# Gratification: the UPG's 10 working days to forward a report to the KPK
# ---------------------------------------------------------------------------------------------


def collect_gratification(today: dt.date) -> list[reminders.Due]:
    """Three queries (the days off, the reports waiting for the UPG whose forwarding deadline
    is today or within 3 working days, the Inspektorat officers). "d3": the report is due in
    1–3 working days — to the officer handling it, or to every officer when nobody has taken
    it up (or its handler is no longer an officer); "d0": due today — to every officer."""
    horizon = workdays.add_working_days(today, GRATIFICATION_NOTICE_WORKING_DAYS, workdays.days_off(today, today))
    reports = list(
        GratificationReport.objects.filter(
            status__in=WAITING_FOR_UPG, forward_due_on__gte=today, forward_due_on__lte=horizon
        )
        .values_list("pk", "forward_due_on", "status", "handled_by_id")
        .order_by("forward_due_on", "pk")
    )
    if not reports:
        return []
    officers = dict(
        User.objects.filter(is_active=True, groups__name=Role.INSPEKTORAT)
        .values_list("pk", "email")
        .order_by("pk")
        .distinct()
    )
    dues = []
    for pk, due_on, status, handler_id in reports:
        values = {
            "number": pk,
            "date": date_format(due_on, "l, j F Y"),
            "step": GratificationStatus(status).label,
            "days": rules.GRATIFICATION_FORWARD_WORKING_DAYS,
        }
        body = (
            _(
                "The UPG has %(days)s working days from the report to forward it to the KPK, or to settle it itself "
                "for a gift it may decide. Deadline: %(date)s. Current step: %(step)s."
            )
            % values
        )
        if due_on == today:
            occasion, recipients = "d0", officers
            title = _("Gratification report no. %(number)s must be forwarded to the KPK today") % values
        else:
            occasion = "d3"
            recipients = {handler_id: officers[handler_id]} if handler_id in officers else officers
            title = _("Gratification report no. %(number)s: forward it to the KPK by %(date)s") % values
        url = reverse("integrity:gratification-detail", args=[pk])
        for user_id, email in recipients.items():
            dues.append(
                reminders.Due(
                    recipient_id=user_id,
                    email=email or "",
                    object_key=f"gratification-{pk}",
                    occasion=occasion,
                    title=title,
                    body=body,
                    url=url,
                )
            )
    return dues


# ---------------------------------------------------------------------------------------------


def register() -> None:
    reminders.register(
        reminders.ReminderKind(
            code=ANNUAL,
            label=gettext_lazy("LHKPN/LHKASN: annual wealth report"),
            description=gettext_lazy(
                "Once a month from 1 January to 31 March, to employees who have not filed the previous year's "
                "wealth report."
            ),
            collect=collect_annual,
            mandatory=True,
            hour=7,
            order=60,
        )
    )
    reminders.register(
        reminders.ReminderKind(
            code=NEW_OBLIGEE,
            label=gettext_lazy("LHKPN: new obligees"),
            description=gettext_lazy(
                "Two weeks before the 3-month deadline, to employees newly designated to file an LHKPN who have "
                "not filed it."
            ),
            collect=collect_new_obligees,
            mandatory=True,
            hour=7,
            order=61,
        )
    )
    reminders.register(
        reminders.ReminderKind(
            code=GRATIFICATION,
            label=gettext_lazy("Gratification: forwarding deadline of the UPG"),
            description=gettext_lazy(
                "To the Inspektorat, 3 working days before and on the day a gratification report must be "
                "forwarded to the KPK."
            ),
            collect=collect_gratification,
            mandatory=True,
            hour=7,
            order=62,
        )
    )
