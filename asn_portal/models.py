"""Core data of SIGAP: accounts, the organisation tree, reference data (ranks, education
levels), positions, employees, role grants and notifications.

Indonesian civil-service words kept as names (DOMAIN.md):
- OPD (perangkat daerah): a top-level department of the local government (dinas, badan, ...).
- golongan/ruang and pangkat: the 17 PNS ranks (III/a "Penata Muda", ...).
- TMT (terhitung mulai tanggal): the date from which an appointment or rank counts.
- jabatan: position; jenjang: the level of a functional position (JF).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class User(AbstractUser):
    """A login account. An employee's username is the NIP; staff accounts (BKPP admins,
    Inspektorat) may also use a plain username. Roles are Django groups (see `Role`)."""

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")


class Role(models.TextChoices):
    """Roles granted as Django groups. The supervisor (atasan) role is not here: it follows
    from `Employee.supervisor`. Operator OPD also needs `OperatorGrant` rows for its scope."""

    ADMIN_BKPP = "admin_bkpp", _("Admin BKPP")
    INSPEKTORAT = "inspektorat", _("Inspektorat")
    OPERATOR_OPD = "operator_opd", _("Operator OPD")


# ---------------------------------------------------------------------------------------------
# Organisation
# ---------------------------------------------------------------------------------------------


class OrgUnitKind(models.TextChoices):
    SETDA = "setda", _("Sekretariat Daerah")
    ASISTEN = "asisten", _("Asisten")
    SETWAN = "setwan", _("Sekretariat DPRD")
    INSPEKTORAT = "inspektorat", _("Inspektorat")
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
    RSUD = "rsud", _("Rumah Sakit Daerah")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    BAGIAN = "bagian", _("Bagian")
    BIDANG = "bidang", _("Bidang")
    UPTD = "uptd", _("UPTD")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    SEKOLAH = "sekolah", _("Sekolah")


class OrgUnitQuerySet(MP_NodeQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def opds(self):
        """Top-level units: the perangkat daerah."""
        return self.filter(depth=1)

    def subtree_of(self, unit: OrgUnit):
        """This unit and everything under it, in one query (materialised path prefix)."""
        return self.filter(path__startswith=unit.path)


class OrgUnitManager(MP_NodeManager.from_queryset(OrgUnitQuerySet)):
    def get_queryset(self):
        # treebeard orders by path (depth-first) by default; keep that.
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


class OrgUnit(MP_Node):
    """A unit in the government's organisation tree. The roots are the OPDs; `opd` points
    every unit to its root so scoping and reports filter on one indexed key."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    opd = models.ForeignKey(
        "self",
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The top-level unit (perangkat daerah) this unit belongs to."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    steplen = 4
    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["opd", "kind"], name="orgunit_opd_kind")]

    def __str__(self):
        return self.name

    @property
    def is_opd(self) -> bool:
        return self.depth == 1


# ---------------------------------------------------------------------------------------------
# Reference data (loaded by data migrations)
# ---------------------------------------------------------------------------------------------


class Rank(models.Model):
    """One of the 17 PNS ranks (DOMAIN.md §2.1). The primary key is the rank's order, 1 (I/a)
    to 17 (IV/e), so ranks compare by id and range checks are database constraints."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    code = models.CharField(_("golongan/ruang"), max_length=6, unique=True)  # "III/a"
    golongan = models.CharField(_("golongan"), max_length=3)  # "III"
    ruang = models.CharField(_("ruang"), max_length=1)  # "a"
    name = models.CharField(_("pangkat"), max_length=60)  # "Penata Muda"

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        constraints = [
            models.CheckConstraint(condition=Q(id__gte=1, id__lte=17), name="rank_id_1_to_17"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EducationLevel(models.Model):
    """An education level with the rank a CPNS starts at and the highest rank reachable by
    regular promotion with that diploma (DOMAIN.md §2.2)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    starting_rank = models.ForeignKey(Rank, verbose_name=_("starting rank"), on_delete=models.PROTECT, related_name="+")
    regular_promotion_ceiling = models.ForeignKey(
        Rank, verbose_name=_("highest rank by regular promotion"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("education level")
        verbose_name_plural = _("education levels")
        constraints = [
            models.CheckConstraint(
                condition=Q(starting_rank__lte=F("regular_promotion_ceiling")),
                name="education_start_not_above_ceiling",
            ),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# Positions (jabatan)
# ---------------------------------------------------------------------------------------------


class PositionKind(models.TextChoices):
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL_KEAHLIAN = "fungsional_keahlian", _("Fungsional keahlian")
    FUNGSIONAL_KETERAMPILAN = "fungsional_keterampilan", _("Fungsional keterampilan")

    @classmethod
    def functional(cls):
        return (cls.FUNGSIONAL_KEAHLIAN, cls.FUNGSIONAL_KETERAMPILAN)

    @classmethod
    def leadership(cls):
        """Structural posts (JPT, administrator, pengawas)."""
        return (cls.JPT_UTAMA, cls.JPT_MADYA, cls.JPT_PRATAMA, cls.ADMINISTRATOR, cls.PENGAWAS)


class Jenjang(models.TextChoices):
    """Level of a functional position (JF), DOMAIN.md §4.2."""

    PEMULA = "pemula", _("Pemula")
    TERAMPIL = "terampil", _("Terampil")
    MAHIR = "mahir", _("Mahir")
    PENYELIA = "penyelia", _("Penyelia")
    AHLI_PERTAMA = "ahli_pertama", _("Ahli Pertama")
    AHLI_MUDA = "ahli_muda", _("Ahli Muda")
    AHLI_MADYA = "ahli_madya", _("Ahli Madya")
    AHLI_UTAMA = "ahli_utama", _("Ahli Utama")

    @classmethod
    def keterampilan(cls):
        return (cls.PEMULA, cls.TERAMPIL, cls.MAHIR, cls.PENYELIA)

    @classmethod
    def keahlian(cls):
        return (cls.AHLI_PERTAMA, cls.AHLI_MUDA, cls.AHLI_MADYA, cls.AHLI_UTAMA)


class Position(models.Model):
    """A jabatan in a unit. The corruption-prone duty flags come from the seed article (budget
    planning, grants and social aid, tax and retribution, procurement, HR and promotion,
    licensing) and decide who files LHKPN and who must take integrity training."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PositionKind.choices, db_index=True)
    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions")
    min_rank = models.ForeignKey(
        Rank, verbose_name=_("lowest rank"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    max_rank = models.ForeignKey(
        Rank, verbose_name=_("highest rank"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handles_budget_planning = models.BooleanField(_("budget planning"), default=False)
    handles_grants = models.BooleanField(_("grants and social aid"), default=False)
    handles_tax_retribution = models.BooleanField(_("tax and retribution"), default=False)
    handles_procurement = models.BooleanField(_("procurement"), default=False)
    handles_hr_promotion = models.BooleanField(_("HR and promotion"), default=False)
    handles_licensing = models.BooleanField(_("licensing"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    CORRUPTION_PRONE_FLAGS = (
        "handles_budget_planning",
        "handles_grants",
        "handles_tax_retribution",
        "handles_procurement",
        "handles_hr_promotion",
        "handles_licensing",
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name", "kind", "jenjang"], name="position_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(kind__in=PositionKind.functional()) | Q(jenjang=""),
                name="position_jenjang_only_for_functional",
            ),
            models.CheckConstraint(
                condition=Q(min_rank__isnull=True) | Q(max_rank__isnull=True) | Q(min_rank__lte=F("max_rank")),
                name="position_rank_range_ordered",
            ),
        ]

    def __str__(self):
        if self.jenjang:
            return f"{self.name} {self.get_jenjang_display()}"
        return self.name

    @property
    def is_corruption_prone(self) -> bool:
        return any(getattr(self, flag) for flag in self.CORRUPTION_PRONE_FLAGS)


# ---------------------------------------------------------------------------------------------
# Employees
# ---------------------------------------------------------------------------------------------


class EmploymentType(models.TextChoices):
    PNS = "pns", _("PNS")
    CPNS = "cpns", _("CPNS")
    PPPK = "pppk", _("PPPK")
    PPPK_PARUH_WAKTU = "pppk_paruh_waktu", _("PPPK paruh waktu")

    @classmethod
    def pppk(cls):
        return (cls.PPPK, cls.PPPK_PARUH_WAKTU)


class EmployeeStatus(models.TextChoices):
    AKTIF = "aktif", _("Active")
    TUGAS_BELAJAR = "tugas_belajar", _("On study assignment (tugas belajar)")
    CLTN = "cltn", _("Unpaid leave (CLTN)")
    DIBERHENTIKAN_SEMENTARA = "diberhentikan_sementara", _("Temporarily suspended")
    DIBERHENTIKAN = "diberhentikan", _("Dismissed")
    PINDAH = "pindah_keluar", _("Transferred out to another agency")
    PENSIUN = "pensiun", _("Retired")
    MENINGGAL = "meninggal", _("Deceased")

    @classmethod
    def in_service(cls):
        """Statuses of people still employed (on the payroll or on leave)."""
        return (cls.AKTIF, cls.TUGAS_BELAJAR, cls.CLTN, cls.DIBERHENTIKAN_SEMENTARA)


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class EmployeeQuerySet(models.QuerySet):
    def in_service(self):
        return self.filter(status__in=EmployeeStatus.in_service())

    def in_opd(self, opd_id):
        return self.filter(opd_id=opd_id)

    def in_subtree(self, unit: OrgUnit):
        return self.filter(unit__path__startswith=unit.path)

    def for_listing(self):
        """What a list row shows, in a fixed number of queries."""
        return self.select_related("unit", "opd", "rank", "position")


class Employee(models.Model):
    """A civil servant (ASN): PNS, CPNS or PPPK. `nip` is the NIP for PNS/CPNS and the NI PPPK
    for PPPK; birth date and gender are read from it and kept here for queries.
    `opd` follows from `unit` and is written by the service that changes the unit."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=150)
    front_title = models.CharField(_("front title"), max_length=40, blank=True)
    back_title = models.CharField(_("back title"), max_length=60, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=20, choices=EmploymentType.choices)
    status = models.CharField(_("status"), max_length=30, choices=EmployeeStatus.choices, default=EmployeeStatus.AKTIF)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    born_on = models.DateField(_("date of birth"))

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees")
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holders",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subordinates",
    )
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rank_tmt_on = models.DateField(_("rank TMT"), null=True, blank=True)
    # PPPK hold no pangkat; they have a pay grade I–XVII (Perpres 98/2020).
    pppk_grade = models.PositiveSmallIntegerField(_("PPPK grade"), null=True, blank=True)
    education = models.ForeignKey(
        EducationLevel,
        verbose_name=_("highest education"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cpns_tmt_on = models.DateField(_("TMT CPNS"), null=True, blank=True)
    pns_tmt_on = models.DateField(_("TMT PNS"), null=True, blank=True)
    # When the current position was taken up (TMT jabatan); kept in step by the service that
    # records position history. Mandatory leadership training is due one year after it.
    position_since_on = models.DateField(_("in position since"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("nip"), 18), name="employee_nip_18_chars"),
            models.UniqueConstraint(fields=["nik"], condition=~Q(nik=""), name="employee_nik_unique"),
            models.CheckConstraint(condition=~Q(supervisor=F("id")), name="employee_not_own_supervisor"),
            models.CheckConstraint(
                condition=Q(employment_type__in=EmploymentType.pppk()) | Q(pppk_grade__isnull=True),
                name="employee_pppk_grade_only_for_pppk",
            ),
            models.CheckConstraint(
                condition=~Q(employment_type__in=EmploymentType.pppk()) | Q(rank__isnull=True),
                name="employee_no_pangkat_for_pppk",
            ),
            models.CheckConstraint(
                condition=Q(pppk_grade__isnull=True) | Q(pppk_grade__gte=1, pppk_grade__lte=17),
                name="employee_pppk_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(cpns_tmt_on__isnull=True)
                | Q(pns_tmt_on__isnull=True)
                | LessThanOrEqual(F("cpns_tmt_on"), F("pns_tmt_on")),
                name="employee_cpns_before_pns",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="employee_name_id"),
            models.Index(fields=["opd", "name", "id"], name="employee_opd_name_id"),
            models.Index(fields=["status"], name="employee_status"),
            models.Index(fields=["employment_type"], name="employee_type"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.nip})"

    @property
    def full_name(self) -> str:
        """Name with academic titles as written on decrees: "Dr. Ani Lestari, S.Kom., M.T."."""
        name = f"{self.front_title} {self.name}".strip()
        return f"{name}, {self.back_title}" if self.back_title else name

    @property
    def formatted_nip(self) -> str:
        from asn_portal.nip import format_nip

        return format_nip(self.nip)

    @property
    def is_pppk(self) -> bool:
        return self.employment_type in EmploymentType.pppk()


class OperatorGrant(models.Model):
    """Grants a user the Operator OPD role for one OPD. The user is also in the Operator OPD
    group (kept in step by `services.grant_operator`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="operator_grants"
    )
    opd = models.ForeignKey(
        OrgUnit,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="operator_grants",
        limit_choices_to={"depth": 1},
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("operator grant")
        verbose_name_plural = _("operator grants")
        constraints = [models.UniqueConstraint(fields=["user", "opd"], name="operator_grant_unique")]

    def __str__(self):
        return f"{self.user} → {self.opd}"


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message. `key`, when set, makes sending idempotent: a task that runs twice
    finds the row and sends nothing the second time."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    # The reminder kind (asn_portal.reminders) or "" for a message a service sent directly.
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    # True while an e-mail is owed: set when the row is written, cleared with `emailed_at`.
    # The sweep (tasks.sweep_undispatched) sends what a lost or refused task left behind.
    email_due = models.BooleanField(_("e-mail due"), default=False)
    # The reminder run that wrote the row: that run e-mails exactly the rows it created.
    batch = models.UUIDField(_("batch"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""), name="notification_key_unique"),
            models.CheckConstraint(
                condition=Q(email_due=False) | Q(emailed_at__isnull=True), name="notification_email_due_unsent"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_created"),
            models.Index(fields=["created_at"], condition=Q(email_due=True), name="notification_email_due"),
            models.Index(fields=["batch"], condition=Q(batch__isnull=False), name="notification_batch"),
            models.Index(fields=["kind", "created_at"], condition=~Q(kind=""), name="notification_kind_created"),
        ]

    def __str__(self):
        return self.title


class EmailOptOut(models.Model):
    """A user's choice not to get e-mail for one non-mandatory reminder kind (the message still
    appears in the bell). Mandatory kinds (asn_portal.reminders) ignore it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(_("reminder kind"), max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique")]
        indexes = [models.Index(fields=["kind"], name="email_opt_out_kind")]

    def __str__(self):
        return f"{self.user}: {self.kind}"


# ---------------------------------------------------------------------------------------------
# Reports (long jobs built by a Celery task; the page polls the row's progress)
# ---------------------------------------------------------------------------------------------


def _dated_random_path(folder: str, filename: str) -> str:
    """folder/YYYY/MM/<random>.<suffix>: the stored name never carries the file's own name."""
    # Imported here: uploads imports services, which imports this module.
    from django.utils import timezone

    from asn_portal.uploads import random_name

    return random_name(None, filename, f"{folder}/{timezone.localdate():%Y/%m}")


def _report_path(instance, filename: str) -> str:
    return _dated_random_path("reports", filename)


def _import_path(instance, filename: str) -> str:
    return _dated_random_path("imports", filename)


class ReportJob(models.Model):
    """One requested report and what became of it. `kind` is the code of a registered report
    kind (asn_portal.reports); `params` its checked parameters. The task builds the file into
    private storage (never a public URL) and records progress; a failed job keeps an error
    code whose message the page shows in the reader's language, and may be retried."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=_report_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error_code = models.CharField(_("error code"), max_length=60, blank=True)
    error_detail = models.TextField(_("error detail"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Scheduled reports: the occasion ("jp_recap:2026-12:opd-17") that makes a second run of
    # the schedule find the job instead of building it again; and whether the finished file
    # goes by e-mail to the requester.
    schedule_key = models.CharField(_("schedule key"), max_length=120, blank=True)
    email_result = models.BooleanField(_("e-mail the file"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_job_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | ~Q(file=""), name="report_job_succeeded_has_file"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error_code=""), name="report_job_failed_has_code"
            ),
            models.UniqueConstraint(
                fields=["schedule_key"], condition=~Q(schedule_key=""), name="report_job_schedule_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="report_job_by_created"),
            models.Index(fields=["kind", "-created_at"], name="report_job_kind_created"),
            models.Index(fields=["created_at"], condition=Q(status__in=["pending", "running"]), name="report_job_open"),
        ]

    def __str__(self):
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        from asn_portal import reports

        return reports.label_of(self.kind)

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def error_message(self) -> str:
        from asn_portal import reports

        return reports.error_message(self.error_code) if self.error_code else ""


# ---------------------------------------------------------------------------------------------
# Spreadsheet imports (long jobs: a row with status and progress that the page polls)
# ---------------------------------------------------------------------------------------------


class ImportJob(models.Model):
    """One uploaded spreadsheet and what became of it. The import runs as a Celery task that
    updates `progress`; it writes everything or nothing, and `errors` lists every bad row.
    `kind` is the code of a registered import kind (asn_portal.imports)."""

    class Kind:
        """Codes of the kinds the core itself registers (others come from the other apps)."""

        EMPLOYEES = "employees"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Rejected")

    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to=_import_path)
    original_name = models.CharField(_("file name"), max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"row", "column", "code", "message"}]
    summary = models.JSONField(_("summary"), default=dict, blank=True)  # {"created", "updated", "unchanged"}
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_max_100"),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="import_job_by_created")]

    def __str__(self):
        return f"{self.kind_label}: {self.original_name}"

    def clean(self):
        # The kinds are registered at start-up by the apps (asn_portal.imports), so they are
        # not a database choice; a job of an unregistered kind could never run.
        from django.core.exceptions import ValidationError

        from asn_portal import imports

        super().clean()
        if imports.get(self.kind) is None:
            raise ValidationError(
                {"kind": _("Unknown import kind %(kind)s.") % {"kind": self.kind}}, code="unknown_import_kind"
            )

    @property
    def kind_label(self) -> str:
        from asn_portal import imports

        return imports.label_of(self.kind)

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


# ---------------------------------------------------------------------------------------------
# Calendar: days off besides weekends and national holidays
# ---------------------------------------------------------------------------------------------


class CollectiveLeave(models.Model):
    """A cuti bersama day (collective leave set each year by joint ministerial decree), or any
    other day the government's offices are closed. National holidays come from the `holidays`
    package; this table holds what it cannot know. Deadlines counted in working days skip both."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("collective leave day")
        verbose_name_plural = _("collective leave days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
