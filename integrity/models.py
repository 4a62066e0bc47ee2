"""Integrity records (DOMAIN.md §8–9): disciplinary sanctions (hukuman disiplin), integrity
cases (aduan), LHKPN/LHKASN wealth-report filings, gratification reports, drug tests and
integrity pacts. Need to know: the Inspektorat's data (integrity/permissions.py); other apps
ask only `integrity.services.standing`.

Periods use an exclusive end: a sanction `starts_on` S and `ends_on` E is in force on S up
to the day before E (DOMAIN.md §8.1: on S + N months it no longer blocks)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from asn_portal.models import Employee, OrgUnit, Position
from asn_portal.uploads import random_name


class SanctionLevel(models.TextChoices):
    """PP 94/2021 Pasal 8 levels. Sedang and berat block promotion, study leave, ujian dinas
    and leadership-training nomination while in force (DOMAIN.md §8.3)."""

    RINGAN = "ringan", _("Light (ringan)")
    SEDANG = "sedang", _("Moderate (sedang)")
    BERAT = "berat", _("Severe (berat)")

    @classmethod
    def blocking(cls):
        return (cls.SEDANG, cls.BERAT)

    @property
    def short_label(self) -> str:
        return {"ringan": _("light"), "sedang": _("moderate"), "berat": _("severe")}[self.value]


class SanctionType(models.Model):
    """Reference data (data migration 0002): the nine sanctions of PP 94/2021 with their
    durations. `duration_months` None means one-off (the ringan reprimands) or, with
    `is_dismissal`, final."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    level = models.CharField(_("level"), max_length=10, choices=SanctionLevel.choices)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    is_dismissal = models.BooleanField(_("dismissal"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        verbose_name = _("sanction type")
        verbose_name_plural = _("sanction types")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(is_dismissal=True) & Q(duration_months__isnull=False)),
                name="sanction_type_dismissal_has_no_duration",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def blocks(self) -> bool:
        return self.level in SanctionLevel.blocking()


class SanctionQuerySet(models.QuerySet):
    def in_force_on(self, on: dt.date):
        """Not annulled and running on `on` (a dismissal runs for ever)."""
        return self.filter(is_annulled=False, starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))

    def blocking(self):
        return self.filter(type__level__in=SanctionLevel.blocking())


class Sanction(models.Model):
    """A disciplinary sanction (hukuman disiplin) imposed by decree (SK)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="sanctions"
    )
    type = models.ForeignKey(SanctionType, verbose_name=_("sanction"), on_delete=models.PROTECT, related_name="+")
    decree_number = models.CharField(_("decree (SK) number"), max_length=120)
    decree_on = models.DateField(_("decree date"))
    issued_by = models.CharField(_("issuing official"), max_length=160)
    starts_on = models.DateField(_("start date"))
    # Exclusive: the first day the sanction no longer applies; None for a dismissal.
    ends_on = models.DateField(_("end date (exclusive)"), null=True, blank=True)
    violation = models.TextField(_("violation"))  # restricted: Inspektorat and the employee only
    is_annulled = models.BooleanField(_("annulled on appeal"), default=False)
    annulment_decree_number = models.CharField(_("annulment decree number"), max_length=120, blank=True)
    annulment_decree_on = models.DateField(_("annulment decree date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("disciplinary sanction")
        verbose_name_plural = _("disciplinary sanctions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="sanction_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(is_annulled=False) | ~Q(annulment_decree_number=""),
                name="sanction_annulment_has_decree",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "starts_on"], name="sanction_employee_start"),
            models.Index(fields=["starts_on", "ends_on"], name="sanction_period"),
        ]

    def __str__(self):
        return f"{self.type} — {self.employee.name}"

    @property
    def last_day_on(self) -> dt.date | None:
        """The last day in force, as decrees write it ("sampai dengan")."""
        return self.ends_on - dt.timedelta(days=1) if self.ends_on and self.ends_on > self.starts_on else None

    def state_on(self, on: dt.date) -> str:
        if self.is_annulled:
            return SanctionState.DIBATALKAN
        if on < self.starts_on:
            return SanctionState.AKAN_BERLAKU
        if self.ends_on is None and self.type.is_dismissal:
            return SanctionState.BERLAKU
        if self.ends_on is None or on >= self.ends_on:
            return SanctionState.SELESAI
        return SanctionState.BERLAKU


class SanctionState(models.TextChoices):
    """Derived from the dates on a given day; only the annulment is stored."""

    AKAN_BERLAKU = "akan_berlaku", _("Not yet in force")
    BERLAKU = "berlaku", _("In force")
    SELESAI = "selesai", _("Served")
    DIBATALKAN = "dibatalkan", _("Annulled on appeal")


# ---------------------------------------------------------------------------------------------
# Integrity cases (aduan) — an open sedang/berat case means "under examination"
# ---------------------------------------------------------------------------------------------


class CaseCategory(models.TextChoices):
    RADIKALISME = "radikalisme", _("Radicalism")
    INTOLERANSI = "intoleransi", _("Intolerance")
    ANTI_PANCASILA = "anti_pancasila", _("Anti-Pancasila / anti-NKRI")
    NETRALITAS = "netralitas", _("Political neutrality")
    UJARAN_KEBENCIAN = "ujaran_kebencian", _("Hate speech")
    PUNGLI_KORUPSI = "pungli_korupsi", _("Illegal levies / corruption")
    NARKOBA = "narkoba", _("Narcotics")
    LAINNYA = "lainnya", _("Other")


class CaseSource(models.TextChoices):
    ADUANASN = "aduanasn", _("aduanasn.id")
    MASYARAKAT = "masyarakat", _("Public complaint")
    AUDIT_INTERNAL = "audit_internal", _("Internal audit")
    TES_URINE = "tes_urine", _("Drug test")
    LAINNYA = "lainnya", _("Other")


class CaseStatus(models.TextChoices):
    DITERIMA = "diterima", _("Received")
    VERIFIKASI = "verifikasi", _("Verification")
    KLARIFIKASI = "klarifikasi", _("Clarification")
    REKOMENDASI_SANKSI = "rekomendasi_sanksi", _("Sanction recommended")
    SELESAI = "selesai", _("Closed with a finding")
    DITUTUP = "ditutup", _("Closed without a finding")

    @classmethod
    def closed(cls):
        return (cls.SELESAI, cls.DITUTUP)


class IntegrityCaseQuerySet(models.QuerySet):
    def open_on(self, on: dt.date):
        return self.filter(opened_on__lte=on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))

    def examining(self):
        """Cases about an alleged sedang/berat violation (DOMAIN.md §3.5, §8.3)."""
        return self.filter(alleged_level__in=SanctionLevel.blocking())


class IntegrityCase(models.Model):
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="integrity_cases"
    )
    category = models.CharField(_("category"), max_length=30, choices=CaseCategory.choices)
    source = models.CharField(_("source"), max_length=30, choices=CaseSource.choices)
    alleged_level = models.CharField(
        _("alleged level"),
        max_length=10,
        choices=SanctionLevel.choices,
        blank=True,
        help_text=_("A sedang or berat allegation puts the employee under examination while the case is open."),
    )
    summary = models.TextField(_("summary"))  # restricted
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.DITERIMA)
    opened_on = models.DateField(_("received on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    sanction = models.OneToOneField(
        Sanction,
        verbose_name=_("resulting sanction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    drug_test_result = models.OneToOneField(
        "DrugTestResult",
        verbose_name=_("drug test result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IntegrityCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrity case")
        verbose_name_plural = _("integrity cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="case_closed_after_opened"
            ),
            models.CheckConstraint(
                condition=Q(
                    closed_on__isnull=True, status__in=[s for s in CaseStatus.values if s not in CaseStatus.closed()]
                )
                | Q(closed_on__isnull=False, status__in=CaseStatus.closed()),
                name="case_closed_date_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "opened_on"], name="case_employee_opened"),
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} — {self.employee.name}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseEvent(models.Model):
    """Every step of a case, with who and when (the case's own history)."""

    case = models.ForeignKey(IntegrityCase, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self):
        return f"{self.get_status_display()} ({self.at:%Y-%m-%d})"


def _evidence_path(instance, filename):
    return random_name(instance, filename, "integrity/evidence")


class CaseEvidence(models.Model):
    case = models.ForeignKey(IntegrityCase, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


# ---------------------------------------------------------------------------------------------
# Wealth reports: LHKPN (KPK) and LHKASN (SiHarka), DOMAIN.md §9.1
# ---------------------------------------------------------------------------------------------


class FilingKind(models.TextChoices):
    LHKPN = "lhkpn", _("LHKPN")
    LHKASN = "lhkasn", _("LHKASN")


class FilingChannel(models.TextChoices):
    E_LHKPN = "e_lhkpn", _("e-LHKPN (KPK)")
    SIHARKA = "siharka", _("SiHarka (KemenPANRB)")


class FilingStatus(models.TextChoices):
    """Derived on a given day from the dates (`WealthReportQuerySet.with_status`)."""

    BELUM = "belum", _("Not yet filed")
    TERLAMBAT = "terlambat", _("Late")
    SUDAH = "sudah", _("Filed")
    TERVERIFIKASI = "terverifikasi", _("Verified")


class LhkpnDesignation(models.Model):
    """A PPK decree that adds an employee to (or, with `must_file=False`, removes them from)
    the LHKPN obligees, overriding what the position says."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="lhkpn_designations"
    )
    must_file = models.BooleanField(_("must file LHKPN"), default=True)
    decree_number = models.CharField(_("decree number"), max_length=120)
    decree_on = models.DateField(_("decree date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("LHKPN designation")
        verbose_name_plural = _("LHKPN designations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="lhkpn_designation_period"
            ),
        ]

    def __str__(self):
        return f"{self.decree_number} — {self.employee.name}"


class WealthReportQuerySet(models.QuerySet):
    def with_status(self, on: dt.date):
        """Annotate `status_on` (a FilingStatus value) for the day `on`."""
        return self.annotate(
            status_on=models.Case(
                models.When(
                    verified_on__isnull=False, verified_on__lte=on, then=models.Value(FilingStatus.TERVERIFIKASI)
                ),
                models.When(
                    submitted_on__isnull=False,
                    submitted_on__lte=on,
                    submitted_on__gt=F("due_on"),
                    then=models.Value(FilingStatus.TERLAMBAT),
                ),
                models.When(submitted_on__isnull=False, submitted_on__lte=on, then=models.Value(FilingStatus.SUDAH)),
                models.When(due_on__lt=on, then=models.Value(FilingStatus.TERLAMBAT)),
                default=models.Value(FilingStatus.BELUM),
                output_field=models.CharField(),
            )
        )

    def outstanding_on(self, on: dt.date):
        """Past their due date on `on` and not submitted by then."""
        return self.filter(due_on__lt=on).filter(Q(submitted_on__isnull=True) | Q(submitted_on__gt=on))


class WealthReport(models.Model):
    """One employee's wealth-report filing for one reporting year (the assets at 31 December of
    `year`, due by 31 March of the next year; new obligees within 3 months of appointment)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="wealth_reports"
    )
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("reporting year"))
    kind = models.CharField(_("kind"), max_length=10, choices=FilingKind.choices)
    due_on = models.DateField(_("due date"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=FilingChannel.choices, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WealthReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("wealth report filing")
        verbose_name_plural = _("wealth report filings")
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="wealth_report_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2999), name="wealth_report_year_range"),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | Q(submitted_on__isnull=False),
                name="wealth_report_verified_after_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "opd"], name="wealth_report_year_opd"),
            models.Index(fields=["employee", "year"], name="wealth_report_employee_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} — {self.employee.name}"


# ---------------------------------------------------------------------------------------------
# Gratification reports, DOMAIN.md §9.2
# ---------------------------------------------------------------------------------------------


class GratificationStatus(models.TextChoices):
    DILAPORKAN = "dilaporkan", _("Reported")
    DIVERIFIKASI = "diverifikasi", _("Verified by the UPG")
    DITERUSKAN = "diteruskan", _("Forwarded to the KPK")
    DITETAPKAN = "ditetapkan", _("Decided")


class GratificationDecision(models.TextChoices):
    MILIK_NEGARA = "milik_negara", _("Property of the state")
    MILIK_PENERIMA = "milik_penerima", _("Property of the recipient")


class GratificationReport(models.Model):
    """A gift an employee reports. The employee has 10 working days from receipt to report it
    to the UPG (Unit Pengendali Gratifikasi), the UPG 10 working days to forward it to the
    KPK (Peraturan KPK 2/2019); both deadlines are stored when the report is made."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="gratification_reports"
    )
    received_on = models.DateField(_("received on"))
    giver = models.CharField(_("giver"), max_length=200)
    description = models.TextField(_("description"))
    estimated_value = models.DecimalField(_("estimated value (Rp)"), max_digits=14, decimal_places=0)
    relation_to_duty = models.TextField(_("relation to duty"), blank=True)
    reported_on = models.DateField(_("reported on"))
    due_on = models.DateField(_("report due by"))
    forward_due_on = models.DateField(_("forward to KPK due by"))
    status = models.CharField(
        _("status"), max_length=20, choices=GratificationStatus.choices, default=GratificationStatus.DILAPORKAN
    )
    forwarded_on = models.DateField(_("forwarded to KPK on"), null=True, blank=True)
    kpk_reference = models.CharField(_("KPK reference"), max_length=120, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=GratificationDecision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("gratification report")
        verbose_name_plural = _("gratification reports")
        constraints = [
            models.CheckConstraint(condition=Q(estimated_value__gte=0), name="gratification_value_not_negative"),
            models.CheckConstraint(
                condition=Q(reported_on__gte=F("received_on")), name="gratification_reported_after_received"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_on__isnull=False), name="gratification_decision_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "received_on"], name="gratification_employee"),
            models.Index(fields=["status"], name="gratification_status"),
        ]

    def __str__(self):
        return f"{self.giver} → {self.employee.name} ({self.received_on:%Y-%m-%d})"

    @property
    def is_late(self) -> bool:
        return self.reported_on > self.due_on


# ---------------------------------------------------------------------------------------------
# Drug tests, DOMAIN.md §9.3
# ---------------------------------------------------------------------------------------------


class DrugTestEvent(models.Model):
    held_on = models.DateField(_("held on"))
    organiser = models.CharField(_("organiser"), max_length=160, help_text=_("e.g. BNNK Kota Semarang"))
    units = models.ManyToManyField(OrgUnit, verbose_name=_("units covered"), related_name="+", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("drug test")
        verbose_name_plural = _("drug tests")

    def __str__(self):
        return f"{self.organiser} {self.held_on:%Y-%m-%d}"


class DrugTestOutcome(models.TextChoices):
    NEGATIF = "negatif", _("Negative")
    POSITIF = "positif", _("Positive")
    TIDAK_HADIR = "tidak_hadir", _("Absent")


class DrugTestFollowUp(models.TextChoices):
    ASESMEN = "asesmen", _("Assessment")
    REHABILITASI = "rehabilitasi", _("Rehabilitation")
    DIRUJUK_DISIPLIN = "dirujuk_disiplin", _("Referred for discipline")


class DrugTestResult(models.Model):
    event = models.ForeignKey(
        DrugTestEvent, verbose_name=_("drug test"), on_delete=models.PROTECT, related_name="results"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="drug_test_results"
    )
    outcome = models.CharField(_("result"), max_length=20, choices=DrugTestOutcome.choices)
    follow_up = models.CharField(_("follow-up"), max_length=20, choices=DrugTestFollowUp.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("drug test result")
        verbose_name_plural = _("drug test results")
        constraints = [models.UniqueConstraint(fields=["event", "employee"], name="drug_test_result_once_per_event")]

    def __str__(self):
        return f"{self.event} — {self.employee.name}"


# ---------------------------------------------------------------------------------------------
# Integrity pacts, DOMAIN.md §9.5
# ---------------------------------------------------------------------------------------------


class PactOccasion(models.TextChoices):
    PENGANGKATAN = "pengangkatan", _("Appointment")
    JABATAN = "jabatan", _("New position")
    TAHUNAN = "tahunan", _("Annual renewal")


def _pact_path(instance, filename):
    return random_name(instance, filename, "integrity/pacts")


class IntegrityPact(models.Model):
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="integrity_pacts"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=PactOccasion.choices)
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position_name = models.CharField(_("position (as signed)"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    document = models.FileField(_("signed document"), upload_to=_pact_path)
    document_type = models.CharField(_("document type"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("integrity pact")
        verbose_name_plural = _("integrity pacts")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "occasion", "signed_on"], name="integrity_pact_once_per_occasion_and_day"
            ),
        ]
        indexes = [models.Index(fields=["employee", "signed_on"], name="pact_employee_signed")]

    def __str__(self):
        return f"{self.get_occasion_display()} {self.signed_on:%Y-%m-%d} — {self.employee.name}"
