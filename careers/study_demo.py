"""The study-leave records of the demo city (issue 8, part 8): tugas belajar and izin belajar.

`careers.demo.seed` calls `seed(city, today=..., log=...)` after the career histories and the
promotion proposals. Everything goes through the workflow's own services (`careers.study`),
so the rules hold: the pre-check passes on the planned start date (PNS for a year, active, no
sanction, accreditation, a higher level, the age cap and longest study of a tugas belajar);
documents and transcripts are content-checked one-page PDFs stored under MEDIA_ROOT like the
other demo uploads; a study begins through `start_due_studies(on)` on its start date (a
tugas belajar longer than six months sets the status and releases the post); reports,
extensions, completion (the diploma goes into the education history; after a tugas belajar
the service bond of 2n + 1 years starts on the return date) and termination get the day they
happened as `today`; `flag_bond_exits` flags who left during a bond. The services stamp their
rows with the clock; the writer dates each step's events, notifications, documents, reports
and extension requests back to the day it happened (office hours), so every history reads in
date order. Notifications of steps more than a week before the day of seeding are read by
now, except the last step's of an application still waiting for someone.

What the city gets, dated back from the day of seeding `as_of` (intakes on 1 February and
1 September; the first after `as_of` + 60 days is "the next intake"):

- Applications at every step: a draft (only the acceptance letter so far); sent and waiting
  for the supervisor (the pegawai persona's tugas belajar S2 at Undip, in the atasan persona's
  inbox); returned by the supervisor (the acceptance letter is missing) and by
  BKPP (an expired accreditation certificate); recommended and waiting for the completeness
  check (one in the operator persona's OPD, from the atasan persona's team when one fits; one
  elsewhere, where Admin BKPP checks); checked and waiting for BKPP's decision (one the
  operator persona checked, one abroad on an LPDP scholarship); approved, starting at the next
  intake; rejected; withdrawn.
- Studies under way: tugas belajar (status tugas belajar, post released; one abroad on an
  LPDP scholarship, one begun at the latest intake in the operator persona's OPD when someone
  there fits) and izin belajar (still at work), with a progress report per semester ended,
  some sent late; some reports overdue (`next_report_due_on` before `as_of`); an
  extension request waiting for BKPP; a tugas belajar turned into izin belajar by its second
  extension (DOMAIN.md §7.2: the employee back in the post, still studying).
- Ended studies: tugas belajar completed with service bonds running (an S3 when an S2 holder
  fits), an izin belajar completed (no bond), a tugas belajar completed long ago whose bond has
  ended, one terminated (failed two semesters), and one employee who transferred out to
  another agency during the bond (through `asn_portal.services.update_employee`), flagged.
- In a city larger than the default 2000, one more study under way per 250 employees beyond
  it (random kind, intake and programme), so the roster grows with the city.

Who: PNS with an account, active, not a persona (except the pegawai persona's application),
without sanctions, integrity cases, promotion proposals or a diploma awaiting penyesuaian
ijazah. Programmes follow the employee's field (health, education, planning, finance,
environment, IT, law, administration) and diploma; the services' own pre-check confirms each
pick, and a plan nobody fits is left out (the log says which). Whoever leaves daily duties
or gains a diploma here holds a pelaksana or functional post taken before the study, and is
neither eligible for a promotion in the coming periods (time in rank not met, or at the
ceiling) nor completing the time in rank in them: the promotion outlook careers.demo shaped
(tests/careers/test_seed_careers.py) keeps its showcases. Those away from their post now
(tugas belajar under way, the transfer out) are pelaksana: careers.demo writes the PAKs of a
functional post for its active holders only. A small city has few such employees, so the
plans that need them are walked first, and the others take them last.

Deterministic: candidates come in NIP order and are drawn with `random.Random` seeded from the
city's seed, so the same city seeded on the same day gets the same studies, dates and times
(only the stored file names are random, as for every upload). Idempotent: when the pegawai
persona has an application, nothing is written; nor when the database holds another demo
city. A database seeded before this module gets the records on the next `seed_demo`."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, DateTimeField, F, OuterRef, Subquery, Value, When
from django.utils import timezone, translation

from asn_portal import demo as city_demo
from asn_portal import services as core_services
from asn_portal.demo import add_months
from asn_portal.models import EducationLevel, Employee, EmployeeStatus, Notification, User
from careers import demo as careers_demo
from careers import study
from careers import study_rules as rules
from careers.models import (
    Accreditation,
    EducationHistory,
    Funding,
    PositionHistory,
    PromotionProposal,
    StudyDocument,
    StudyDocumentKind,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyPolicy,
    StudyReport,
    StudyState,
    TerminationReason,
)
from integrity.demo import MONTHS_ID, minimal_pdf
from integrity.models import IntegrityCase, Sanction

TB, IB = StudyKind.TUGAS_BELAJAR.value, StudyKind.IZIN_BELAJAR.value
A = Accreditation
EXTRA_PER_EMPLOYEE = 1 / 250  # studies under way beyond the showcase, per employee
EXTRA_FROM = 2000  # ... counted from this city size on (the default city has the showcase only)
MIN_SERVICE_MONTHS = 12  # a first reading of the policy's (the pre-check reads the policy)
PICK_TRIES = 40  # pre-checks tried per scenario before giving up
READ_AFTER_DAYS = 7  # notifications of older steps are marked read
WAITING = ("submitted", "returned", "recommended", "checked", "extension_requested")  # for someone's step
BACK, OUT = "back", "out"  # a plan that released the post (or brought a diploma) / away from it now
FUNCTIONAL = ("fungsional_keahlian", "fungsional_keterampilan")


# --- Programmes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    name: str
    institution: str
    accreditation: str
    country: str = "Indonesia"


P = Programme
PROGRAMMES: dict[tuple[str, str], tuple[Programme, ...]] = {
    ("S2", "health"): (
        P("Magister Epidemiologi", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Kesehatan Masyarakat", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Ilmu Kesehatan Masyarakat", "Universitas Gadjah Mada", A.UNGGUL),
        P("Magister Keperawatan", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Administrasi Rumah Sakit", "Universitas Indonesia", A.UNGGUL),
    ),
    ("S2", "education"): (
        P("Magister Pendidikan Dasar", "Universitas Negeri Semarang", A.UNGGUL),
        P("Magister Manajemen Pendidikan", "Universitas Negeri Semarang", A.A),
        P("Magister Pendidikan Agama Islam", "UIN Walisongo Semarang", A.A),
        P("Magister Pendidikan Bahasa Inggris", "Universitas Negeri Semarang", A.UNGGUL),
    ),
    ("S2", "planning"): (
        P("Magister Perencanaan Wilayah dan Kota", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Teknik Sipil", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Perencanaan Kota dan Daerah", "Universitas Gadjah Mada", A.UNGGUL),
        P("Magister Sistem dan Teknik Transportasi", "Universitas Gadjah Mada", A.UNGGUL),
    ),
    ("S2", "finance"): (
        P("Magister Akuntansi", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Ekonomi dan Studi Pembangunan", "Universitas Diponegoro", A.A),
        P("Magister Manajemen", "Universitas Gadjah Mada", A.UNGGUL),
    ),
    ("S2", "environment"): (
        P("Magister Ilmu Lingkungan", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Agribisnis", "Universitas Diponegoro", A.A),
    ),
    ("S2", "it"): (
        P("Magister Sistem Informasi", "Universitas Diponegoro", A.A),
        P("Magister Teknologi Informasi", "Universitas Gadjah Mada", A.UNGGUL),
    ),
    ("S2", "law"): (
        P("Magister Ilmu Hukum", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Hukum", "Universitas 17 Agustus 1945 Semarang", A.BAIK_SEKALI),
    ),
    ("S2", "administration"): (
        P("Magister Administrasi Publik", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Administrasi Publik", "Universitas Gadjah Mada", A.UNGGUL),
        P("Magister Ilmu Administrasi", "Universitas Indonesia", A.UNGGUL),
        P("Magister Manajemen", "Universitas Diponegoro", A.UNGGUL),
        P("Magister Administrasi Publik", "Universitas 17 Agustus 1945 Semarang", A.BAIK_SEKALI),
    ),
    ("S3", "health"): (P("Doktor Kesehatan Masyarakat", "Universitas Diponegoro", A.A),),
    ("S3", "education"): (P("Doktor Manajemen Kependidikan", "Universitas Negeri Semarang", A.A),),
    ("S3", "environment"): (P("Doktor Ilmu Lingkungan", "Universitas Diponegoro", A.UNGGUL),),
    ("S3", "administration"): (P("Doktor Administrasi Publik", "Universitas Diponegoro", A.A),),
    ("S1", "health"): (
        P("Ilmu Keperawatan", "Universitas Muhammadiyah Semarang", A.BAIK_SEKALI),
        P("Kesehatan Masyarakat", "Universitas Dian Nuswantoro", A.BAIK_SEKALI),
    ),
    ("S1", "education"): (P("Pendidikan Guru Sekolah Dasar", "Universitas Terbuka", A.UNGGUL),),
    ("S1", "it"): (P("Sistem Informasi", "Universitas Dian Nuswantoro", A.UNGGUL),),
    ("S1", "law"): (
        P("Ilmu Hukum", "Universitas 17 Agustus 1945 Semarang", A.BAIK_SEKALI),
        P("Hukum Ekonomi Syariah", "UIN Walisongo Semarang", A.A),
    ),
    ("S1", "administration"): (
        P("Ilmu Administrasi Negara", "Universitas Terbuka", A.UNGGUL),
        P("Manajemen", "Universitas Semarang", A.B),
        P("Ilmu Hukum", "Universitas 17 Agustus 1945 Semarang", A.BAIK_SEKALI),
    ),
    ("D4", "health"): (
        P("Sarjana Terapan Kebidanan", "Poltekkes Kemenkes Semarang", A.BAIK_SEKALI),
        P("Sarjana Terapan Keperawatan", "Poltekkes Kemenkes Semarang", A.BAIK_SEKALI),
        P("Sarjana Terapan Sanitasi Lingkungan", "Poltekkes Kemenkes Semarang", A.BAIK_SEKALI),
    ),
}
ABROAD = (
    P("Master of Public Policy", "Australian National University", A.LUAR_NEGERI, "Australia"),
    P("Master of Public Health", "The University of Melbourne", A.LUAR_NEGERI, "Australia"),
    P("MSc Urban Management and Development", "Erasmus University Rotterdam (IHS)", A.LUAR_NEGERI, "Belanda"),
    P("MSc Environmental Sciences", "Wageningen University & Research", A.LUAR_NEGERI, "Belanda"),
)
LPDP = "LPDP (Lembaga Pengelola Dana Pendidikan), Kementerian Keuangan"
KEMENKES = "Program Bantuan Pendidikan SDM Kesehatan, Kementerian Kesehatan"
CITY_SCHOLARSHIP = "Beasiswa Tugas Belajar Pemerintah Kota Semarang"
PERSONA_PROGRAMME = P("Magister Epidemiologi", "Universitas Diponegoro", A.UNGGUL)
PERSONA_RELEVANCE = (
    "Sebagai Epidemiolog Kesehatan di Bidang Pencegahan dan Pengendalian Penyakit, ilmu epidemiologi "
    "lanjutan memperkuat analisis data surveilans dan penyelidikan kejadian luar biasa di Kota Semarang."
)

# Diplomas one may study from (education level codes), per level studied.
FROM_LEVEL = {
    "S3": ("S2",),
    "S2": ("S1", "D4", "PROFESI"),
    "S1": ("D3", "D2", "D1", "SLTA", "SLTA_KEJURUAN"),
    "D4": ("D3",),
}
# Months of study planned, per kind and level.
MONTHS = {(TB, "S2"): 24, (TB, "S3"): 48, (IB, "S2"): 24, (IB, "S1"): 48, (IB, "D4"): 24, (IB, "S3"): 48}
# Credits (SKS) a semester, per level.
SKS = {"S1": (18, 22), "D4": (18, 22), "S2": (9, 12), "S3": (6, 9)}
FIELD_BY_OPD = {
    "DINKES": "health",
    "RSUD-KRMTW": "health",
    "DISDIK": "education",
    "BAPPEDA": "planning",
    "BRIDA": "planning",
    "DPU": "planning",
    "DISTARU": "planning",
    "DISPERKIM": "planning",
    "DISHUB": "planning",
    "BPBD": "planning",
    "BPKAD": "finance",
    "BAPENDA": "finance",
    "INSPEKTORAT": "finance",
    "DLH": "environment",
    "DISTAN": "environment",
    "DISKAN": "environment",
    "DISKETAPANG": "environment",
    "DISKOMINFO": "it",
    "DISDUKCAPIL": "it",
    "DISARPUS": "it",
    "SATPOLPP": "law",
    "SETWAN": "law",
}
FIELD_BY_UNIT = {"SETDA-HUKUM": "law", "SETDA-KEU": "finance", "SETDA-PBJ": "finance"}
RELEVANCE = {
    "health": "memperkuat analisis data kesehatan serta perencanaan program pencegahan dan pelayanan kesehatan",
    "education": "meningkatkan mutu pembelajaran dan pengelolaan satuan pendidikan",
    "planning": "mendukung perencanaan pembangunan, tata ruang dan infrastruktur kota",
    "finance": "memperkuat pengelolaan, pelaporan dan pengawasan keuangan daerah",
    "environment": "mendukung pengelolaan lingkungan hidup dan ketahanan pangan kota",
    "it": "mendukung transformasi digital dan tata kelola data layanan publik",
    "law": "memperkuat penyusunan produk hukum daerah dan penegakan peraturan daerah",
    "administration": "meningkatkan kapasitas perumusan kebijakan dan mutu pelayanan publik",
}
DOCUMENT_TITLES = {
    StudyDocumentKind.ACCEPTANCE: "SURAT KETERANGAN DITERIMA (LETTER OF ACCEPTANCE)",
    StudyDocumentKind.ACCREDITATION: "SERTIFIKAT AKREDITASI PROGRAM STUDI",
    StudyDocumentKind.RECOMMENDATION: "SURAT REKOMENDASI ATASAN LANGSUNG",
    StudyDocumentKind.NO_SANCTION: "SURAT PERNYATAAN TIDAK SEDANG MENJALANI HUKUMAN DISIPLIN",
    StudyDocumentKind.SPONSOR: "SURAT JAMINAN BEASISWA / PEMBIAYAAN",
    StudyDocumentKind.HEALTH: "SURAT KETERANGAN SEHAT JASMANI, ROHANI DAN BEBAS NARKOBA",
    StudyDocumentKind.OTHER: "DOKUMEN PENDUKUNG",
}
RECOMMEND_NOTE = "Program studi relevan dengan tugas jabatan; direkomendasikan."
CHECK_NOTE = "Berkas lengkap dan sesuai."
RETURN_BY_SUPERVISOR = "Surat keterangan diterima (LoA) belum dilampirkan; mohon dilengkapi."
RETURN_BY_BKPP = "Sertifikat akreditasi program studi yang dilampirkan sudah kedaluwarsa; lampirkan yang berlaku."
REJECT_REASON = (
    "Kuota tugas belajar tahun anggaran ini sudah terpenuhi dan program studi belum termasuk kebutuhan "
    "formasi OPD; dapat diajukan kembali tahun depan."
)
WITHDRAW_REASON = "Mengundurkan diri karena diterima pada program beasiswa lain."
EXTENSION_PENDING = (
    "Pengambilan data penelitian tesis tertunda karena izin lokasi penelitian; sidang tesis dijadwalkan "
    "pada semester berikutnya."
)
EXTENSION_FIRST = "Penulisan tesis belum selesai karena revisi metodologi penelitian."
EXTENSION_SECOND = "Tesis masih dalam tahap revisi setelah seminar hasil."
EXTENSION_FIRST_NOTE = "Disetujui sebagai perpanjangan pertama."
TERMINATION = (
    "IPK semester pertama dan kedua di bawah 2,75; universitas menyatakan yang bersangkutan tidak dapat "
    "melanjutkan studi."
)


def seed(city: city_demo.DemoCity, *, today: dt.date, log: Callable[[str], None] = lambda message: None) -> int:
    """Write the study-leave records of `city` (already in the database with its career
    records), dated back from `today`; return how many records were created (applications,
    documents, reports, extension requests), 0 when they exist or the database holds another
    city. Stored texts are in the site's language, whoever runs the command."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _Writer(city, today, log).write()


def settle_generated_statuses(nips: list[str], log: Callable[[str], None] = lambda message: None) -> int:
    """The city generator gives a share of PNS the status tugas belajar before any study
    exists; in SIGAP a tugas belajar is a record (`StudyLeave`) that sets the status, so the
    generated ones without a study are made active again: the roster and the directory agree."""
    settled = 0
    for i in range(0, len(nips), 500):
        settled += (
            Employee.objects.filter(nip__in=nips[i : i + 500], status=EmployeeStatus.TUGAS_BELAJAR)
            .exclude(study_leaves__isnull=False)
            .update(status=EmployeeStatus.AKTIF)
        )
    if settled:
        log(f"Careers: {settled} employees the generator put on tugas belajar without a study are active again.")
    return settled


# --- Dates ----------------------------------------------------------------------------------


def _date_id(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


@functools.cache
def _zone():
    return timezone.get_default_timezone()


def _at(day: dt.date, minutes: int) -> dt.datetime:
    """An aware datetime on `day` during office hours (08:00 + minutes, capped at 15:59)."""
    minutes = minutes % 480
    return dt.datetime(day.year, day.month, day.day, 8 + minutes // 60, minutes % 60, tzinfo=_zone())


def _workday(day: dt.date) -> dt.date:
    """`day`, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def intakes(until: dt.date, years: int = 16) -> list[dt.date]:
    """The intakes (1 February, 1 September) up to `until`, the latest first."""
    days = [dt.date(year, month, 1) for year in range(until.year - years, until.year + 1) for month in (2, 9)]
    return sorted((day for day in days if day <= until), reverse=True)


def intake_before(day: dt.date) -> dt.date:
    """The latest intake on or before `day`."""
    return intakes(day)[0]


def intake_after(day: dt.date) -> dt.date:
    """The first intake on or after `day`."""
    return min(d for d in (dt.date(day.year + n, month, 1) for n in (0, 1) for month in (2, 9)) if d >= day)


# --- The candidates ---------------------------------------------------------------------------

# _Person field -> Employee lookup (one query for the whole city).
PERSON_LOOKUPS = (
    ("pk", "pk"),
    ("nip", "nip"),
    ("name", "name"),
    ("user_id", "user_id"),
    ("born_on", "born_on"),
    ("pns_tmt_on", "pns_tmt_on"),
    ("education", "education__code"),
    ("rank_id", "rank_id"),
    ("rank_tmt_on", "rank_tmt_on"),
    ("diploma_ceiling", "education__regular_promotion_ceiling_id"),
    ("position_id", "position_id"),
    ("post_ceiling", "position__max_rank_id"),
    ("post_kind", "position__kind"),
    ("post_name", "position__name"),
    ("unit_code", "unit__code"),
    ("unit_name", "unit__name"),
    ("unit_kind", "unit__kind"),
    ("opd_id", "opd_id"),
    ("opd_code", "opd__code"),
    ("supervisor_id", "supervisor_id"),
    ("supervisor_user_id", "supervisor__user_id"),
    ("last_post_on", "last_post_on"),
    ("last_diploma_on", "last_diploma_on"),
)


@dataclass
class _Person:
    pk: int
    nip: str
    name: str
    user_id: int
    born_on: dt.date
    pns_tmt_on: dt.date | None
    education: str | None
    rank_id: int | None
    rank_tmt_on: dt.date | None
    diploma_ceiling: int | None  # the highest rank by regular promotion
    position_id: int | None
    post_ceiling: int | None  # the highest rank of the post
    post_kind: str | None
    post_name: str | None
    unit_code: str
    unit_name: str
    unit_kind: str
    opd_id: int
    opd_code: str
    supervisor_id: int | None
    supervisor_user_id: int | None
    last_post_on: dt.date | None  # the latest TMT of the position history
    last_diploma_on: dt.date | None

    @property
    def area(self) -> str:
        """The field the employee works in, for the programme they study."""
        if self.unit_kind == "sekolah":
            return "education"
        return FIELD_BY_UNIT.get(self.unit_code) or FIELD_BY_OPD.get(self.opd_code, "administration")


@dataclass
class _Walk:
    """One application being taken through the services, and the times its steps happened:
    what each step wrote (events, notifications, reports) gets the step's time when the walk
    is flushed."""

    leave: StudyLeave
    person: _Person
    minutes: int = 0
    last_event: int = 0
    created_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    clock: dt.datetime = field(default_factory=timezone.now)  # when the step under way began
    steps: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)  # (began, dated)
    reports: dict[int, dt.datetime] = field(default_factory=dict)


class _Writer:
    def __init__(self, city: city_demo.DemoCity, today: dt.date, log: Callable[[str], None]):
        self.city = city
        self.as_of = max(today, city_demo.REFERENCE_DATE)
        self.log = log
        self.rng = random.Random(f"study-{city.seed}")
        self.serial = 0
        self.created = 0
        self.outcomes: Counter[str] = Counter()
        self.missed: list[str] = []  # plans nobody fitted
        self.users: dict[int, User] = {}
        self.age_caps: dict[tuple[str, dt.date], int] = {}
        self.employees: dict[int, Employee] = {}  # read by the last pre-check, for the draft

    # -- entry -----------------------------------------------------------------------------------

    def write(self) -> int:
        if StudyLeave.objects.filter(employee__nip=city_demo.PERSONA_EMPLOYEE.nip).exists():
            self.log("Careers: the demo's study-leave records are already in the database: nothing to add.")
            return 0
        nips = [employee.nip for employee in self.city.employees]
        found = sum(Employee.objects.filter(nip__in=nips[i : i + 500]).count() for i in range(0, len(nips), 500))
        if found != len(nips):
            self.log("Careers: the database holds another demo city (seed or size): no study-leave records added.")
            return 0
        admin_name = next(account.username for account in self.city.accounts if account.role == "admin_bkpp")
        self.admin = User.objects.filter(username=admin_name).first()
        if self.admin is None or not StudyPolicy.objects.exists():
            self.log("Careers: no Admin BKPP account or no study-leave policy: no study-leave records added.")
            return 0
        settle_generated_statuses(nips, self.log)
        self._load()
        self.last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # The ones that need employees who may leave their duties come first: a small city
        # has few of them (young enough for a tugas belajar, a post to release).
        self._ended()
        self._studies()
        self._applications()
        self._extras()
        self._summary()
        return self.created

    def _load(self) -> None:
        reference = careers_demo.reference_from_db()
        self.periods = careers_demo.coming_periods(self.as_of, reference)
        self.years_in_rank = {
            "pelaksana": reference.rules[careers_demo.REGULER][0],
            "functional": reference.rules[careers_demo.FUNGSIONAL][0],
        }
        self.levels = {level.code: level for level in EducationLevel.objects.all()}
        latest_post = PositionHistory.objects.filter(employee=OuterRef("pk")).order_by("-tmt_on").values("tmt_on")[:1]
        latest_diploma = (
            EducationHistory.objects.filter(employee=OuterRef("pk"))
            .order_by("-graduated_on")
            .values("graduated_on")[:1]
        )
        rows = (
            Employee.objects.filter(employment_type="pns", status=EmployeeStatus.AKTIF, user__isnull=False)
            .annotate(last_post_on=Subquery(latest_post), last_diploma_on=Subquery(latest_diploma))
            .order_by("nip")
            .values_list(*(lookup for _name, lookup in PERSON_LOOKUPS))
        )
        taken = set(StudyLeave.objects.values_list("employee_id", flat=True))
        taken |= set(PromotionProposal.objects.values_list("employee_id", flat=True))
        taken |= set(Sanction.objects.values_list("employee_id", flat=True))
        taken |= set(IntegrityCase.objects.values_list("employee_id", flat=True))
        # A diploma awaiting its penyesuaian ijazah: careers.demo shaped those outlooks.
        taken |= set(
            EducationHistory.objects.filter(graduated_on__gt=F("employee__rank_tmt_on")).values_list(
                "employee_id", flat=True
            )
        )
        personas = {persona.nip for persona in city_demo.PERSONAS}
        self.people: list[_Person] = []
        self.by_nip: dict[str, _Person] = {}
        for row in rows:
            person = _Person(**dict(zip((name for name, _lookup in PERSON_LOOKUPS), row, strict=True)))
            self.by_nip[person.nip] = person
            if person.pk not in taken and person.nip not in personas and person.education:
                self.people.append(person)
        self.used: set[int] = set()
        self.team_supervisor_id = (
            Employee.objects.filter(nip=city_demo.PERSONA_SUPERVISOR.nip).values_list("pk", flat=True).first()
        )
        operator = Employee.objects.filter(nip=city_demo.PERSONA_OPERATOR.nip).values_list("opd_id", "user_id").first()
        self.operator_opd_id, operator_user_id = operator or (None, None)
        self.operator = self._user(operator_user_id) if operator_user_id else None

    # -- choosing ----------------------------------------------------------------------------------

    def _user(self, pk: int) -> User:
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    def _age_cap(self, level: str, starts_on: dt.date) -> int:
        key = (level, starts_on)
        if key not in self.age_caps:
            self.age_caps[key] = rules.level_rule(self.levels[level], starts_on).tugas_max_age
        return self.age_caps[key]

    def _steady(self, person: _Person) -> bool:
        """Not eligible for a promotion in any coming period (the time in rank is not met on
        the last, or the rank is the ceiling of the diploma or the post: DOMAIN.md §3.1) and
        not completing the time in rank in them, so the outlook careers.demo shaped keeps its
        showcases when the employee goes away or gains a diploma."""
        if person.rank_tmt_on is None or person.rank_id is None:
            return False
        functional = person.post_kind in FUNCTIONAL
        due = careers_demo.add_years(
            person.rank_tmt_on, self.years_in_rank["functional" if functional else "pelaksana"]
        )
        if self.as_of < due <= self.periods[-1]:
            return False
        ceiling = person.post_ceiling if functional else person.diploma_ceiling
        return due > self.periods[-1] or (ceiling is not None and person.rank_id >= ceiling)

    def _movable(self, person: _Person) -> bool:
        """May leave daily duties for a study or gain a diploma: a pelaksana or functional post
        (given back at the end) and a steady outlook."""
        return (
            person.position_id is not None
            and person.post_kind in ("pelaksana", *FUNCTIONAL)
            and person.post_name != "Kepala Sekolah"
            and person.last_post_on is not None
            and self._steady(person)
        )

    def _fits(self, person: _Person, kind: str, level: str, starts_on: dt.date, drafted_on: dt.date, away: str):
        """A first reading of the pre-check (the services' own pre-check confirms the pick), and
        what keeps the careers demo's histories and promotion outlook true."""
        if person.pk in self.used or person.education not in FROM_LEVEL[level]:
            return False
        if level == "D4" and person.area != "health":
            return False
        if person.pns_tmt_on is None or add_months(person.pns_tmt_on, MIN_SERVICE_MONTHS) > starts_on:
            return False
        if person.last_diploma_on is not None and person.last_diploma_on >= drafted_on:
            return False
        if kind == TB and _age(person.born_on, starts_on) > self._age_cap(level, starts_on):
            return False
        if not away:
            return True
        # Leaving daily duties or gaining a diploma: the post was taken before the study. Away
        # from the post now: a pelaksana (careers.demo writes PAKs for the functional posts of
        # active holders only).
        if not self._movable(person) or person.last_post_on >= starts_on:
            return False
        return away != OUT or person.post_kind == "pelaksana"

    def _pick(
        self,
        options: tuple[tuple[str, tuple[str, ...]], ...],
        starts_on: dt.date,
        drafted_on: dt.date,
        *,
        away: str,
        only: Callable[[_Person], bool] | None = None,
        prefer: Callable[[_Person], bool] | None = None,
    ) -> tuple[_Person, str, str] | None:
        """A candidate for the first (kind, levels) of `options` anyone fits, drawn at random
        (the preferred ones first), whose pre-check passes; with the kind and level studied.
        None when nobody fits. `away`: "" for a plan that changes nothing at work, BACK for
        one that released the post or brought a diploma, OUT for one away from the post now."""
        for kind, levels in options:
            for level in levels:
                pool = [
                    person
                    for person in self.people
                    if (only is None or only(person)) and self._fits(person, kind, level, starts_on, drafted_on, away)
                ]
                self.rng.shuffle(pool)
                # The preferred first. Those who may go away are few in a small city: a plan
                # that changes nothing takes them last, one that is over takes pelaksana last.
                pool.sort(
                    key=lambda person: (
                        prefer is not None and not prefer(person),
                        not away and self._movable(person),
                        away == BACK and person.post_kind == "pelaksana",
                    )
                )
                ends_on = starts_on + relativedelta(months=MONTHS[(kind, level)])
                plan = rules.Plan(kind, self.levels[level], A.UNGGUL, starts_on, ends_on)
                for person in pool[:PICK_TRIES]:
                    if self._eligible(person, plan):
                        self.used.add(person.pk)
                        return person, kind, level
        wanted = " or ".join(f"{kind} {'/'.join(levels)}" for kind, levels in options)
        self.missed.append(f"{wanted} from {starts_on:%Y-%m-%d}")
        return None

    def _eligible(self, person: _Person, plan: rules.Plan) -> bool:
        self.employees[person.pk] = employee = Employee.objects.select_related("education").get(pk=person.pk)
        return rules.precheck(employee, plan).eligible

    def _programme(self, person: _Person, level: str, *, abroad: bool = False) -> Programme:
        if abroad:
            return self.rng.choice(ABROAD)
        return self.rng.choice(PROGRAMMES.get((level, person.area)) or PROGRAMMES[(level, "administration")])

    def _funding(self, person: _Person, kind: str, abroad: bool) -> tuple[str, str]:
        if kind == IB:
            return Funding.SELF, ""
        if abroad:
            return Funding.SCHOLARSHIP, LPDP
        if person.area == "health" and self.rng.random() < 0.5:
            return Funding.SCHOLARSHIP, KEMENKES
        return Funding.APBD, CITY_SCHOLARSHIP

    def _decree(self, day: dt.date) -> str:
        self.serial += 1
        return f"800.2.3/{self.serial:04d}/BKPP/{day.year}"

    # -- the steps ---------------------------------------------------------------------------------

    def _stamp(self, walk: _Walk, day: dt.date) -> dt.datetime:
        """The time of the step just taken, on `day`, after the walk's last one. The rows the
        step wrote carry the clock's time of writing: `_flush` finds them by it."""
        if day > self.as_of:  # pragma: no cover - a scenario's dates are before as_of
            raise AssertionError(f"{walk.person.nip}: {day} is after {self.as_of}")
        walk.minutes += self.rng.randint(7, 50)
        at = _at(day, walk.minutes)
        if walk.last_at is not None and at <= walk.last_at:
            at = walk.last_at + dt.timedelta(minutes=1)
        walk.last_at = at
        walk.steps.append((walk.clock, at))
        walk.clock = timezone.now()
        return at

    def _flush(self, walk: _Walk, *, waiting: bool = False) -> None:
        """Date what the walk's steps wrote (a query to find it, one per model to date it):
        an event or notification written at the clock's time t belongs to the last step
        begun before t. Notifications of steps more than a week before `as_of` are read by now,
        except, when the application is `waiting` for someone, those of its last step."""
        begun = [clock for clock, _at in walk.steps]

        def step_time(written: dt.datetime) -> dt.datetime:
            return walk.steps[max(0, bisect.bisect_right(begun, written) - 1)][1]

        events = StudyEvent.objects.filter(leave=walk.leave, pk__gt=walk.last_event).values_list("pk", "at")
        notifications = Notification.objects.filter(pk__gt=self.last_notification).values_list("pk", "created_at")
        times = {
            StudyEvent: {pk: step_time(written) for pk, written in events},
            Notification: {pk: step_time(written) for pk, written in notifications},
            StudyReport: dict(walk.reports),
        }
        walk.last_event = max(times[StudyEvent], default=walk.last_event)
        self.last_notification = max(times[Notification], default=self.last_notification)
        walk.reports.clear()
        read_before = _at(self.as_of - dt.timedelta(days=READ_AFTER_DAYS), 0)
        if waiting and walk.last_at is not None:
            read_before = min(read_before, walk.last_at)
        for model, column in ((StudyEvent, "at"), (Notification, "created_at"), (StudyReport, "submitted_at")):
            if not times[model]:
                continue
            by_time: dict[dt.datetime, list[int]] = {}
            for pk, at in times[model].items():
                by_time.setdefault(at, []).append(pk)
            when = [When(pk__in=pks, then=Value(at)) for at, pks in by_time.items()]
            values = {column: Case(*when, output_field=DateTimeField())}
            if model is Notification:
                read = [
                    When(pk__in=pks, then=Value(at + dt.timedelta(hours=2)))
                    for at, pks in by_time.items()
                    if at < read_before
                ]
                values["read_at"] = Case(*read, default=None, output_field=DateTimeField()) if read else None
            model.objects.filter(pk__in=list(times[model])).update(**values)

    def _employee_user(self, walk: _Walk) -> User:
        return self._user(walk.person.user_id)

    def _supervisor(self, walk: _Walk) -> User:
        """The direct supervisor; BKPP when the employee has no supervisor who can sign in."""
        user_id = walk.person.supervisor_user_id
        return self._user(user_id) if user_id else self.admin

    def _checker(self, walk: _Walk) -> User:
        """The operator persona in her OPD, Admin BKPP elsewhere."""
        if self.operator is not None and walk.person.opd_id == self.operator_opd_id:
            return self.operator
        return self.admin

    def _document(self, walk: _Walk, kind: str, day: dt.date) -> None:
        leave, person = walk.leave, walk.person
        lines = [
            str(DOCUMENT_TITLES[StudyDocumentKind(kind)]),
            f"Nama: {person.name}",
            f"NIP: {person.nip}",
            f"Unit kerja: {person.unit_name}",
            f"Program studi: {leave.program} ({leave.level.code})",
            f"Perguruan tinggi: {leave.institution}, {leave.country}",
            f"Mulai: {_date_id(leave.starts_on)}",
            "",
            f"Semarang, {_date_id(day)}",
            "",
            "Dokumen contoh data demo SIGAP.",
        ]
        upload = ContentFile(minimal_pdf(lines), name=f"{kind}-{person.nip}.pdf")
        study.attach_document(leave, kind=kind, uploaded=upload, by=self._employee_user(walk))
        self.created += 1

    def _draft(
        self,
        person: _Person,
        kind: str,
        level: str,
        starts_on: dt.date,
        drafted_on: dt.date,
        *,
        programme: Programme | None = None,
        abroad: bool = False,
        relevance: str = "",
        documents: tuple[str, ...] | None = None,
        leave_out: tuple[str, ...] = (),
    ) -> _Walk:
        """The employee's draft, made on `drafted_on`, with the documents it needs (or
        `documents`) but those in `leave_out`."""
        programme = programme or self._programme(person, level, abroad=abroad)
        funding, sponsor = self._funding(person, kind, abroad)
        post = person.post_name or "pelaksana"
        data = study.ApplicationData(
            kind=kind,
            level=self.levels[level],
            program=programme.name,
            institution=programme.institution,
            accreditation=programme.accreditation,
            starts_on=starts_on,
            ends_on=starts_on + relativedelta(months=MONTHS[(kind, level)]),
            funding=funding,
            sponsor=sponsor,
            country=programme.country,
            relevance=relevance or f"Sesuai tugas jabatan {post} di {person.unit_name}: {RELEVANCE[person.area]}.",
        )
        employee = self.employees.pop(person.pk, None) or Employee.objects.get(pk=person.pk)
        leave = study.create_draft(employee, data, by=self._user(person.user_id), today=drafted_on)
        walk = _Walk(leave, person)
        walk.created_at = self._stamp(walk, drafted_on)
        self.created += 1
        attached = [
            needed
            for needed in (study.required_documents(leave) if documents is None else documents)
            if needed not in leave_out
        ]
        for needed in attached:
            self._document(walk, needed, drafted_on)
        if attached:  # uploaded together, a few minutes after the draft
            at = self._stamp(walk, drafted_on)
            StudyDocument.objects.filter(leave=leave).update(uploaded_at=at)
        return walk

    def _submit(self, walk: _Walk, day: dt.date) -> None:
        walk.leave = study.submit(walk.leave, by=self._employee_user(walk), today=day)
        self._stamp(walk, day)

    def _recommend(self, walk: _Walk, day: dt.date) -> None:
        walk.leave = study.recommend(walk.leave, by=self._supervisor(walk), note=RECOMMEND_NOTE)
        self._stamp(walk, day)

    def _check(self, walk: _Walk, day: dt.date) -> None:
        walk.leave = study.check_complete(walk.leave, by=self._checker(walk), note=CHECK_NOTE)
        self._stamp(walk, day)

    def _through(self, walk: _Walk, submitted: dt.date, recommended: dt.date, checked: dt.date) -> None:
        self._submit(walk, submitted)
        self._recommend(walk, recommended)
        self._check(walk, checked)

    def _approve(self, walk: _Walk, day: dt.date) -> None:
        decree = self._decree(day)
        walk.leave = study.approve(walk.leave, by=self.admin, decree_number=decree, decree_on=day, today=day)
        self._stamp(walk, day)

    def _studying(self, person: _Person, kind: str, level: str, starts_on: dt.date, **options) -> _Walk:
        """A study begun on `starts_on`: drafted five months before, approved four months
        before, begun by the daily task on the day."""
        walk = self._draft(person, kind, level, starts_on, _before(starts_on, 160), **options)
        self._through(walk, _before(starts_on, 150), _before(starts_on, 143), _before(starts_on, 136))
        self._approve(walk, _before(starts_on, 120))
        study.start_due_studies(starts_on)
        walk.leave.refresh_from_db()
        self._stamp(walk, starts_on)
        return walk

    def _reports(
        self,
        walk: _Walk,
        until: dt.date,
        *,
        overdue: bool = False,
        gpa: tuple[int, int] = (318, 396),
        late: float = 0.2,
        most: int | None = None,
    ) -> None:
        """A report for each semester ended by `until` and not reported yet (at most `most`
        semesters), sent in the month after its end, some a little late; with `overdue`, the
        last one due before `as_of` (and any after it) is missing."""
        leave = walk.leave
        policy = rules.policy_on(leave.starts_on)
        reported = dict(leave.reports.values_list("semester", "credits"))
        until = min(until, self.as_of)
        semesters = []
        semester = 1
        while rules.semester_start(leave, policy, semester + 1) <= until and (most is None or semester <= most):
            semesters.append(semester)
            semester += 1
        if overdue:
            due = [n for n in semesters if rules.report_due_on(leave, policy, n) < self.as_of]
            if due:
                semesters = semesters[: semesters.index(due[-1])]
        low, high = SKS.get(leave.level.code, (12, 18))
        credits = max((value or 0 for value in reported.values()), default=0)
        planned = rules.semesters_planned(leave, policy)
        for semester in semesters:
            if semester in reported:
                continue
            ends = rules.semester_start(leave, policy, semester + 1)
            if self.rng.random() < late:
                day = rules.report_due_on(leave, policy, semester) + dt.timedelta(days=self.rng.randint(3, 30))
            else:
                day = ends + dt.timedelta(days=self.rng.randint(4, 27))
            day = max(min(_workday(day), until), ends)
            credits += self.rng.randint(low, high) if semester <= planned else self.rng.randint(0, 3)
            score = Decimal(self.rng.randint(*gpa)) / 100
            notes = ""
            if leave.level.code in ("S2", "S3") and semester >= 3:
                thesis = "disertasi" if leave.level.code == "S3" else "tesis"
                notes = f"Revisi {thesis}." if semester > planned else f"Penyusunan {thesis}."
            lines = [
                f"KARTU HASIL STUDI SEMESTER {semester}",
                f"Nama: {walk.person.name}",
                f"NIP: {walk.person.nip}",
                f"Program studi: {leave.program} ({leave.level.code})",
                f"Perguruan tinggi: {leave.institution}",
                f"IPK: {score}    SKS kumulatif: {credits}",
                "",
                "Dokumen contoh data demo SIGAP.",
            ]
            transcript = ContentFile(minimal_pdf(lines), name=f"khs-semester-{semester}-{walk.person.nip}.pdf")
            report = study.submit_report(
                leave,
                semester=semester,
                gpa=score,
                transcript=transcript,
                by=self._employee_user(walk),
                credits=credits,
                notes=notes,
                today=day,
            )
            walk.reports[report.pk] = self._stamp(walk, day)
            self.created += 1

    def _extension(
        self, walk: _Walk, requested: dt.date, reason: str, decided: dt.date | None = None, note: str = ""
    ) -> None:
        """An extension request by the employee; approved by BKPP on `decided` when given."""
        extension = study.request_extension(walk.leave, by=self._employee_user(walk), reason=reason)
        at = self._stamp(walk, requested)
        StudyExtension.objects.filter(pk=extension.pk).update(requested_at=at)
        self.created += 1
        if decided is not None:
            extension = study.decide_extension(extension, by=self.admin, approve=True, note=note, today=decided)
            at = self._stamp(walk, decided)
            StudyExtension.objects.filter(pk=extension.pk).update(decided_at=at)
        walk.leave.refresh_from_db()

    def _finish(self, walk: _Walk, outcome: str) -> None:
        """Date the walk's steps, the application's creation and last change; count the
        outcome."""
        self._flush(walk, waiting=outcome in WAITING)
        StudyLeave.objects.filter(pk=walk.leave.pk).update(created_at=walk.created_at, updated_at=walk.last_at)
        self.outcomes[outcome] += 1

    # -- the scenarios -----------------------------------------------------------------------------

    def _ended(self) -> None:
        """Completed studies and service bonds, a terminated study, an exit during a bond."""
        today = self.as_of

        def months_ago(months: int) -> dt.date:
            return intake_before(today - relativedelta(months=months))

        # Tugas belajar completed, service bonds running; long ago: the bond has ended.
        self._completed(months_ago(27), ((TB, ("S2",)),), "bond_running")
        self._completed(months_ago(40), ((TB, ("S2",)),), "bond_running")
        self._completed(months_ago(100), ((TB, ("S2",)),), "bond_ended")

        # Terminated: failed the first two semesters.
        start = months_ago(20)
        picked = self._pick(((TB, ("S2",)),), start, _before(start, 160), away=BACK)
        if picked:
            walk = self._studying(*picked, start)
            self._reports(walk, today, gpa=(205, 262), late=0.0, most=2)
            policy = rules.policy_on(start)
            on = _workday(rules.semester_start(walk.leave, policy, 3) + dt.timedelta(days=45))
            walk.leave = study.terminate(
                walk.leave, by=self.admin, reason_kind=TerminationReason.FAILED, reason=TERMINATION, on=on, today=on
            )
            self._stamp(walk, on)
            self._finish(walk, "terminated")

        # Transferred out to another agency during the bond (through the registry service); the
        # daily task flags it to BKPP the next day.
        walk = self._completed(months_ago(36), ((TB, ("S2",)),), "bond_exit", away=OUT)
        if walk is not None:
            left = _before(today, 40)
            employee = Employee.objects.select_related("unit", "position__unit").get(pk=walk.person.pk)
            data = core_services.EmployeeData(**{name: getattr(employee, name) for name in core_services._DATA_FIELDS})
            data.status = EmployeeStatus.PINDAH
            data.position = None
            core_services.update_employee(employee, data, by=self.admin, today=today)
            study.flag_bond_exits(left + dt.timedelta(days=1), employee_ids=[walk.person.pk])
            at = self._stamp(walk, left + dt.timedelta(days=1))
            self._flush(walk)
            StudyLeave.objects.filter(pk=walk.leave.pk).update(updated_at=at)

        # Izin belajar completed: the diploma, no bond. A doctorate on tugas belajar when an S2
        # holder fits.
        self._completed(months_ago(52), ((IB, ("S1", "D4", "S2")),), "completed_izin")
        self._completed(months_ago(56), ((TB, ("S3",)),), "bond_running")

    def _completed(self, start: dt.date, options, outcome: str, *, away: str = BACK) -> _Walk | None:
        """A study begun on `start` and completed shortly before its planned end."""
        picked = self._pick(options, start, _before(start, 160), away=away)
        if picked is None:
            return None
        walk = self._studying(*picked, start)
        graduated = _before(walk.leave.ends_on, self.rng.randint(20, 45))
        returned = graduated
        if walk.leave.kind == TB:
            returned = _workday(graduated + dt.timedelta(days=self.rng.randint(7, 20)))
        self._reports(walk, graduated)
        number = f"{graduated.year}/{walk.leave.level.code}/{self.rng.randint(1, 99999):05d}"
        walk.leave = study.complete(
            walk.leave,
            by=self.admin,
            graduated_on=graduated,
            returned_on=returned,
            diploma_number=number,
            today=returned,
        )
        self._stamp(walk, returned)
        self._finish(walk, outcome)
        return walk

    def _studies(self) -> None:
        """Studies under way (module docstring)."""
        today = self.as_of

        def months_ago(months: int) -> dt.date:
            return intake_before(today - relativedelta(months=months))

        def in_opd(person: _Person) -> bool:
            return person.opd_id == self.operator_opd_id

        # An extension request waiting for BKPP: a tugas belajar ending within a few months.
        start = min(day for day in intakes(today) if day + relativedelta(months=24) > today + dt.timedelta(days=30))
        picked = self._pick(((TB, ("S2",)),), start, _before(start, 160), away=OUT)
        if picked:
            walk = self._studying(*picked, start)
            self._reports(walk, _before(today, 13))
            self._extension(walk, _before(today, 12), EXTENSION_PENDING)
            self._finish(walk, "extension_requested")

        # Turned into izin belajar by the second extension (DOMAIN.md §7.2): back in the post,
        # still studying.
        start = months_ago(40)
        picked = self._pick(((TB, ("S2",)),), start, _before(start, 160), away=BACK)
        if picked:
            walk = self._studying(*picked, start)
            first_end = walk.leave.ends_on
            second_end = first_end + relativedelta(months=12)
            self._reports(walk, _before(first_end, 75))
            self._extension(walk, _before(first_end, 70), EXTENSION_FIRST, _before(first_end, 45), EXTENSION_FIRST_NOTE)
            self._reports(walk, _before(second_end, 75))
            self._extension(walk, _before(second_end, 70), EXTENSION_SECOND, _before(second_end, 40))
            self._reports(walk, today)
            self._finish(walk, "converted")

        # Tugas belajar (start, abroad, a report overdue, where: the last one begun at the
        # latest intake, in the operator persona's OPD when someone there fits), then izin
        # belajar (start, levels, a report overdue).
        tugas = (
            (months_ago(13), False, True, None),
            (months_ago(10), True, False, None),
            (months_ago(0), False, False, in_opd),
        )
        izin = (
            (months_ago(25), ("S1",), True),
            (months_ago(8), ("S2", "S1"), False),
            (months_ago(14), ("D4", "S1"), False),
        )
        for start, abroad, overdue, only in tugas:
            self._ongoing(start, ((TB, ("S2",)),), abroad=abroad, overdue=overdue, only=only)
        for start, levels, overdue in izin:
            self._ongoing(start, ((IB, levels),), overdue=overdue)

    def _ongoing(self, start: dt.date, options, *, abroad=False, overdue=False, only=None) -> None:
        """A study under way since `start`, its reports sent (the last one due missing with
        `overdue`); `only` where someone fits, else anywhere."""
        away = OUT if options[0][0] == TB else ""
        picked = self._pick(options, start, _before(start, 160), away=away, only=only)
        if picked is None and only is not None:
            self.missed.pop()
            picked = self._pick(options, start, _before(start, 160), away=away)
        if picked is None:
            return
        walk = self._studying(*picked, start, abroad=abroad)
        self._reports(walk, self.as_of, overdue=overdue)
        self._finish(walk, "ongoing_tugas" if walk.leave.kind == TB else "ongoing_izin")

    def _applications(self) -> None:
        """Applications at every step up to the decision (module docstring). A tugas belajar
        becomes an izin belajar where nobody fits it."""
        today = self.as_of
        soon = intake_after(today + dt.timedelta(days=60))
        later = intake_after(soon + dt.timedelta(days=1))
        tugas = ((TB, ("S2",)), (IB, ("S2", "S1")))
        izin = ((IB, ("S2", "S1", "D4")),)

        def ago(days: int) -> dt.date:
            return _before(today, days)

        def in_opd(person: _Person) -> bool:
            return person.opd_id == self.operator_opd_id

        def elsewhere(person: _Person) -> bool:
            return person.opd_id != self.operator_opd_id

        def has_supervisor(person: _Person) -> bool:
            return person.supervisor_user_id is not None

        def in_team(person: _Person) -> bool:
            return person.supervisor_id == self.team_supervisor_id

        # The pegawai persona's tugas belajar S2, in the atasan persona's inbox.
        persona = self.by_nip.get(city_demo.PERSONA_EMPLOYEE.nip)
        plan = rules.Plan(
            TB, self.levels["S2"], PERSONA_PROGRAMME.accreditation, later, later + relativedelta(months=24)
        )
        if persona is not None and self._eligible(persona, plan):
            self.used.add(persona.pk)
            walk = self._draft(
                persona, TB, "S2", later, ago(14), programme=PERSONA_PROGRAMME, relevance=PERSONA_RELEVANCE
            )
            self._submit(walk, ago(5))
            self._finish(walk, "submitted")

        # Recommended, waiting for the completeness check: one in the operator persona's OPD
        # (from the atasan persona's team when one fits), one elsewhere (Admin BKPP checks where
        # no operator signs in).
        for options, only, prefer in ((tugas + izin, in_opd, in_team), (izin, elsewhere, None)):
            picked = self._pick(options, soon, ago(30), away="", only=only, prefer=prefer)
            if picked:
                walk = self._draft(*picked, soon, ago(30))
                self._submit(walk, ago(23))
                self._recommend(walk, ago(17))
                self._finish(walk, "recommended")

        # Checked, waiting for BKPP's decision: one the operator persona checked, one abroad on
        # an LPDP scholarship.
        for options, only, abroad, start in (
            (tugas + izin, in_opd, False, soon),
            (((TB, ("S2",)),), None, True, later),
        ):
            picked = self._pick(options, start, ago(52), away="", only=only)
            if picked:
                walk = self._draft(*picked, start, ago(52), abroad=abroad and picked[1] == TB)
                self._through(walk, ago(47), ago(43), ago(37))
                self._finish(walk, "checked")

        # A draft: only the acceptance letter so far.
        picked = self._pick(((IB, ("S1", "D4", "S2")),), soon, ago(3), away="")
        if picked:
            walk = self._draft(*picked, soon, ago(3), documents=(StudyDocumentKind.ACCEPTANCE,))
            self._finish(walk, "draft")

        # Returned by the supervisor (the acceptance letter is missing) and by BKPP from its own
        # step (an expired accreditation certificate).
        picked = self._pick(tugas, later, ago(33), away="", only=has_supervisor)
        if picked:
            walk = self._draft(*picked, later, ago(33), leave_out=(StudyDocumentKind.ACCEPTANCE,))
            self._submit(walk, ago(28))
            walk.leave = study.return_for_correction(walk.leave, by=self._supervisor(walk), reason=RETURN_BY_SUPERVISOR)
            self._stamp(walk, ago(24))
            self._finish(walk, "returned")
        picked = self._pick(izin, soon, ago(55), away="")
        if picked:
            walk = self._draft(*picked, soon, ago(55))
            self._through(walk, ago(50), ago(46), ago(40))
            walk.leave = study.return_for_correction(walk.leave, by=self.admin, reason=RETURN_BY_BKPP)
            self._stamp(walk, ago(31))
            self._finish(walk, "returned")

        # Approved, starting at the next intake.
        picked = self._pick(tugas, soon, ago(80), away="")
        if picked:
            walk = self._draft(*picked, soon, ago(80))
            self._through(walk, ago(74), ago(69), ago(60))
            self._approve(walk, ago(21))
            self._finish(walk, "approved")

        # Rejected and withdrawn, for the intake that has begun.
        start = intake_before(today)
        picked = self._pick(tugas, start, _before(start, 150), away="")
        if picked:
            walk = self._draft(*picked, start, _before(start, 150))
            self._through(walk, _before(start, 145), _before(start, 140), _before(start, 133))
            walk.leave = study.reject(walk.leave, by=self.admin, reason=REJECT_REASON)
            self._stamp(walk, _before(start, 110))
            self._finish(walk, "rejected")
        picked = self._pick(izin, start, _before(start, 130), away="")
        if picked:
            walk = self._draft(*picked, start, _before(start, 130))
            self._submit(walk, _before(start, 125))
            walk.leave = study.withdraw(walk.leave, by=self._employee_user(walk), reason=WITHDRAW_REASON)
            self._stamp(walk, _before(start, 118))
            self._finish(walk, "withdrawn")

    def _extras(self) -> None:
        """More studies under way in a larger city: random kind, intake and programme."""
        today = self.as_of
        count = max(0, round((len(self.city.employees) - EXTRA_FROM) * EXTRA_PER_EMPLOYEE))
        recent = intakes(today)[:8]
        for _index in range(count):
            kind = TB if self.rng.random() < 0.45 else IB
            level = "S2" if kind == TB else self.rng.choice(("S1", "S2", "D4"))
            ending = [day for day in recent if day + relativedelta(months=MONTHS[(kind, level)]) > today]
            levels = (level, "S1") if level != "S1" else (level,)
            self._ongoing(self.rng.choice(ending), ((kind, levels),), overdue=self.rng.random() < 0.25)

    def _summary(self) -> None:
        outcomes = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.outcomes.items()))
        overdue = StudyLeave.objects.filter(state=StudyState.ONGOING, next_report_due_on__lt=self.as_of).count()
        self.log(
            f"Careers: study leave: {sum(self.outcomes.values())} applications and studies ({outcomes}); "
            f"{overdue} with a progress report overdue."
        )
        if self.missed:
            self.log(f"Careers: study leave: nobody in this city fits {len(self.missed)}: {'; '.join(self.missed)}.")


def _age(born_on: dt.date, on: dt.date) -> int:
    """Age in whole years on `on` (as `study_rules.age_on` counts it)."""
    return on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))


def _before(day: dt.date, days: int) -> dt.date:
    """The working day `days` before `day` (or the Friday before it)."""
    return _workday(day - dt.timedelta(days=days))
