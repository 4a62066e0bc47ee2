"""Career records: histories (rank, position, education, SKP, service exams, angka kredit),
awards and innovations, the promotion reference data (periods, per-kind rules, AK tables,
golongan crossings), promotion proposals, and study leave (tugas belajar / izin belajar) with
its reports, extensions and service bond.

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
from asn_portal.uploads import random_name

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


# ---------------------------------------------------------------------------------------------
# Study leave: tugas belajar and izin belajar (DOMAIN.md §7)
# ---------------------------------------------------------------------------------------------


class StudyKind(models.TextChoices):
    """DOMAIN.md §7.1: tugas belajar is an assignment funded by the government or a sponsor (the
    employee leaves daily duties); izin belajar is self-funded study outside working hours."""

    TUGAS_BELAJAR = "tugas_belajar", _("Tugas belajar")
    IZIN_BELAJAR = "izin_belajar", _("Izin belajar")


class Accreditation(models.TextChoices):
    """A study programme's accreditation (BAN-PT / LAM). The 2019 grades sit beside the old
    letters: Unggul ≈ A, Baik Sekali ≈ B, Baik ≈ C. A programme abroad is judged by its
    recognition (penyetaraan), which counts as B."""

    UNGGUL = "unggul", _("Unggul")
    A = "A", _("A")
    BAIK_SEKALI = "baik_sekali", _("Baik Sekali")
    B = "B", _("B")
    BAIK = "baik", _("Baik")
    C = "C", _("C")
    LUAR_NEGERI = "luar_negeri", _("Abroad, recognised by the ministry")
    NONE = "tidak_terakreditasi", _("Not accredited")

    @classmethod
    def grade(cls, value: str) -> int:
        """4 for A and Unggul, 3 for B, Baik Sekali and a recognised programme abroad, 2 for C
        and Baik, 0 for none: the comparison the minimum in `StudyPolicy` is read with."""
        return ACCREDITATION_GRADES.get(value, 0)


ACCREDITATION_GRADES = {
    Accreditation.UNGGUL: 4,
    Accreditation.A: 4,
    Accreditation.BAIK_SEKALI: 3,
    Accreditation.B: 3,
    Accreditation.LUAR_NEGERI: 3,
    Accreditation.BAIK: 2,
    Accreditation.C: 2,
    Accreditation.NONE: 0,
}


class Funding(models.TextChoices):
    APBD = "apbd", _("City budget (APBD)")
    APBN = "apbn", _("State budget (APBN)")
    SCHOLARSHIP = "beasiswa", _("Scholarship or sponsor")
    SELF = "mandiri", _("Self-funded")


class StudyPolicy(models.Model):
    """The numbers of the study-leave rules from a date on (DOMAIN.md §7.2–7.4, product
    decisions). The policy in force on a study's planned start date applies to it."""

    valid_from = models.DateField(_("valid from"), unique=True)
    regulation = models.CharField(_("regulation"), max_length=200, blank=True)
    min_service_months = models.PositiveSmallIntegerField(_("months as PNS before applying"), default=12)
    min_accreditation = models.CharField(
        _("lowest accreditation accepted"), max_length=20, choices=Accreditation.choices, default=Accreditation.B
    )
    release_after_months = models.PositiveSmallIntegerField(
        _("tugas belajar longer than this many months releases the post"), default=6
    )
    report_every_months = models.PositiveSmallIntegerField(_("a progress report every this many months"), default=6)
    report_grace_days = models.PositiveSmallIntegerField(_("days after a semester's end to report"), default=30)
    extension_months = models.PositiveSmallIntegerField(_("months one extension adds"), default=12)
    tb_extensions_before_conversion = models.PositiveSmallIntegerField(
        _("extensions a tugas belajar keeps its kind for"),
        default=1,
        help_text=_("The next approved extension turns the tugas belajar into izin belajar (DOMAIN.md §7.2)."),
    )
    bond_multiplier = models.PositiveSmallIntegerField(_("service bond: years per study year"), default=2)
    bond_extra_years = models.PositiveSmallIntegerField(_("service bond: years added"), default=1)
    health_certificate_required = models.BooleanField(
        _("tugas belajar needs a health and drug-free certificate"), default=True
    )

    class Meta:
        verbose_name = _("study-leave policy")
        verbose_name_plural = _("study-leave policies")
        constraints = [
            models.CheckConstraint(condition=Q(report_every_months__gte=1), name="study_policy_report_every_positive"),
            models.CheckConstraint(condition=Q(extension_months__gte=1), name="study_policy_extension_positive"),
        ]

    def __str__(self):
        return f"{self.valid_from:%Y-%m-%d} {self.regulation}".strip()


class StudyLevelRule(models.Model):
    """Per education level, from a date on: the tugas belajar age cap on the start date (and the
    higher cap for 3T areas or critical posts, recorded for BKPP's judgement), and the longest
    study allowed (DOMAIN.md §7.2). `izin_max_months` empty: no limit for izin belajar."""

    level = models.ForeignKey(EducationLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    tugas_max_age = models.PositiveSmallIntegerField(_("tugas belajar: highest age on the start date"))
    tugas_max_age_special = models.PositiveSmallIntegerField(
        _("tugas belajar: highest age for 3T areas or critical posts"), null=True, blank=True
    )
    tugas_max_months = models.PositiveSmallIntegerField(_("tugas belajar: longest study, months"))
    izin_max_months = models.PositiveSmallIntegerField(_("izin belajar: longest study, months"), null=True, blank=True)

    class Meta:
        verbose_name = _("study rule per level")
        verbose_name_plural = _("study rules per level")
        constraints = [
            models.UniqueConstraint(fields=["level", "valid_from"], name="study_level_rule_level_from"),
            models.CheckConstraint(condition=Q(tugas_max_months__gte=1), name="study_level_rule_months_positive"),
        ]

    def __str__(self):
        return f"{self.level}: {self.tugas_max_age} / {self.tugas_max_months}"


class StudyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the supervisor")
    RETURNED = "returned", _("Returned for correction")
    RECOMMENDED = "recommended", _("Recommended by the supervisor")
    CHECKED = "checked", _("Complete, waiting for BKPP")
    APPROVED = "approved", _("Approved, not started yet")
    ONGOING = "ongoing", _("Studying")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def in_review(cls):
        return (cls.SUBMITTED, cls.RETURNED, cls.RECOMMENDED, cls.CHECKED)

    @classmethod
    def open(cls):
        """An application or a study that stops the employee from applying again."""
        return (cls.DRAFT, *cls.in_review(), cls.APPROVED, cls.ONGOING)

    @classmethod
    def final(cls):
        return (cls.COMPLETED, cls.TERMINATED, cls.REJECTED, cls.WITHDRAWN)


class TerminationReason(models.TextChoices):
    FAILED = "failed", _("Did not pass (failed the study)")
    WITHDREW = "withdrew", _("Withdrew from the study")
    MISCONDUCT = "misconduct", _("Misconduct")
    OTHER = "other", _("Other")


class StudyLeave(models.Model):
    """One application for tugas belajar or izin belajar and, once approved, the study itself:
    its reports, extensions, completion and the service bond after a tugas belajar.

    `next_report_due_on` is the due date of the first progress report not yet sent, kept by
    the services so "overdue" is one indexed comparison. `released_position` is the post a
    tugas belajar released (DOMAIN.md §7.3), given back at the end when it is free."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="study_leaves"
    )
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=StudyKind.choices)
    level = models.ForeignKey(EducationLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+")
    # As long as EducationHistory.major, which receives it when the diploma is recorded.
    program = models.CharField(_("study programme"), max_length=150)
    institution = models.CharField(_("institution"), max_length=200)
    accreditation = models.CharField(_("programme accreditation"), max_length=20, choices=Accreditation.choices)
    country = models.CharField(_("country"), max_length=80, default="Indonesia")
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("planned end date"))
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices)
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    relevance = models.TextField(_("relevance to the position"))
    state = models.CharField(_("state"), max_length=20, choices=StudyState.choices, default=StudyState.DRAFT)
    eligibility = models.JSONField(_("eligibility when submitted"), default=dict, blank=True)
    decree_number = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    decree_on = models.DateField(_("decree date"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions approved"), default=0)
    converted_on = models.DateField(_("turned into izin belajar on"), null=True, blank=True)
    released_position = models.ForeignKey(
        Position,
        verbose_name=_("released post"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    needs_reappointment = models.BooleanField(_("needs reappointment to a post"), default=False)
    next_report_due_on = models.DateField(_("next progress report due"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    returned_on = models.DateField(_("back at work on"), null=True, blank=True)
    termination_reason = models.CharField(
        _("termination reason"), max_length=20, choices=TerminationReason.choices, blank=True
    )
    bond_years = models.PositiveSmallIntegerField(_("service bond, years"), null=True, blank=True)
    bond_ends_on = models.DateField(_("service bond ends on"), null=True, blank=True)
    bond_broken_on = models.DateField(_("left the service during the bond on"), null=True, blank=True)
    bond_remaining_months = models.PositiveSmallIntegerField(_("bond months left when leaving"), null=True, blank=True)
    diploma = models.ForeignKey(
        EducationHistory,
        verbose_name=_("diploma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("study leave")
        verbose_name_plural = _("study leaves")
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(state__in=StudyState.open()),
                name="study_leave_one_open_per_employee",
            ),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="study_leave_ends_after_start"),
            models.CheckConstraint(
                condition=Q(kind="izin_belajar") | ~Q(funding="mandiri"), name="study_leave_tugas_not_self_funded"
            ),
            models.CheckConstraint(
                condition=Q(bond_ends_on__isnull=True) | Q(kind="tugas_belajar") | Q(converted_on__isnull=False),
                name="study_leave_bond_only_after_tugas",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "ongoing", "completed"]) | ~Q(decree_number=""),
                name="study_leave_decree_when_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["opd", "state"], name="study_leave_opd_state"),
            models.Index(fields=["state", "kind"], name="study_leave_state_kind"),
            models.Index(fields=["state", "next_report_due_on"], name="study_leave_report_due"),
            models.Index(fields=["bond_ends_on"], name="study_leave_bond_ends"),
            models.Index(fields=["starts_on"], name="study_leave_starts"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.level} — {self.employee}"

    @property
    def is_tugas(self) -> bool:
        return self.kind == StudyKind.TUGAS_BELAJAR


class StudyDocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Letter of acceptance (LoA)")
    ACCREDITATION = "accreditation", _("Programme accreditation certificate")
    RECOMMENDATION = "recommendation", _("Supervisor's recommendation")
    NO_SANCTION = "no_sanction", _("Statement of no disciplinary sanction")
    SPONSOR = "sponsor", _("Sponsor's or scholarship's guarantee")
    HEALTH = "health", _("Health and drug-free certificate")
    OTHER = "other", _("Other document")


def _study_document_path(instance, filename):
    return random_name(instance, filename, "careers/study")


class StudyDocument(models.Model):
    """A document of an application, stored privately under a random name; one per kind (a new
    upload replaces the old one)."""

    leave = models.ForeignKey(StudyLeave, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=StudyDocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_study_document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("study-leave document")
        verbose_name_plural = _("study-leave documents")
        constraints = [models.UniqueConstraint(fields=["leave", "kind"], name="study_document_one_per_kind")]

    def __str__(self):
        return self.get_kind_display()


def _study_report_path(instance, filename):
    return random_name(instance, filename, "careers/study-reports")


class StudyReport(models.Model):
    """The progress report of one semester: the GPA (IPK) and the transcript."""

    leave = models.ForeignKey(StudyLeave, on_delete=models.CASCADE, related_name="reports")
    semester = models.PositiveSmallIntegerField(_("semester"))
    due_on = models.DateField(_("due on"))
    gpa = models.DecimalField(_("GPA (IPK)"), max_digits=3, decimal_places=2)
    credits = models.PositiveSmallIntegerField(_("credits (SKS) so far"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    transcript = models.FileField(_("transcript"), upload_to=_study_report_path)
    transcript_name = models.CharField(_("file name"), max_length=255)
    transcript_type = models.CharField(_("type"), max_length=100)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("study progress report")
        verbose_name_plural = _("study progress reports")
        constraints = [
            models.UniqueConstraint(fields=["leave", "semester"], name="study_report_one_per_semester"),
            models.CheckConstraint(condition=Q(semester__gte=1, semester__lte=20), name="study_report_semester_range"),
            models.CheckConstraint(condition=Q(gpa__gte=0, gpa__lte=4), name="study_report_gpa_0_4"),
        ]

    def __str__(self):
        return f"{self.leave_id} semester {self.semester}"

    @property
    def submitted_late(self) -> bool:
        return self.submitted_at.date() > self.due_on


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StudyExtension(models.Model):
    """A request to study longer (DOMAIN.md §7.2): BKPP approves or rejects it."""

    leave = models.ForeignKey(StudyLeave, on_delete=models.CASCADE, related_name="extension_requests")
    months = models.PositiveSmallIntegerField(_("months"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.REQUESTED
    )
    previous_ends_on = models.DateField(_("planned end before"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("study extension")
        verbose_name_plural = _("study extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["leave"], condition=Q(state="requested"), name="study_extension_one_pending"
            ),
            models.CheckConstraint(condition=Q(months__gte=1), name="study_extension_months_positive"),
        ]

    def __str__(self):
        return f"+{self.months} ({self.get_state_display()})"


class StudyEvent(models.Model):
    """One step of an application or a study: who, when, from and to which state, what
    (`action`) and why. Steps that do not change the state (a report, an extension request)
    keep `from_state == to_state`."""

    leave = models.ForeignKey(StudyLeave, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["leave", "at"], name="study_event_at")]

    def __str__(self):
        return f"{self.action}: {self.from_state or '—'} → {self.to_state}"
