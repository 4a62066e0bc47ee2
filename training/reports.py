"""The training app's report kinds (issue 7), registered with `asn_portal.reports` from
`TrainingConfig.ready()`:

- "jp_recap": the JP recap of a calendar year (DOMAIN.md §6.1: JP count in the year the
  training ended; targets from `compliance.target_expression`), per OPD or per employee, as
  XLSX, or a one-page PDF summary with a bar chart. Counted employees are the active ones, as
  on the compliance page (`compliance.counted`).
- "training_realisation": per programme and session of a year, seats, registrations, seats
  confirmed, completions, average score and the participants' evaluation averages (XLSX).

Who may ask for which scope:

| who | jp_recap | training_realisation |
| --- | --- | --- |
| Admin BKPP | every OPD, or one | every OPD's participants, or one OPD's |
| Operator OPD | one of their granted OPDs (required) | one of their granted OPDs (required) |
| Head of an OPD | their own OPD (required) | — |

The head of an OPD is recognised from the registry, as the employee in service who holds a
structural post (JPT, administrator or pengawas: `PositionKind.leadership`) of the OPD's top
unit itself (not of a bidang or seksi) and whose direct supervisor, if any, is outside the
OPD: the kepala dinas or camat reports to the Sekda; the secretary of the OPD, also a
structural post of the top unit, reports to the head and so is not one. An acting head
(Plt) is not recorded in the registry and is not recognised.

Every XLSX streams its rows from one queryset iterator into `asn_portal.reports.write_xlsx`
(the JP sums are subqueries of that one query); a build runs a fixed number of queries
whatever the number of rows. Files are written in the site's language (the job carries none).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import permissions as core
from asn_portal import report_pdf, reports
from asn_portal.models import Employee, OrgUnit, PositionKind
from asn_portal.reports import PDF, XLSX, Built, ReportError, ReportForm, ReportKind, write_xlsx, year_field
from training import compliance
from training.models import Registration, RegistrationState, Session, SessionStatus
from training.permissions import can_manage_training
from training.services import SEAT_STATES

JP_RECAP = "jp_recap"
REALISATION = "training_realisation"

LEVEL_OPD = "opd"
LEVEL_EMPLOYEE = "employee"
CHUNK = 2000
# The PDF's chart shows every OPD up to this many bars, else the best and the worst half.
MAX_BARS = 20
# PPPK have a pay grade instead of a pangkat (Perpres 98/2020): I–XVII.
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII")


# ---------------------------------------------------------------------------------------------
# Who heads an OPD, and the scopes
# ---------------------------------------------------------------------------------------------


def opd_heads_queryset() -> QuerySet[Employee]:
    """The employees who head an OPD (see the module's docstring for the rule)."""
    return (
        Employee.objects.in_service()
        .filter(position__kind__in=PositionKind.leadership(), position__unit_id=F("opd_id"))
        .filter(Q(supervisor__isnull=True) | ~Q(supervisor__opd_id=F("opd_id")))
    )


def headed_opd_ids(user) -> frozenset[int]:
    """The OPDs `user` heads (usually none or one). One query, cached on the user object for
    the request like `asn_portal.permissions.actor_for` (the menu asks on every page)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_sigap_headed_opds", None)
    if cached is None and core.actor_for(user).position_kind not in PositionKind.leadership():
        cached = frozenset()  # only a structural post heads an OPD: no query for everyone else
    if cached is None:
        cached = frozenset(opd_heads_queryset().filter(user_id=user.pk).values_list("opd_id", flat=True))
        user._sigap_headed_opds = cached
    return cached


def opd_heads(*, with_email: bool = False) -> list[tuple[int, object]]:
    """(OPD id, the head's user) for every active OPD with a head who has an active user
    account (and an e-mail address, with `with_email`). Should the registry show two heads of
    one OPD, the higher post (JPT before administrator), then the first recorded, is taken.
    One query."""
    heads = opd_heads_queryset().filter(opd__is_active=True, user__isnull=False, user__is_active=True)
    if with_email:
        heads = heads.exclude(user__email="")
    seniority = Case(
        *(When(position__kind=kind, then=Value(order)) for order, kind in enumerate(PositionKind.leadership())),
        output_field=IntegerField(),
    )
    chosen: dict[int, object] = {}
    for head in heads.select_related("user").annotate(seniority=seniority).order_by("opd_id", "seniority", "id"):
        chosen.setdefault(head.opd_id, head.user)
    return list(chosen.items())


def recap_opd_ids(user) -> frozenset[int] | None:
    """The OPDs whose JP recap `user` may request; None for every OPD (Admin BKPP)."""
    if can_manage_training(user):
        return None
    return core.actor_for(user).operator_opd_ids | headed_opd_ids(user)


def realisation_opd_ids(user) -> frozenset[int] | None:
    """The OPDs whose participants `user` may count in the realisation; None for all."""
    if can_manage_training(user):
        return None
    return core.actor_for(user).operator_opd_ids


def may_request_jp_recap(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    allowed = recap_opd_ids(user)
    return allowed is None or bool(allowed)


def may_request_realisation(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    allowed = realisation_opd_ids(user)
    return allowed is None or bool(allowed)


def _check_scope(allowed: frozenset[int] | None, opd_id: int | None) -> None:
    """At build time again: a grant or a post may have changed since the job was queued."""
    if allowed is not None and opd_id not in allowed:
        raise ReportError("forbidden")


# ---------------------------------------------------------------------------------------------
# Parameter forms
# ---------------------------------------------------------------------------------------------


class _OpdScopedForm(ReportForm):
    """A year (not in the future) and an OPD the user may see: optional for Admin BKPP (all
    OPDs), required and limited to their own for everyone else."""

    def allowed_opd_ids(self, user) -> frozenset[int] | None:
        raise NotImplementedError

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Built here, not on the class: the latest year allowed moves on at New Year.
        self.fields = {"year": year_field(), **self.fields}
        allowed = self.allowed_opd_ids(user)
        opds = OrgUnit.objects.opds()
        field = self.fields["opd"]
        if allowed is None:
            field.queryset = opds
        else:
            field.queryset = opds.filter(pk__in=allowed)
            field.required = True
            field.empty_label = None


class JpRecapForm(_OpdScopedForm):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        choices=[(LEVEL_OPD, gettext_lazy("Per OPD")), (LEVEL_EMPLOYEE, gettext_lazy("Per employee"))],
        initial=LEVEL_OPD,
        help_text=gettext_lazy("The PDF is always a one-page summary with a chart."),
    )
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All OPDs"),
        error_messages={
            "invalid_choice": gettext_lazy("You may not request a report for this OPD."),
            "required": gettext_lazy("Choose the OPD of the report."),
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", gettext_lazy("Spreadsheet (XLSX)")), ("pdf", gettext_lazy("One-page summary (PDF)"))],
        initial="xlsx",
    )

    def allowed_opd_ids(self, user):
        return recap_opd_ids(user)


class RealisationForm(_OpdScopedForm):
    opd = forms.ModelChoiceField(
        label=gettext_lazy("Participants of"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All OPDs"),
        error_messages={
            "invalid_choice": gettext_lazy("You may not request a report for this OPD."),
            "required": gettext_lazy("Choose the OPD of the report."),
        },
    )

    def allowed_opd_ids(self, user):
        return realisation_opd_ids(user)


# ---------------------------------------------------------------------------------------------
# JP recap
# ---------------------------------------------------------------------------------------------


def _opd(opd_id: int | None) -> OrgUnit | None:
    if opd_id is None:
        return None
    opd = OrgUnit.objects.filter(pk=opd_id).first()
    if opd is None:
        raise ReportError("forbidden")
    return opd


def _scope(opd: OrgUnit | None) -> QuerySet[Employee]:
    return Employee.objects.filter(opd_id=opd.pk) if opd else Employee.objects.all()


def _file_name(stem: str, year: int, opd: OrgUnit | None, extension: str) -> str:
    suffix = f"-{opd.code.lower()}" if opd else ""
    return f"{stem}-{year}{suffix}.{extension}"


def _full_name(front: str, name: str, back: str) -> str:
    """`Employee.full_name` from the values of a row."""
    full = f"{front} {name}".strip()
    return f"{full}, {back}" if back else full


def _golongan(rank_code: str | None, pppk_grade: int | None) -> str:
    if rank_code:
        return rank_code
    if pppk_grade and 1 <= pppk_grade <= len(ROMAN):
        return ROMAN[pppk_grade - 1]
    return ""


def build_jp_recap(params: dict, out, progress, *, user) -> Built:
    year = int(params["year"])
    opd_id = params.get("opd")
    _check_scope(recap_opd_ids(user), opd_id)
    opd = _opd(opd_id)
    with translation.override(settings.LANGUAGE_CODE):
        if params.get("format") == "pdf":
            rows = _recap_pdf(out, year=year, opd=opd)
            return Built(_file_name("rekap-jp", year, opd, "pdf"), PDF, rows)
        if params.get("level") == LEVEL_EMPLOYEE:
            rows = _recap_employees(out, year=year, opd=opd, progress=progress)
            return Built(_file_name("rekap-jp-pegawai", year, opd, "xlsx"), XLSX, rows)
        rows = _recap_opds(out, year=year, opd=opd, progress=progress)
        return Built(_file_name("rekap-jp-opd", year, opd, "xlsx"), XLSX, rows)


def _recap_employees(out, *, year: int, opd: OrgUnit | None, progress) -> int:
    """One row per counted employee, from one streamed query (the JP ledger as subqueries)."""
    employees = compliance.counted(_scope(opd))
    total = employees.count()
    rows = (
        compliance.with_target(employees, year)
        .order_by("opd__name", "opd_id", "name", "id")
        .values_list(
            "nip",
            "front_title",
            "name",
            "back_title",
            "opd__name",
            "unit__name",
            "rank__code",
            "pppk_grade",
            "jp_target",
            "jp_total",
            "jp_shortfall",
        )
        .iterator(chunk_size=CHUNK)
    )
    met, short = _("At or above target"), _("Below target")

    def lines():
        for nip, front, name, back, opd_name, unit, rank, grade, target, jp, shortfall in rows:
            yield [
                nip,
                _full_name(front, name, back),
                opd_name,
                unit,
                _golongan(rank, grade),
                target,
                jp,
                shortfall,
                met if shortfall == 0 else short,
            ]

    return write_xlsx(
        out,
        title=_("JP recap %(year)s") % {"year": year},
        header=[
            _("NIP"),
            _("Name"),
            _("OPD"),
            _("Unit"),
            _("Golongan"),
            _("JP target"),
            _("JP earned"),
            _("Shortfall"),
            _("Status"),
        ],
        rows=lines(),
        total=total,
        progress=progress,
        widths=[22, 36, 36, 36, 10, 10, 10, 10, 18],
    )


def _recap_opds(out, *, year: int, opd: OrgUnit | None, progress) -> int:
    """One row per OPD (one grouped query) and a total row."""
    per_opd = sorted(compliance.by_opd(_scope(opd), year), key=lambda r: (r.name, r.opd_id))
    overall = compliance.overall(per_opd)

    def lines():
        for row in per_opd:
            yield [row.name, row.total, row.met, row.below, row.share, row.average_jp]
        yield [_("Total"), overall.total, overall.met, overall.below, overall.share, overall.average_jp]

    written = write_xlsx(
        out,
        title=_("JP recap %(year)s") % {"year": year},
        header=[
            _("OPD"),
            _("Employees counted"),
            _("At or above target"),
            _("Below target"),
            _("Share at or above target (%)"),
            _("Average JP"),
        ],
        rows=lines(),
        total=len(per_opd) + 1,
        progress=progress,
        widths=[44, 12, 12, 12, 14, 12],
    )
    return written - 1  # the total row is not an OPD


def _by_unit(opd: OrgUnit, year: int) -> list[compliance.OpdCompliance]:
    """Compliance per second-level unit of one OPD (a bidang, bagian, puskesmas … with every
    unit under it; the OPD's own top unit for those placed there): two queries."""
    prefix = Substr("unit__path", 1, 2 * OrgUnit.steplen)
    rows = list(
        compliance.with_target(compliance.counted(_scope(opd)), year)
        .annotate(branch=prefix)
        .order_by()
        .values("branch")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(jp_total__gte=F("jp_target"))), jp_sum=Sum("jp_total"))
    )
    names = dict(OrgUnit.objects.filter(path__in=[r["branch"] for r in rows]).values_list("path", "name"))
    return [
        compliance.OpdCompliance(None, names.get(r["branch"], opd.name), r["total"], r["met"], r["jp_sum"] or 0)
        for r in rows
    ]


def _recap_pdf(out, *, year: int, opd: OrgUnit | None) -> int:
    """A one-page A4 summary: title, year, scope, totals, and a horizontal bar chart of the
    share meeting the target per OPD (per unit for one OPD); with more than MAX_BARS bars,
    the best and the worst half of them."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rows = _by_unit(opd, year) if opd else compliance.by_opd(Employee.objects.all(), year)
    overall = compliance.overall(rows)
    width, height = A4
    margin = 48
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("JP recap %(year)s") % {"year": year})
    pdf.setAuthor("SIGAP")

    y = height - margin - 8
    pdf.setFillColor(colors.HexColor("#1e3a8a"))
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(margin, y, _("JP recap %(year)s") % {"year": year})
    pdf.setFillColor(colors.HexColor("#101828"))
    pdf.setFont("Helvetica", 10.5)
    y -= 20
    scope = opd.name if opd else _("All OPDs")
    pdf.drawString(margin, y, _("Scope: %(scope)s") % {"scope": scope})
    y -= 14
    pdf.setFillColor(colors.HexColor("#475467"))
    pdf.setFont("Helvetica", 9)
    pdf.drawString(
        margin,
        y,
        _(
            "Active employees; JP count in the year the training ended. Target: PNS and CPNS %(pns)s JP, PPPK %(pppk)s JP."
        )
        % {"pns": settings.SIGAP_JP_TARGET_PNS, "pppk": settings.SIGAP_JP_TARGET_PPPK},
    )
    y -= 12
    pdf.drawString(margin, y, _("Made on %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")})

    y -= 34
    figures = [
        (_("Employees counted"), f"{overall.total}"),
        (_("At or above target"), f"{overall.met}"),
        (_("Below target"), f"{overall.below}"),
        (_("Share at or above target (%)"), "—" if overall.share is None else f"{overall.share:.1f}"),
        (_("Average JP"), "—" if overall.average_jp is None else f"{overall.average_jp:.1f}"),
    ]
    box = (width - 2 * margin) / len(figures)
    for index, (label, value) in enumerate(figures):
        x = margin + index * box
        pdf.setFillColor(colors.HexColor("#f2f4f7"))
        pdf.roundRect(x + 2, y - 14, box - 4, 44, 4, stroke=0, fill=1)
        pdf.setFillColor(colors.HexColor("#101828"))
        pdf.setFont("Helvetica-Bold", 15)
        pdf.drawCentredString(x + box / 2, y + 10, value)
        pdf.setFillColor(colors.HexColor("#475467"))
        pdf.setFont("Helvetica", 7.5)
        pdf.drawCentredString(x + box / 2, y - 6, label[:34])

    y -= 50
    shown = sorted((r for r in rows if r.share is not None), key=lambda r: (-r.share, r.name))
    note = ""
    if len(shown) > MAX_BARS:
        half = MAX_BARS // 2
        note = _("The %(half)s highest and the %(half)s lowest of %(count)s.") % {"half": half, "count": len(shown)}
        shown = shown[:half] + shown[-half:]
    pdf.setFillColor(colors.HexColor("#101828"))
    pdf.setFont("Helvetica-Bold", 11)
    chart_title = (
        _("Share of employees at or above their JP target, per unit")
        if opd
        else _("Share of employees at or above their JP target, per OPD")
    )
    pdf.drawString(margin, y, chart_title)
    if note:
        y -= 13
        pdf.setFont("Helvetica", 8.5)
        pdf.setFillColor(colors.HexColor("#475467"))
        pdf.drawString(margin, y, note)
    if shown:
        drawing = report_pdf.share_chart(
            [(row.name, row.share) for row in shown], width=width - 2 * margin, available=y - 10 - (margin + 24)
        )
        drawing.drawOn(pdf, margin, y - 10 - drawing.height)
    else:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(margin, y - 24, _("No active employees in this scope."))
    pdf.setFont("Helvetica", 7.5)
    pdf.setFillColor(colors.HexColor("#475467"))
    pdf.drawString(margin, margin, "SIGAP — BKPP")
    pdf.showPage()
    pdf.save()
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Training realisation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    """The aggregates of the realisation, each limited to the chosen OPD's participants."""

    opd_id: int | None

    def of(self, extra: Q | None = None) -> Q | None:
        condition = Q(registrations__opd_id=self.opd_id) if self.opd_id else Q()
        if extra is not None:
            condition &= extra
        return condition or None


def build_realisation(params: dict, out, progress, *, user) -> Built:
    year = int(params["year"])
    opd_id = params.get("opd")
    _check_scope(realisation_opd_ids(user), opd_id)
    opd = _opd(opd_id)
    counts = _Counts(opd.pk if opd else None)
    evaluated = Q(registrations__evaluation__isnull=False)
    sessions = (
        Session.objects.filter(ends_on__year=year)
        .exclude(status=SessionStatus.DRAFT)
        .annotate(
            registered=Count("registrations", filter=counts.of()),
            seat_confirmed=Count("registrations", filter=counts.of(Q(registrations__state__in=SEAT_STATES))),
            completed=Count("registrations", filter=counts.of(Q(registrations__state=RegistrationState.COMPLETED))),
            average_score=Avg("registrations__score", filter=counts.of()),
            evaluations=Count("registrations__evaluation", filter=counts.of(evaluated)),
            content=Avg("registrations__evaluation__content", filter=counts.of(evaluated)),
            trainer=Avg("registrations__evaluation__trainer", filter=counts.of(evaluated)),
            organisation=Avg("registrations__evaluation__organisation", filter=counts.of(evaluated)),
            usefulness=Avg("registrations__evaluation__usefulness", filter=counts.of(evaluated)),
        )
    )
    if opd:
        # Only the sessions the OPD's employees registered for.
        sessions = sessions.filter(
            pk__in=Registration.objects.filter(opd_id=opd.pk, session__ends_on__year=year).values("session_id")
        )
    with translation.override(settings.LANGUAGE_CODE):
        total = sessions.count()
        statuses = dict(SessionStatus.choices)
        rows = (
            sessions.order_by("program__title", "starts_on", "batch", "id")
            .values_list(
                "program__code",
                "program__title",
                "batch",
                "starts_on",
                "ends_on",
                "status",
                "jp",
                "capacity",
                "registered",
                "seat_confirmed",
                "completed",
                "average_score",
                "evaluations",
                "content",
                "trainer",
                "organisation",
                "usefulness",
            )
            .iterator(chunk_size=CHUNK)
        )

        def rounded(value):
            return None if value is None else round(float(value), 2)

        def lines():
            for code, title, batch, starts, ends, status, jp, seats, *figures in rows:
                registered, confirmed, completed, score, evaluations, *ratings = figures
                yield [
                    code,
                    title,
                    batch,
                    starts,
                    ends,
                    str(statuses.get(status, status)),
                    jp,
                    seats,
                    registered,
                    confirmed,
                    completed,
                    rounded(score),
                    evaluations,
                    *(rounded(r) for r in ratings),
                ]

        written = write_xlsx(
            out,
            title=_("Training realisation %(year)s") % {"year": year},
            header=[
                _("Code"),
                _("Programme"),
                _("Batch"),
                _("First day"),
                _("Last day"),
                _("Status"),
                _("JP"),
                _("Seats"),
                _("Registered"),
                _("Seat confirmed"),
                _("Completed"),
                _("Average score"),
                _("Evaluations"),
                _("Content (1–5)"),
                _("Trainer (1–5)"),
                _("Organisation (1–5)"),
                _("Usefulness (1–5)"),
            ],
            rows=lines(),
            total=total,
            progress=progress,
            widths=[16, 40, 8, 12, 12, 18, 6, 8, 10, 10, 10, 10, 10, 10, 10, 12, 12],
        )
    return Built(_file_name("realisasi-diklat", year, opd, "xlsx"), XLSX, written)


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def register() -> None:
    reports.register(
        ReportKind(
            code=JP_RECAP,
            label=gettext_lazy("JP recap"),
            description=gettext_lazy(
                "JP earned against the yearly target for a year, per OPD or per employee (XLSX), or a one-page "
                "summary with a chart (PDF)."
            ),
            form_class=JpRecapForm,
            build=build_jp_recap,
            may_request=may_request_jp_recap,
            may_read_all=can_manage_training,
            icon="bi-bar-chart-line",
            order=30,
        )
    )
    reports.register(
        ReportKind(
            code=REALISATION,
            label=gettext_lazy("Training realisation"),
            description=gettext_lazy(
                "Per programme and session of a year: seats, registrations, confirmed seats, completions, "
                "average score and evaluation ratings (XLSX)."
            ),
            form_class=RealisationForm,
            build=build_realisation,
            may_request=may_request_realisation,
            may_read_all=can_manage_training,
            icon="bi-clipboard-data",
            order=31,
        )
    )
