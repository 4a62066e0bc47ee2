"""The reports of careers (issue 7), registered with `asn_portal.reports` from
`CareersConfig.ready()`:

- `promotion_candidates`: every promotable employee the requester prepares (Admin BKPP: the
  city; Operator OPD: their OPDs), judged by the eligibility engine for one period in one
  query (DOMAIN.md §3.1–3.2): current rank and TMT, target rank, kind of promotion, eligible or
  the first criterion not met, and the proposal for the period if any.
- `study_roster`: the study-leave roster (DOMAIN.md §7): who studies now, who serves a service
  bond after a tugas belajar, who left the service during the bond — with the kind, level,
  institution, programme, dates, state, semester reports overdue, the bond's end and the
  months left.

Both are XLSX files streamed from a database iterator (`asn_portal.reports.write_xlsx`), in a
fixed number of queries whatever the number of rows. Admin BKPP and the Operator OPD request
them; Admin BKPP reads everyone's. The parameter forms refuse an OPD the requester does not
prepare and a period that is not a period, too far ahead or without rules in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import permissions as core_permissions
from asn_portal import reports
from asn_portal.models import OrgUnit
from asn_portal.reports import XLSX, Built, ReportError, ReportForm
from asn_portal.services import ServiceError
from careers import eligibility, periods, selectors
from careers import permissions as careers_permissions
from careers import study_rules as rules
from careers.forms import PeriodField
from careers.models import (
    PromotionKind,
    ProposalState,
    StudyKind,
    StudyLeave,
    StudyPolicy,
    StudyReport,
    StudyState,
)

S = StudyState
PAST_PERIODS_MONTHS = 12  # the period picker also offers the periods of the past year


def _today() -> dt.date:
    return timezone.localdate()


class _OpdField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=OrgUnit.objects.none(),
            required=False,
            label=gettext_lazy("OPD"),
            empty_label=gettext_lazy("All OPDs I may see"),
            error_messages={"invalid_choice": gettext_lazy("Choose one of your OPDs.")},
            **kwargs,
        )


def _opd(params: dict) -> OrgUnit | None:
    opd_id = params.get("opd")
    return OrgUnit.objects.filter(pk=opd_id).first() if opd_id else None


def _file_name(stem: str, opd: OrgUnit | None, suffix: str = "") -> str:
    parts = [stem, *([opd.code.lower()] if opd is not None else []), *([suffix] if suffix else [])]
    return "-".join(parts) + ".xlsx"


# ---------------------------------------------------------------------------------------------
# Promotion candidates
# ---------------------------------------------------------------------------------------------


def latest_period(today: dt.date) -> dt.date:
    """The furthest period a candidates report may be asked for: the last one the careers pages
    offer (`selectors.period_choices`); beyond it nothing is decided yet."""
    choices = selectors.period_choices(today)
    return choices[-1].on if choices else today


class CandidatesReportForm(ReportForm):
    period = PeriodField(label=gettext_lazy("Promotion period (TMT)"))
    opd = _OpdField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        today = _today()
        self.fields["opd"].queryset = selectors.opds_for(user)
        coming = selectors.period_choices(today)
        past = periods.periods_between(today - relativedelta(months=PAST_PERIODS_MONTHS), today)
        days = sorted({*past, *(choice.on for choice in coming)})
        self.fields["period"].widget = forms.Select(
            choices=[(day.isoformat(), date_format(day, "j F Y")) for day in days]
        )
        self.fields["period"].initial = (selectors.default_period(coming) or today).isoformat()

    def clean_period(self):
        period = self.cleaned_data.get("period")
        if period is None:
            return period
        latest = latest_period(_today())
        if period > latest:
            raise ValidationError(
                _("The period cannot be later than %(date)s: nothing is decided for it yet.")
                % {"date": date_format(latest, "j F Y")},
                code="too_far",
            )
        try:
            eligibility.load_context(period)
        except ServiceError as error:
            raise ValidationError(error.message, code=error.code) from error
        return period


def candidate_header() -> list[str]:
    return [
        _("NIP"),
        _("Name"),
        _("OPD"),
        _("Unit"),
        _("Rank"),
        _("Rank TMT"),
        _("Target rank"),
        _("Kind"),
        _("Eligibility"),
        _("Proposal"),
    ]


def _candidate_rows(rows, context: eligibility.Context) -> Iterator[list]:
    labels = [str(criterion.label) for criterion in eligibility.CRITERIA]
    kinds = {kind.value: str(kind.label) for kind in PromotionKind}
    states = {state.value: str(state.label) for state in ProposalState}
    eligible = _("Eligible")
    for nip, front, name, back, opd, unit, rank, tmt, target, kind, is_eligible, state, *ok in rows:
        full_name = f"{front} {name}".strip()
        if back:
            full_name = f"{full_name}, {back}"
        if is_eligible:
            verdict = eligible
        else:
            first = next((label for label, passed in zip(labels, ok, strict=True) if not passed), "")
            verdict = _("Not met: %(criterion)s") % {"criterion": first}
        yield [
            nip,
            full_name,
            opd,
            unit,
            rank or "",
            tmt,
            context.rank_code(target) if target else "",
            kinds.get(kind, kind),
            verdict,
            states.get(state, "") if state else "",
        ]


def build_candidates(params: dict, out, progress, *, user) -> Built:
    """Every promotable employee `user` prepares (optionally one OPD), judged for the period:
    one query for the rows streamed, plus the reference data and a count."""
    period = dt.date.fromisoformat(params["period"])
    opd = _opd(params)
    try:
        context = eligibility.load_context(period)
    except ServiceError as error:
        raise ReportError("careers_period_not_judged") from error
    rows = selectors.candidates(user, period, context=context, opd=opd, status="all")
    scope = selectors.promotable(careers_permissions.candidates_visible_to(user))
    if opd is not None:
        scope = scope.filter(opd=opd)
    columns = rows.values_list(
        "nip",
        "front_title",
        "name",
        "back_title",
        "opd__name",
        "unit__name",
        "rank__code",
        "rank_tmt_on",
        "target_rank_id",
        "promotion_kind",
        "is_eligible",
        "proposal_state",
        *[eligibility.flag_name(criterion.code) for criterion in eligibility.CRITERIA],
    )
    count = reports.write_xlsx(
        out,
        title=_("Candidates %(period)s") % {"period": period.isoformat()},
        header=candidate_header(),
        rows=_candidate_rows(columns.iterator(chunk_size=2000), context),
        total=scope.count(),
        progress=progress,
        widths=[22, 34, 32, 32, 8, 12, 10, 30, 36, 26],
    )
    return Built(_file_name("kandidat-kenaikan-pangkat", opd, period.isoformat()), XLSX, count)


# ---------------------------------------------------------------------------------------------
# Study-leave roster and service bonds
# ---------------------------------------------------------------------------------------------

STUDYING, BOND, LEFT = 1, 2, 3


class RosterReportForm(ReportForm):
    opd = _OpdField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["opd"].queryset = selectors.opds_for(user)


def roster_scope(user, on: dt.date, opd: OrgUnit | None = None) -> QuerySet[StudyLeave]:
    """The studies of the roster: approved or ongoing, a service bond running on `on`, or a
    bond left by leaving the service (`careers.study.flag_bond_exits`) — of every OPD for Admin
    BKPP, of the operator's OPDs otherwise (not the operator's own or their team's: the report
    is the OPD's)."""
    if careers_permissions.can_manage_careers(user):
        scope = StudyLeave.objects.all()
    else:
        scope = StudyLeave.objects.filter(opd_id__in=core_permissions.actor_for(user).operator_opd_ids)
    if opd is not None:
        scope = scope.filter(opd=opd)
    left = Q(state=S.COMPLETED, bond_broken_on__isnull=False)
    return scope.filter(Q(state__in=(S.APPROVED, S.ONGOING)) | Q(state=S.COMPLETED, bond_ends_on__gt=on) | left)


def roster_header() -> list[str]:
    return [
        _("NIP"),
        _("Name"),
        _("OPD"),
        _("Roster"),
        _("Kind"),
        _("Level"),
        _("Institution"),
        _("Study programme"),
        _("Start date"),
        _("Planned end date"),
        _("State"),
        _("Reports overdue"),
        _("Service bond ends on"),
        _("Bond months left"),
    ]


def _policies() -> list[StudyPolicy]:
    return list(StudyPolicy.objects.order_by("valid_from"))


def _policy_for(policies: list[StudyPolicy], day: dt.date) -> StudyPolicy | None:
    """`study_rules.policy_on` over policies already loaded (oldest first)."""
    found = None
    for policy in policies:
        if policy.valid_from <= day:
            found = policy
        else:
            break
    return found or (policies[0] if policies else None)


def overdue_reports(leave: StudyLeave, policy: StudyPolicy, reported_before: int, on: dt.date) -> int:
    """Semester reports of an ongoing study that were due before `on` and are not in:
    the semesters due before `on` less the reports of those semesters (`reported_before`)."""
    due = 0
    for semester in range(1, rules.semesters_planned(leave, policy) + 1):
        if rules.report_due_on(leave, policy, semester) >= on:
            break
        due += 1
    return max(0, due - reported_before)


def _roster_rows(rows, policies: list[StudyPolicy], on: dt.date) -> Iterator[list]:
    groups = {STUDYING: _("Studying"), BOND: _("Service bond"), LEFT: _("Left during the bond")}
    kinds = {StudyKind.TUGAS_BELAJAR: "TB", StudyKind.IZIN_BELAJAR: "IB"}
    states = {state.value: str(state.label) for state in StudyState}
    for (
        nip,
        name,
        opd,
        group,
        kind,
        level,
        institution,
        program,
        starts_on,
        started_on,
        ends_on,
        state,
        reported_before,
        bond_ends_on,
        left_months,
    ) in rows:
        overdue = None
        if state == S.ONGOING:
            policy = _policy_for(policies, starts_on)
            leave = StudyLeave(starts_on=starts_on, started_on=started_on, ends_on=ends_on)
            overdue = overdue_reports(leave, policy, reported_before, on) if policy else None
        months = None
        if group == LEFT:
            months = left_months
        elif group == BOND:
            months = rules.remaining_months(on, bond_ends_on)
        yield [
            nip,
            name,
            opd,
            groups[group],
            kinds.get(kind, kind),
            level,
            institution,
            program,
            started_on or starts_on,
            ends_on,
            states.get(state, state),
            overdue,
            bond_ends_on,
            months,
        ]


def build_roster(params: dict, out, progress, *, user) -> Built:
    """The roster on the day it is built: the studies first (the soonest end first), then the
    bonds (the soonest end first), then those who left during the bond. One query streamed,
    plus the policies, the OPD and a count."""
    on = _today()
    opd = _opd(params)
    scope = roster_scope(user, on, opd)
    reported = (
        StudyReport.objects.filter(leave=OuterRef("pk"), due_on__lt=on)
        .order_by()
        .values("leave")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = (
        scope.annotate(
            roster_group=Case(
                When(state__in=(S.APPROVED, S.ONGOING), then=Value(STUDYING)),
                When(bond_broken_on__isnull=False, then=Value(LEFT)),
                default=Value(BOND),
                output_field=IntegerField(),
            ),
            reported_before=Coalesce(Subquery(reported, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            roster_sort_on=Case(When(roster_group=STUDYING, then=F("ends_on")), default=F("bond_ends_on")),
        )
        .order_by("roster_group", "roster_sort_on", "employee__name", "pk")
        .values_list(
            "employee__nip",
            "employee__name",
            "opd__name",
            "roster_group",
            "kind",
            "level__code",
            "institution",
            "program",
            "starts_on",
            "started_on",
            "ends_on",
            "state",
            "reported_before",
            "bond_ends_on",
            "bond_remaining_months",
        )
    )
    count = reports.write_xlsx(
        out,
        title=_("Study leave %(date)s") % {"date": on.isoformat()},
        header=roster_header(),
        rows=_roster_rows(rows.iterator(chunk_size=2000), _policies(), on),
        total=scope.count(),
        progress=progress,
        widths=[22, 32, 32, 20, 6, 8, 32, 32, 12, 12, 22, 10, 12, 10],
    )
    return Built(_file_name("roster-studi", opd, on.isoformat()), XLSX, count)


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------

KINDS = (
    reports.ReportKind(
        code="promotion_candidates",
        label=gettext_lazy("Promotion candidates"),
        description=gettext_lazy(
            "Every PNS of your OPDs judged for one promotion period: rank, target rank, kind, eligible or the first "
            "requirement not met, and the proposal if any."
        ),
        form_class=CandidatesReportForm,
        build=build_candidates,
        may_request=careers_permissions.can_view_candidates,
        may_read_all=careers_permissions.can_manage_careers,
        icon="bi-graph-up-arrow",
        order=40,
        errors={
            "careers_period_not_judged": gettext_lazy(
                "This promotion period can no longer be judged: no promotion rule is in force for it."
            )
        },
    ),
    reports.ReportKind(
        code="study_roster",
        label=gettext_lazy("Study leave and service bonds"),
        description=gettext_lazy(
            "Who studies on tugas belajar or izin belajar, who serves a service bond, and who left during it, with "
            "the reports overdue and the months of bond left."
        ),
        form_class=RosterReportForm,
        build=build_roster,
        may_request=careers_permissions.can_view_study_lists,
        may_read_all=careers_permissions.can_manage_careers,
        icon="bi-mortarboard",
        order=41,
    ),
)


def register() -> None:
    for kind in KINDS:
        reports.register(kind)
