"""Career records: histories (rank, position, education, SKP, service exams, angka kredit),
awards and innovations, the promotion reference data (periods, per-kind rules, AK tables,
golongan crossings) and promotion proposals.

Every number that drives a rule is a row here (DOMAIN.md, "Product decisions"), loaded by data
migrations with the defaults the regulations give and editable in Django admin. The employee's
current rank and rank TMT (`Employee.rank`, `Employee.rank_tmt_on`) are written only by
`careers.history.record_rank`, from the rank history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from asn_portal.models import EducationLevel, Employee, Jenjang, OrgUnit, Position, PositionKind, Rank

# ---------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------


class PromotionKind(models.TextChoices):
    """Kinds of kenaikan pangkat (DOMAIN.md §3.1). The engine decides the first four; the
    others are recorded in rank history as they come."""

    REGULER = "reguler", _("Regular")
    STRUKTURAL = "pilihan_struktural", _("By choice: structural post")
    FUNGSIONAL = "pilihan_fungsional", _("By choice: functional post")
    IJAZAH = "penyesuaian_ijazah", _("Diploma adjustment (penyesuaian ijazah)")
    PRESTASI = "prestasi_luar_biasa", _("Exceptional performance")
    PENEMUAN = "penemuan_baru", _("New invention")
    TUGAS_BELAJAR = "tugas_belajar", _("During or after study assignment")
    ISTIMEWA = "istimewa", _("Special (functional)")
    ANUMERTA = "anumerta", _("Posthumous (anumerta)")
    PENGABDIAN = "pengabdian", _("Dedication (pengabdian)")

    @classmethod
    def decided_by_engine(cls):
        return (cls.REGULER, cls.STRUKTURAL, cls.FUNGSIONAL, cls.IJAZAH)


class RankEntryKind(models.TextChoices):
    """Why a rank-history row exists: an appointment, a promotion of some kind, or a demotion
    by sanction (PP 94/2021, DOMAIN.md §8.1)."""

    CPNS = "cpns", _("Appointment as CPNS")
    PNS = "pns", _("Appointment as PNS")
    REGULER = PromotionKind.REGULER.value, PromotionKind.REGULER.label
    STRUKTURAL = PromotionKind.STRUKTURAL.value, PromotionKind.STRUKTURAL.label
    FUNGSIONAL = PromotionKind.FUNGSIONAL.value, PromotionKind.FUNGSIONAL.label
    IJAZAH = PromotionKind.IJAZAH.value, PromotionKind.IJAZAH.label
    PRESTASI = PromotionKind.PRESTASI.value, PromotionKind.PRESTASI.label
    PENEMUAN = PromotionKind.PENEMUAN.value, PromotionKind.PENEMUAN.label
    TUGAS_BELAJAR = PromotionKind.TUGAS_BELAJAR.value, PromotionKind.TUGAS_BELAJAR.label
    ISTIMEWA = PromotionKind.ISTIMEWA.value, PromotionKind.ISTIMEWA.label
    ANUMERTA = PromotionKind.ANUMERTA.value, PromotionKind.ANUMERTA.label
    PENGABDIAN = PromotionKind.PENGABDIAN.value, PromotionKind.PENGABDIAN.label
    DEMOTION = "penurunan", _("Demotion by sanction")
    CORRECTION = "koreksi", _("Correction of an earlier decree")


class Predikat(models.TextChoices):
    """The five annual SKP ratings (PermenPANRB 6/2022, DOMAIN.md §5)."""

    SANGAT_BAIK = "sangat_baik", _("Sangat Baik")
    BAIK = "baik", _("Baik")
    BUTUH_PERBAIKAN = "butuh_perbaikan", _("Butuh Perbaikan")
    KURANG = "kurang", _("Kurang / Misconduct")
    SANGAT_KURANG = "sangat_kurang", _("Sangat Kurang")

    @classmethod
    def at_least_baik(cls):
        return (cls.SANGAT_BAIK, cls.BAIK)


class ExamKind(models.TextChoices):
    """Service examinations (DOMAIN.md §3.3)."""

    UD1 = "UD1", _("Ujian Dinas Tingkat I")
    UD2 = "UD2", _("Ujian Dinas Tingkat II")
    UKPPI = "UKPPI", _("Ujian Kenaikan Pangkat Penyesuaian Ijazah (UKPPI)")


class StudyPath(models.TextChoices):
    """How a diploma was earned while in service (DOMAIN.md §7.1)."""

    NONE = "", _("Before appointment or own time")
    TUGAS_BELAJAR = "tugas_belajar", _("Tugas belajar")
    IZIN_BELAJAR = "izin_belajar", _("Izin belajar")


class AwardKind(models.TextChoices):
    SATYALANCANA_X = "satyalancana_x", _("Satyalancana Karya Satya X years")
    SATYALANCANA_XX = "satyalancana_xx", _("Satyalancana Karya Satya XX years")
    SATYALANCANA_XXX = "satyalancana_xxx", _("Satyalancana Karya Satya XXX years")
    OTHER = "lainnya", _("Other award")


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class PromotionRegime(models.Model):
    """Which months promotions take effect in (TMT on the 1st) and when proposals may be sent,
    from a date on (DOMAIN.md §3.2). The regime in force on a date is the latest one whose
    `valid_from` is not after it. Under Peraturan BKN 4/2025 every month is a period and the
    window for TMT month M runs from the 16th of M-2 to the 15th of M-1."""

    name = models.CharField(_("name"), max_length=120)
    regulation = models.CharField(_("regulation"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), unique=True)
    months = models.JSONField(_("TMT months"), help_text=_("Months (1–12) whose 1st is a promotion date."))
    window_opens_months_before = models.PositiveSmallIntegerField(_("window opens, months before"), default=2)
    window_opens_day = models.PositiveSmallIntegerField(_("window opens on day"), default=16)
    window_closes_months_before = models.PositiveSmallIntegerField(_("window closes, months before"), default=1)
    window_closes_day = models.PositiveSmallIntegerField(_("window closes on day"), default=15)
    internal_deadline_days = models.PositiveSmallIntegerField(
        _("BKPP's internal deadline, days before the window closes"),
        default=0,
        help_text=_("Operators must propose this many days before BKN's deadline (0: the same day)."),
    )

    class Meta:
        verbose_name = _("promotion period regime")
        verbose_name_plural = _("promotion period regimes")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_opens_day__gte=1, window_opens_day__lte=28)
                & Q(window_closes_day__gte=1, window_closes_day__lte=28),
                name="regime_window_days_1_28",
            ),
            models.CheckConstraint(
                condition=Q(window_opens_months_before__gte=F("window_closes_months_before")),
                name="regime_window_opens_before_it_closes",
            ),
        ]

    def __str__(self):
        return self.name


class PromotionRule(models.Model):
    """The numbers of one promotion kind from a date on (DOMAIN.md §3.1): years in rank,
    how many years of SKP at least Baik, and for the structural kind the shorter time when the
    rank is one below the post's lowest rank. `version` is stored in every eligibility
    snapshot, so a proposal keeps the rules it was judged by."""

    kind = models.CharField(_("kind"), max_length=30, choices=PromotionKind.choices)
    valid_from = models.DateField(_("valid from"))
    version = models.CharField(_("rule version"), max_length=40)
    years_in_rank = models.PositiveSmallIntegerField(_("years in rank"))
    skp_years = models.PositiveSmallIntegerField(_("years of SKP at least Baik"))
    one_below_years_in_rank = models.PositiveSmallIntegerField(
        _("years in rank when one below the post's lowest rank"), null=True, blank=True
    )
    one_below_years_in_post = models.PositiveSmallIntegerField(
        _("years in post when one below the post's lowest rank"), null=True, blank=True
    )
    regulation = models.CharField(_("regulation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("promotion rule")
        verbose_name_plural = _("promotion rules")
        ordering = ["kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="promotion_rule_kind_from"),
            models.CheckConstraint(condition=Q(skp_years__lte=5), name="promotion_rule_skp_years_le_5"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.version})"


class CreditCoefficient(models.Model):
    """Yearly angka kredit coefficient of a JF level (DOMAIN.md §4.2)."""

    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices)
    valid_from = models.DateField(_("valid from"))
    coefficient = models.DecimalField(_("coefficient per year"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("angka kredit coefficient")
        verbose_name_plural = _("angka kredit coefficients")
        constraints = [
            models.UniqueConstraint(fields=["jenjang", "valid_from"], name="credit_coefficient_jenjang_from"),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="credit_coefficient_positive"),
        ]

    def __str__(self):
        return f"{self.get_jenjang_display()}: {self.coefficient}"


class PredikatRate(models.Model):
    """Share of the coefficient an annual predikat earns (DOMAIN.md §4.1): 150 % … 25 %."""

    predikat = models.CharField(_("predikat"), max_length=20, choices=Predikat.choices, unique=True)
    percent = models.PositiveSmallIntegerField(_("percent of the coefficient"))

    class Meta:
        verbose_name = _("predikat rate")
        verbose_name_plural = _("predikat rates")
        constraints = [models.CheckConstraint(condition=Q(percent__lte=150), name="predikat_rate_le_150")]

    def __str__(self):
        return f"{self.get_predikat_display()}: {self.percent}%"


class CreditRequirement(models.Model):
    """Cumulative AK a JF holder of a level needs to be promoted from a rank, and to move up to
    the next level (DOMAIN.md §4.3; integration system). `for_jenjang` is empty at the top."""

    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices)
    rank = models.ForeignKey(Rank, verbose_name=_("from rank"), on_delete=models.PROTECT, related_name="+")
    for_rank = models.DecimalField(_("AK for the next rank"), max_digits=7, decimal_places=2, null=True, blank=True)
    for_jenjang = models.DecimalField(_("AK for the next level"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("angka kredit requirement")
        verbose_name_plural = _("angka kredit requirements")
        constraints = [models.UniqueConstraint(fields=["jenjang", "rank"], name="credit_requirement_jenjang_rank")]

    def __str__(self):
        return f"{self.get_jenjang_display()} {self.rank.code}"


class GolonganCrossing(models.Model):
    """Moving from `from_rank` to the next rank crosses a golongan and needs `exam`, unless the
    employee holds at least `exempt_education` or completed one of `exempt_training`
    (training programme categories, e.g. ["pkp"]) — DOMAIN.md §3.3."""

    from_rank = models.OneToOneField(Rank, verbose_name=_("from rank"), on_delete=models.PROTECT, related_name="+")
    exam = models.CharField(_("exam"), max_length=10, choices=ExamKind.choices)
    exempt_education = models.ForeignKey(
        EducationLevel,
        verbose_name=_("exempt from this education level"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    exempt_training = models.JSONField(_("exempt after this leadership training"), default=list, blank=True)
    exempt_functional = models.BooleanField(_("functional posts are exempt"), default=True)

    class Meta:
        verbose_name = _("golongan crossing")
        verbose_name_plural = _("golongan crossings")

    def __str__(self):
        return f"{self.from_rank.code}: {self.exam}"


class SatyalancanaRule(models.Model):
    """Years of service that earn a Satyalancana Karya Satya, and the sanction levels within
    those years that exclude it."""

    award = models.CharField(_("award"), max_length=30, choices=AwardKind.choices, unique=True)
    years = models.PositiveSmallIntegerField(_("years of service"), unique=True)
    excluding_levels = models.JSONField(_("sanction levels that exclude it"), default=list)

    class Meta:
        verbose_name = _("Satyalancana rule")
        verbose_name_plural = _("Satyalancana rules")
        ordering = ["years"]

    def __str__(self):
        return self.get_award_display()


# ---------------------------------------------------------------------------------------------
# Histories
# ---------------------------------------------------------------------------------------------


class RankHistory(models.Model):
    """One rank decree: the rank, its TMT, the decree, the kind, and the masa kerja golongan
    (service counted for pay) the decree states. Rows of an employee are in TMT order and the
    rank only goes down with `kind=penurunan`; `careers.history` checks both."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="ranks")
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT, related_name="+")
    tmt_on = models.DateField(_("TMT"))
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)
    decree_on = models.DateField(_("decree date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=RankEntryKind.choices)
    service_years = models.PositiveSmallIntegerField(_("masa kerja golongan, years"), default=0)
    service_months = models.PositiveSmallIntegerField(_("masa kerja golongan, months"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rank history")
        verbose_name_plural = _("rank histories")
        ordering = ["employee", "tmt_on"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "tmt_on"], name="rank_history_one_per_tmt"),
            models.CheckConstraint(condition=Q(service_months__lte=11), name="rank_history_months_0_11"),
        ]
        indexes = [models.Index(fields=["rank", "tmt_on"], name="rank_history_rank_tmt")]

    def __str__(self):
        return f"{self.rank.code} {self.tmt_on}"


class PositionHistory(models.Model):
    """A post held from `tmt_on` (until the next row's TMT). `position` links the post when it
    is in SIGAP's catalogue; its name, kind, level and unit are kept as they were."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="positions_held"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("position"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PositionKind.choices)
    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    tmt_on = models.DateField(_("TMT"))
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("position history")
        verbose_name_plural = _("position histories")
        ordering = ["employee", "tmt_on"]
        constraints = [models.UniqueConstraint(fields=["employee", "tmt_on"], name="position_history_one_per_tmt")]

    def __str__(self):
        return f"{self.name} {self.tmt_on}"


class EducationHistory(models.Model):
    """A diploma. The employee's highest level (`Employee.education`) follows from these rows."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="diplomas"
    )
    level = models.ForeignKey(EducationLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+")
    major = models.CharField(_("major"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=200)
    graduated_on = models.DateField(_("graduation date"))
    diploma_number = models.CharField(_("diploma number"), max_length=100, blank=True)
    path = models.CharField(_("study path"), max_length=20, choices=StudyPath.choices, blank=True)

    class Meta:
        verbose_name = _("education history")
        verbose_name_plural = _("education histories")
        ordering = ["employee", "graduated_on"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "level", "graduated_on"], name="education_history_unique")
        ]

    def __str__(self):
        return f"{self.level} {self.institution}"


class PerformanceRating(models.Model):
    """The annual SKP predikat of a year (DOMAIN.md §5)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="performance"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    predikat = models.CharField(_("predikat"), max_length=20, choices=Predikat.choices)

    class Meta:
        verbose_name = _("SKP rating")
        verbose_name_plural = _("SKP ratings")
        ordering = ["employee", "year"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="performance_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1970, year__lte=2100), name="performance_year_sane"),
        ]

    def __str__(self):
        return f"{self.year}: {self.get_predikat_display()}"


class ExamResult(models.Model):
    """A passed service examination: Ujian Dinas I/II or UKPPI (DOMAIN.md §3.3)."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="exams")
    kind = models.CharField(_("exam"), max_length=10, choices=ExamKind.choices)
    passed_on = models.DateField(_("passed on"))

    class Meta:
        verbose_name = _("service exam result")
        verbose_name_plural = _("service exam results")
        ordering = ["employee", "passed_on"]
        constraints = [models.UniqueConstraint(fields=["employee", "kind", "passed_on"], name="exam_result_unique")]

    def __str__(self):
        return f"{self.kind} {self.passed_on}"


class CreditAssessment(models.Model):
    """A PAK (penetapan angka kredit): the cumulative AK in a JF level on a date. It replaces
    the yearly conversion up to that date (DOMAIN.md §4)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="credit_assessments"
    )
    assessed_on = models.DateField(_("date"))
    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices)
    total = models.DecimalField(_("cumulative angka kredit"), max_digits=8, decimal_places=3)

    class Meta:
        verbose_name = _("angka kredit assessment (PAK)")
        verbose_name_plural = _("angka kredit assessments (PAK)")
        ordering = ["employee", "assessed_on"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "assessed_on"], name="credit_assessment_one_per_day"),
            models.CheckConstraint(condition=Q(total__gte=Decimal(0)), name="credit_assessment_not_negative"),
        ]

    def __str__(self):
        return f"{self.assessed_on}: {self.total}"


class Award(models.Model):
    """An award (penghargaan) received, including the Satyalancana Karya Satya."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("kind"), max_length=30, choices=AwardKind.choices)
    name = models.CharField(_("award"), max_length=200)
    awarded_on = models.DateField(_("date"))
    issuer = models.CharField(_("given by"), max_length=200, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["employee", "awarded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "kind"],
                condition=~Q(kind="lainnya"),
                name="award_satyalancana_once",
            )
        ]

    def __str__(self):
        return self.name


class Innovation(models.Model):
    """A public-service innovation an employee led, and the recognition it received."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="innovations"
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), blank=True)
    recognition = models.CharField(_("recognition received"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------------------------
# Promotion proposals (usul kenaikan pangkat)
# ---------------------------------------------------------------------------------------------


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the OPD")
    RETURNED = "returned", _("Returned to the OPD")
    SUPERVISOR_APPROVED = "supervisor_approved", _("Approved by the supervisor")
    VERIFIED = "verified", _("Verified by BKPP")
    SUBMITTED = "submitted", _("Submitted to BKN")
    APPROVED = "approved", _("Approved (decree issued)")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def live(cls):
        return (cls.PROPOSED, cls.RETURNED, cls.SUPERVISOR_APPROVED, cls.VERIFIED, cls.SUBMITTED)

    @classmethod
    def final(cls):
        return (cls.APPROVED, cls.REJECTED, cls.WITHDRAWN)


class DocumentKind(models.TextChoices):
    """The dossier of a proposal (DOMAIN.md §3.5)."""

    SK_CPNS = "sk_cpns", _("SK CPNS")
    SK_PNS = "sk_pns", _("SK PNS")
    SK_PANGKAT = "sk_pangkat", _("Last rank decree")
    SKP = "skp", _("SKP of the last two years")
    IJAZAH = "ijazah", _("Diploma and transcript")
    UJIAN_DINAS = "ujian_dinas", _("Ujian dinas certificate")
    PAK = "pak", _("PAK (angka kredit assessment)")
    SK_JABATAN = "sk_jabatan", _("Position decree")
    UKPPI = "ukppi", _("UKPPI certificate")


class PromotionProposal(models.Model):
    """A promotion proposal of one employee for one period. `eligibility` is the snapshot of
    the engine's explanation when it was proposed (criteria and rule version), never
    recomputed; `override_reason` is BKPP's written reason for proposing someone the engine
    found not eligible."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="promotion_proposals"
    )
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    period_on = models.DateField(_("period (TMT)"))
    kind = models.CharField(_("kind"), max_length=30, choices=PromotionKind.choices)
    from_rank = models.ForeignKey(Rank, verbose_name=_("current rank"), on_delete=models.PROTECT, related_name="+")
    to_rank = models.ForeignKey(Rank, verbose_name=_("proposed rank"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=30, choices=ProposalState.choices, default=ProposalState.PROPOSED, db_index=True
    )
    eligibility = models.JSONField(_("eligibility when proposed"))
    rule_version = models.CharField(_("rule version"), max_length=40)
    override_reason = models.TextField(_("reason for proposing although not eligible"), blank=True)
    documents = models.JSONField(_("document checklist"), default=dict, blank=True)
    bkn_reference = models.CharField(_("BKN reference"), max_length=100, blank=True)
    decree_number = models.CharField(_("decree / PERTEK number"), max_length=100, blank=True)
    decree_on = models.DateField(_("decree date"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("promotion proposal")
        verbose_name_plural = _("promotion proposals")
        ordering = ["-period_on", "employee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period_on"],
                condition=Q(state__in=ProposalState.live()) | Q(state="approved"),
                name="proposal_one_live_per_period",
            ),
            models.CheckConstraint(condition=Q(to_rank__gt=F("from_rank")), name="proposal_goes_up"),
        ]
        indexes = [
            models.Index(fields=["opd", "period_on", "state"], name="proposal_opd_period_state"),
            models.Index(fields=["period_on", "state"], name="proposal_period_state"),
        ]

    def __str__(self):
        return f"{self.employee} → {self.to_rank.code} ({self.period_on})"


class ProposalEvent(models.Model):
    """One move of a proposal: who, when, from and to which state, why."""

    proposal = models.ForeignKey(PromotionProposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["proposal", "at"], name="proposal_event_at")]

    def __str__(self):
        return f"{self.from_state or '—'} → {self.to_state}"
