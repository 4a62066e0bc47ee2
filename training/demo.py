"""The training records of the demo city (issue 4, part 12).

`python manage.py seed_demo` calls `seed(city, today=..., log=...)` of every installed app
that has a `demo` module (the core never imports this app); this is the training app's.

Two halves, like the integrity demo:

- `build_training(city, as_of=...)` plans everything as plain data: a pure function of the
  city (its seed) and the day of seeding, reading only `training_programs.csv`. The same city
  and day always give the same plan.
- `seed` writes the plan. The catalogue goes through `services.save_program`, and everything
  that happens "now" goes through the services so the rules apply: the open sessions
  (`create_session`, `set_session_status`, `set_quota`), registrations (`register`, with the
  window, the eligibility criteria, the sanction block on leadership training and the seat
  lock), supervisors' approvals (`approve`) and BKPP confirmations (`confirm`). The history
  (thousands of registrations over several years with their steps, attendance, results,
  certificates, questionnaires and follow-ups, and the outside learning) is bulk-inserted for
  speed, keeping the invariants the services keep: a session's `confirmed_count` equals its
  seat holders (confirmed, completed, failed, no-show) and never exceeds its seats; one live
  registration per employee and session; certificate numbers follow the services'
  `STTPP/<programme>/<year>/<sequence>` per year and verification codes are random; every
  transition has its RegistrationEvent; history rows carry their historic dates.

The picture: 60 programmes in every category (leadership ones closed to sanctioned employees
and mandatory for their post kind; the anti-corruption ones count as integrity training);
sessions from `as_of`'s year back three years (and older leadership training of the
officials), so most employees have JP in several years and some are short of 20 JP this
year; structural officials get the date they took up their post (`position_since_on`) and
most of them their leadership training, leaving a handful overdue; a session running now and
one awaiting its results; open sessions starting in the coming weeks, one full with a waiting
list, one nearly full, one with an OPD quota, some awaiting BKPP's confirmation, and pending
approvals in supervisors' inboxes — the atasan persona's among them. The pegawai persona has
JP in each of the last years, certificates, verified outside learning and a confirmed seat
coming up.

Idempotent: when a session of a demo programme exists, nothing is written; when the
database holds another demo city (other seed or size), nothing is written either.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asn_portal import demo as city_demo
from asn_portal.models import Employee, OrgUnit, User
from asn_portal.services import ServiceError
from asn_portal.uploads import random_name
from integrity.demo import minimal_pdf
from training import services
from training.models import (
    Attendance,
    Certificate,
    ConfirmationMode,
    Evaluation,
    FollowUp,
    OutsideLearning,
    OutsideStatus,
    Program,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionDay,
    SessionStatus,
)

CHUNK = 500
PROGRAMS_CSV = city_demo.DATA_DIR / "training_programs.csv"

HISTORY_YEARS = 4  # as_of's year and the three before it
RECENT_GAP_DAYS = 14  # finished history ends at least this long before as_of
FOLLOW_UP_AFTER_DAYS = 90  # training.tasks asks supervisors then …
FOLLOW_UP_CATCH_UP_DAYS = 30  # … and up to this much later: the demo leaves those to the task

S = RegistrationState
STRUCTURAL = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
FUNCTIONAL = ("fungsional_keahlian", "fungsional_keterampilan")
PPPK = ("pppk", "pppk_paruh_waktu")

# --- The catalogue's details beyond the CSV ---------------------------------------------------

# DOMAIN.md §3.4: the leadership training each structural post requires.
REQUIRED_LEADERSHIP = {"jpt_madya": "PKN-I", "jpt_pratama": "PKN-II", "administrator": "PKA", "pengawas": "PKP"}
LEADERSHIP = {
    # code: (prerequisite post kinds, mandatory for post kinds)
    "PKN-I": (("jpt_madya",), ("jpt_madya",)),
    "PKN-II": (("jpt_pratama", "administrator"), ("jpt_pratama",)),
    "PKA": (("administrator",), ("administrator",)),
    "PKP": (("pengawas",), ("pengawas",)),
}
INTEGRITY_PROGRAMS = ("KRS-ANTIKORUPSI", "EL-INTEGRITAS")
PREREQUISITES: dict[str, dict] = {
    "LATSAR-III": {"employment_types": ("cpns",), "min_rank": 9, "max_rank": 12},  # III/a – III/d
    "LATSAR-II": {"employment_types": ("cpns",), "min_rank": 5, "max_rank": 8},  # II/a – II/d
    "PKN-II": {"min_rank": 13},  # IV/a (DOMAIN.md §3.4)
    "DT-PPPK": {"employment_types": PPPK},
    "PBJ-JF-PERTAMA": {"position_kinds": ("fungsional_keahlian",), "jenjang": ("ahli_pertama",)},
    "PBJ-JF-MUDA": {
        "position_kinds": ("fungsional_keahlian",),
        "jenjang": ("ahli_muda",),
        "prior_code": "PBJ-JF-PERTAMA",
    },
    "DF-PRAKOM": {"position_kinds": ("fungsional_keahlian",), "jenjang": ("ahli_pertama",)},
    "COACH-PENGAWAS": {"position_kinds": ("pengawas",)},
    "COACH-AKSI": {"position_kinds": STRUCTURAL},
    "DT-KEWILAYAHAN": {"position_kinds": ("jpt_pratama", "administrator", "pengawas")},
}
for _code in ("DF-POLPP", "DF-AUDITOR", "DF-P2UPD", "DF-ARSIPARIS", "DF-PUSTAKAWAN", "DF-PERENCANA", "DF-ANJAK"):
    PREREQUISITES[_code] = {"position_kinds": FUNCTIONAL}
for _code in ("DF-ASDMA", "DF-ASESOR", "DF-PKB"):
    PREREQUISITES[_code] = {"position_kinds": FUNCTIONAL}

# Seats of one batch (for leadership training: the city's allotment in a provincial batch).
CAPACITY = {
    "bimtek": 30,
    "diklat_teknis": 30,
    "diklat_fungsional": 30,
    "latsar": 40,
    "pkp": 30,
    "pka": 20,
    "pkn2": 10,
    "pkn1": 5,
    "seminar": 120,
    "kursus": 35,
    "elearning": 250,
    "coaching": 15,
    "magang": 10,
}
COST = {  # Rp per participant (plausible; PKN II's blended fee is LAN's, DOMAIN.md §3.4)
    "latsar": 9_500_000,
    "pkp": 17_500_000,
    "pka": 21_000_000,
    "pkn2": 22_945_000,
    "pkn1": 45_000_000,
    "diklat_fungsional": 4_500_000,
    "diklat_teknis": 1_250_000,
    "bimtek": 350_000,
    "kursus": 1_500_000,
    "magang": 2_500_000,
}
DESCRIPTIONS = {
    "bimtek": "Bimbingan teknis singkat yang membekali peserta dengan keterampilan praktis untuk tugas sehari-hari.",
    "diklat_teknis": "Pelatihan teknis untuk meningkatkan kompetensi teknis sesuai bidang tugas jabatan.",
    "diklat_fungsional": "Pelatihan fungsional untuk pembentukan atau penjenjangan jabatan fungsional.",
    "pkn1": "Pelatihan kepemimpinan nasional bagi pejabat pimpinan tinggi madya; wajib bagi pemangku jabatan.",
    "pkn2": "Pelatihan kepemimpinan nasional bagi pejabat pimpinan tinggi pratama; wajib bagi pemangku jabatan.",
    "pka": "Pelatihan kepemimpinan bagi pejabat administrator dengan aksi perubahan di unit kerja; wajib "
    "bagi pemangku jabatan administrator.",
    "pkp": "Pelatihan kepemimpinan bagi pejabat pengawas dengan aksi perubahan di unit kerja; wajib bagi "
    "pemangku jabatan pengawas.",
    "latsar": "Pelatihan dasar bagi CPNS pada masa percobaan: nilai dasar ASN BerAKHLAK, agenda "
    "aktualisasi dan habituasi di tempat kerja.",
    "seminar": "Seminar atau sosialisasi untuk memperluas wawasan peserta.",
    "kursus": "Kursus bersertifikat dengan evaluasi akhir.",
    "elearning": "Pembelajaran daring mandiri yang dapat diikuti kapan saja selama kelas dibuka.",
    "coaching": "Pendampingan (coaching dan mentoring) dalam kelompok kecil oleh pejabat senior atau widyaiswara.",
    "magang": "Praktik kerja di instansi lain untuk mempelajari praktik baik secara langsung.",
}
BASE_COMPETENCIES = {
    "pkn1": ("Manajerial", "Kepemimpinan strategis"),
    "pkn2": ("Manajerial", "Kepemimpinan strategis"),
    "pka": ("Manajerial", "Kepemimpinan kinerja"),
    "pkp": ("Manajerial", "Kepemimpinan pelayanan"),
    "latsar": ("Sosial kultural", "Nilai dasar ASN"),
}
KEYWORD_COMPETENCIES = (
    (("Keuangan", "Bendahara", "Akrual", "SIPD", "Barang Milik"), "Keuangan daerah"),
    (("Pengadaan", "PPBJ"), "Pengadaan barang/jasa"),
    (("Arsip", "SRIKANDI", "Naskah"), "Kearsipan"),
    (("Pelayanan",), "Pelayanan publik"),
    (("Korupsi", "Antikorupsi", "Gratifikasi", "LHKPN", "Integritas", "Pengendalian Intern"), "Integritas"),
    (("Kesehatan", "Gizi", "Puskesmas", "RSUD"), "Kesehatan"),
    (("Kurikulum", "Guru"), "Pendidikan"),
    (("Digital", "Website", "Siber", "SPBE", "SIASN", "Aplikasi", "Komputer"), "Digital"),
    (("Kinerja", "SKP", "SAKIP", "Renstra"), "Manajemen kinerja"),
    (("Hukum", "Legal"), "Hukum"),
    (("Narkoba", "P4GN", "Radikalisme", "Bela Negara", "Kebangsaan"), "Wawasan kebangsaan"),
)

EXAM_CATEGORIES = ("diklat_teknis", "diklat_fungsional", "kursus", "latsar", "pkp", "pka", "pkn2", "pkn1")
OPEN_CATEGORIES = ("seminar", "elearning")  # no supervisor's approval needed
BKPP_CONFIRMS = ("diklat_fungsional", "latsar", "pkp", "pka", "pkn2", "pkn1", "magang")
NOMINATED_CATEGORIES = ("latsar", "pkp", "pka", "pkn2", "pkn1", "magang")  # BKPP nominates
SPECIAL_CODES = ("LATSAR-III", "LATSAR-II", "DT-PPPK", *LEADERSHIP)  # given by career events, not by choice

# How many trainings an employee takes in a year: 0, 1, 2, 3, 4.
TRAININGS_A_YEAR = (0.10, 0.30, 0.33, 0.20, 0.07)

FINANCE_POSTS = (
    "Bendahara",
    "Pengelola Keuangan",
    "Verifikator Keuangan",
    "Penyusun Program Anggaran dan Pelaporan",
    "Analis Anggaran",
    "Pengelola Barang Milik Daerah",
)
CLINICAL = ("Dokter", "Dokter Gigi", "Perawat", "Bidan")

REJECTION_REASONS = (
    "Beban kerja bidang sedang tinggi; silakan mendaftar pada angkatan berikutnya.",
    "Materi belum sesuai dengan tugas jabatan Anda saat ini.",
    "Sudah ada pegawai lain dari bidang ini yang mengikuti angkatan yang sama.",
)
CANCELLATION_REASONS = (
    "Bertugas ke luar kota pada tanggal pelatihan.",
    "Sakit.",
    "Bertepatan dengan kegiatan pelayanan yang tidak dapat ditinggalkan.",
    "Cuti melahirkan.",
)
EVALUATION_COMMENTS = (
    "Materi sangat bermanfaat untuk pekerjaan sehari-hari.",
    "Narasumber menguasai materi dan contoh kasusnya relevan.",
    "Waktu praktik sebaiknya ditambah.",
    "Ruang kelas agak panas; mohon perbaikan pendingin ruangan.",
    "Modul sebaiknya dibagikan sebelum pelatihan dimulai.",
    "",
    "",
    "",
)
FOLLOW_UP_COMMENTS = (
    "Sudah diterapkan dalam penyusunan laporan bulanan.",
    "Pegawai menjadi rujukan rekan satu bidang untuk materi ini.",
    "Belum sempat diterapkan karena perubahan tugas.",
    "",
)

OUTSIDE_TEACHING = (
    ("Pelatihan Mandiri Platform Merdeka Mengajar: Kurikulum Merdeka", "Kemendikbudristek", "elearning", 32),
    ("Webinar Pembelajaran Berdiferensiasi", "Balai Guru Penggerak Provinsi Jawa Tengah", "seminar", 4),
    ("Lokakarya Penguatan Projek Profil Pelajar Pancasila", "Balai Guru Penggerak Provinsi Jawa Tengah", "seminar", 8),
)
OUTSIDE_HEALTH = (
    ("Pelatihan Daring Tata Laksana Tuberkulosis", "Kementerian Kesehatan RI", "elearning", 20),
    ("Seminar Ilmiah Tahunan Profesi Kesehatan", "Organisasi profesi kesehatan cabang Semarang", "seminar", 6),
    ("Webinar Surveilans Penyakit Menular Berbasis Digital", "Kementerian Kesehatan RI", "seminar", 3),
)
OUTSIDE_GENERAL = (
    ("E-learning Manajemen ASN", "LAN RI", "elearning", 12),
    ("Webinar Kebijakan Publik Berbasis Bukti", "LAN RI", "seminar", 3),
    ("Kursus Daring Penulisan Naskah Dinas yang Efektif", "Arsip Nasional RI", "kursus", 10),
    ("Seminar Nasional Inovasi Pelayanan Publik", "Kementerian PANRB", "seminar", 4),
    ("Pelatihan Daring Analisis Data dengan Lembar Kerja", "Badan Pusat Statistik", "kursus", 16),
)
OUTSIDE_REJECTIONS = (
    "Sertifikat tidak mencantumkan jumlah JP; unggah ulang sertifikat yang memuat JP.",
    "Berkas sertifikat tidak terbaca; unggah ulang hasil pindaian yang jelas.",
)


# --- The plan (plain data) --------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramPlan:
    code: str
    title: str
    category: str
    method: str
    jp: int
    organiser: str  # Organiser value
    organiser_name: str
    competencies: tuple[str, ...]
    description: str
    min_rank: int | None = None
    max_rank: int | None = None
    position_kinds: tuple[str, ...] = ()
    jenjang: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    prior_code: str = ""
    mandatory_for: tuple[str, ...] = ()
    is_integrity: bool = False

    @property
    def capacity(self) -> int:
        return CAPACITY[self.category]

    @property
    def is_leadership(self) -> bool:
        return self.code in LEADERSHIP


@dataclass(frozen=True)
class SessionPlan:
    code: str
    batch: int
    starts_on: dt.date
    ends_on: dt.date
    days: tuple[dt.date, ...]  # the days attendance is taken (classroom days)
    jp: int
    capacity: int
    status: str
    place: str
    online_link: str
    approval_required: bool
    confirmation_mode: str
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    cancellation_deadline: dt.date
    cost: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.code, self.batch)


@dataclass(frozen=True)
class EvaluationPlan:
    content: int
    trainer: int
    organisation: int
    usefulness: int
    comment: str
    submitted_on: dt.date


@dataclass(frozen=True)
class FollowUpPlan:
    asked_on: dt.date
    answered_on: dt.date | None
    is_used: bool | None
    comment: str


@dataclass(frozen=True)
class RegistrationPlan:
    """One employee in one history session, from the first step to the last. `state` is the
    final state; `confirmed` only in the session that is still running."""

    code: str
    batch: int
    nip: str
    state: str
    nominated: bool
    submitted_on: dt.date
    decided_on: dt.date | None  # approved or rejected
    confirmed_on: dt.date | None
    cancelled_on: dt.date | None
    reason: str  # rejection or cancellation
    score: str | None
    absent: tuple[int, ...]  # indexes into the session's days
    certificate_on: dt.date | None
    evaluation: EvaluationPlan | None
    follow_up: FollowUpPlan | None

    @property
    def session_key(self) -> tuple[str, int]:
        return (self.code, self.batch)


@dataclass(frozen=True)
class OutsidePlan:
    nip: str
    title: str
    organiser: str
    category: str
    starts_on: dt.date
    ends_on: dt.date
    jp: int
    status: str  # OutsideStatus value
    recorded_on: dt.date
    decided_on: dt.date | None
    reason: str


@dataclass(frozen=True)
class OpenStep:
    """One registration for an open session, made through the services in this order:
    `by` "self" (the employee) or "bkpp" (a nomination); then "approve" (the supervisor),
    "confirm" (BKPP) or "" (left waiting: a pending approval or confirmation)."""

    nip: str
    by: str
    then: str


@dataclass(frozen=True)
class OpenSessionPlan:
    code: str
    starts_on: dt.date
    ends_on: dt.date
    days: tuple[dt.date, ...]
    capacity: int
    status: str  # "open" or "draft"
    place: str
    online_link: str
    approval_required: bool
    confirmation_mode: str
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    cancellation_deadline: dt.date
    cost: int
    quota: tuple[str, int, dt.date] | None  # OPD code, seats, release date
    steps: tuple[OpenStep, ...]
    purpose: str  # what the session shows, for the log and the tests


@dataclass
class TrainingPlan:
    as_of: dt.date
    programs: list[ProgramPlan]
    sessions: list[SessionPlan]
    registrations: list[RegistrationPlan]
    outside: list[OutsidePlan]
    position_since: dict[str, dt.date]  # structural officials' TMT jabatan
    open_sessions: list[OpenSessionPlan] = field(default_factory=list)


# --- Reading the catalogue -----------------------------------------------------------------------


def _organiser(name: str) -> str:
    if name.startswith("BPSDMD Provinsi Jawa Tengah"):
        return "bpsdmd_jateng"
    if name.startswith("BKPP"):
        return "bkpp"
    if name.startswith("LAN RI"):
        return "lan"
    return "lainnya"


def _competencies(category: str, title: str) -> tuple[str, ...]:
    tags = list(BASE_COMPETENCIES.get(category, ("Teknis",)))
    tags += [tag for words, tag in KEYWORD_COMPETENCIES if any(word in title for word in words)]
    return tuple(dict.fromkeys(tags))


def load_programs() -> list[ProgramPlan]:
    """The 60 programmes of `training_programs.csv` with their prerequisites and flags."""
    with PROGRAMS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    programs = []
    for row in rows:
        code, category = row["code"], row["category"]
        extra = dict(PREREQUISITES.get(code, {}))
        kinds, mandatory = LEADERSHIP.get(code, (extra.pop("position_kinds", ()), ()))
        extra.pop("position_kinds", None)
        programs.append(
            ProgramPlan(
                code=code,
                title=row["title"],
                category=category,
                method=row["method"],
                jp=int(row["jp"]),
                organiser=_organiser(row["organiser"]),
                organiser_name=row["organiser"][:160],
                competencies=_competencies(category, row["title"]),
                description=f"{DESCRIPTIONS[category]} Penyelenggara: {row['organiser']}.",
                position_kinds=tuple(kinds),
                mandatory_for=tuple(mandatory),
                is_integrity=code in INTEGRITY_PROGRAMS,
                **extra,
            )
        )
    return programs


# --- Dates ----------------------------------------------------------------------------------------


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _working_days(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], _weekday_on_or_after(start)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _schedule(program: ProgramPlan, starts_on: dt.date) -> tuple[dt.date, dt.date, tuple[dt.date, ...]]:
    """First day, last day and classroom days of a session starting on (or after) a day.
    A JP is 45 minutes (DOMAIN.md §6.1): about 8 JP a classroom day."""
    starts_on = _weekday_on_or_after(starts_on)
    if program.category == "elearning":
        return starts_on, starts_on + dt.timedelta(days=27), ()
    if program.category == "coaching":
        return starts_on, starts_on + dt.timedelta(days=41), ()
    working = _working_days(starts_on, min(max(1, math.ceil(program.jp / 8)), 110))
    if program.method == "nonklasikal":
        return starts_on, working[-1], ()
    if program.method == "klasikal" or len(working) <= 10:
        return starts_on, working[-1], tuple(working[:15])
    # Blended: classroom days at the opening and the closing (seminar of the aksi perubahan);
    # the weeks between are learning at the workplace.
    return starts_on, working[-1], (*working[:5], *working[-2:])


def _span(program: ProgramPlan) -> int:
    start = dt.date(2024, 1, 1)  # a Monday
    _first, last, _days = _schedule(program, start)
    return (last - start).days


@functools.cache
def _zone():
    return timezone.get_default_timezone()


def _at(day: dt.date, minutes: int) -> dt.datetime:
    """An aware datetime on `day` during office hours (08:00 + minutes, capped at 15:59)."""
    minutes = minutes % 480
    return dt.datetime(day.year, day.month, day.day, 8 + minutes // 60, minutes % 60, tzinfo=_zone())


def _appointed_on(employee: city_demo.EmployeeSpec) -> dt.date:
    """TMT CPNS; for PPPK the year in the NI PPPK (paruh waktu: December of that year)."""
    if employee.cpns_tmt_on:
        return employee.cpns_tmt_on
    year = int(employee.nip[8:12])
    return dt.date(year, 12, 1) if employee.employment_type == "pppk_paruh_waktu" else dt.date(year, 1, 1)


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class _Person:
    spec: city_demo.EmployeeSpec
    opd: str
    unit_kind: str
    kind: str  # position kind ("" without a position)
    post: str  # position name
    jenjang: str
    flags: frozenset[str]
    appointed_on: dt.date

    @property
    def nip(self) -> str:
        return self.spec.nip

    @property
    def jf(self) -> str:
        return self.post if self.kind in FUNCTIONAL else ""

    @property
    def is_structural(self) -> bool:
        return self.kind in STRUCTURAL

    @property
    def is_prone(self) -> bool:
        return bool(self.flags)

    @functools.cached_property
    def weights(self) -> dict[str, float]:
        return _weights(self)


def _audience(code: str, p: _Person) -> float:
    """How likely the programme is chosen by this employee (0: not for them). General
    programmes weigh 1; programmes for a trade weigh more for its people and 0 for others."""
    return p.weights.get(code, 1.0)


def _weights(p: _Person) -> dict[str, float]:
    """The weights `_audience` reads, worked out once per employee."""
    health = p.opd in ("DINKES", "RSUD-KRMTW")
    finance = p.post in FINANCE_POSTS or "handles_budget_planning" in p.flags
    specific: dict[str, tuple[float, bool]] = {
        "BIMTEK-KURMER": (6, p.jf in ("Guru", "Kepala Sekolah")),
        "DT-GIZI": (3, health and (p.unit_kind == "puskesmas" or p.jf in ("Nutrisionis", "Bidan"))),
        "DT-BHD": (3, health and p.jf in CLINICAL),
        "MAG-RSUD": (1.5, p.unit_kind == "puskesmas" and p.jf in CLINICAL),
        "DT-DAMKAR": (6, p.opd == "DAMKAR"),
        "DF-POLPP": (4, p.jf == "Polisi Pamong Praja"),
        "DF-AUDITOR": (4, p.jf == "Auditor"),
        "DF-P2UPD": (4, p.jf == "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah"),
        "DF-ARSIPARIS": (4, p.jf == "Arsiparis"),
        "DF-PUSTAKAWAN": (4, p.jf == "Pustakawan"),
        "DF-PERENCANA": (4, p.jf == "Perencana"),
        "DF-ANJAK": (4, p.jf == "Analis Kebijakan"),
        "DF-ASDMA": (4, p.jf == "Analis Sumber Daya Manusia Aparatur"),
        "DF-ASESOR": (4, p.jf == "Asesor Sumber Daya Manusia Aparatur"),
        "DF-PRAKOM": (4, p.jf == "Pranata Komputer" and p.jenjang == "ahli_pertama"),
        "DF-PKB": (4, p.jf == "Penyuluh Keluarga Berencana"),
        "PBJ-JF-PERTAMA": (4, p.jf == "Pengelola Pengadaan Barang/Jasa" and p.jenjang == "ahli_pertama"),
        "PBJ-JF-MUDA": (4, p.jf == "Pengelola Pengadaan Barang/Jasa" and p.jenjang == "ahli_muda"),
        "PBJ-L1": (3, "handles_procurement" in p.flags or p.spec.unit_code == "SETDA-PBJ"),
        "BIMTEK-SIPD-KEU": (3, finance),
        "DT-BENDAHARA": (4, p.post == "Bendahara"),
        "DT-AKRUAL": (2, finance),
        "DT-ASET": (3, p.post == "Pengelola Barang Milik Daerah" or p.opd == "BPKAD"),
        "BIMTEK-SIPD-REN": (2, finance or p.opd == "BAPPEDA" or p.kind in ("administrator", "jpt_pratama")),
        "BIMTEK-SAKIP": (2, p.is_structural or p.jf == "Perencana" or p.opd == "BAPPEDA"),
        "BIMTEK-SIASN": (3, p.opd == "BKPP" or "handles_hr_promotion" in p.flags or "Kepegawaian" in p.post),
        "DT-ANJAB": (2, p.opd == "BKPP" or p.spec.unit_code == "SETDA-ORG" or "Kepegawaian" in p.post),
        "DT-LEGDRAF": (3, p.spec.unit_code in ("SETDA-HUKUM", "SETWAN-SIDANG") or "Perancang" in p.jf),
        "DT-PROTOKOL": (3, p.spec.unit_code == "SETDA-KOMPIMPROT" or p.jf == "Pranata Hubungan Masyarakat"),
        "DT-PRIMA": (
            2,
            p.opd in ("DPMPTSP", "DISDUKCAPIL")
            or (p.unit_kind in ("kecamatan", "kelurahan") and p.kind == "pelaksana"),
        ),
        "DT-KEWILAYAHAN": (4, p.unit_kind in ("kecamatan", "kelurahan") and p.is_structural),
        "BIMTEK-WEB": (2, p.opd == "DISKOMINFO" or p.jf in ("Pranata Komputer", "Pranata Hubungan Masyarakat")),
        "BIMTEK-LHKPN": (2, p.is_structural or p.is_prone),
        "COACH-PENGAWAS": (2, p.kind == "pengawas"),
        "COACH-AKSI": (1, p.is_structural),
        "MAG-BENCHMARK": (1, p.kind in ("administrator", "jpt_pratama")),
        "KRS-ANTIKORUPSI": (3, p.is_prone or p.opd == "INSPEKTORAT"),
    }
    weights = {code: (weight if fits else 0.0) for code, (weight, fits) in specific.items()}
    weights["EL-INTEGRITAS"] = 3.0 if p.is_prone else 1.0
    watchful = p.is_prone or p.is_structural or p.opd == "INSPEKTORAT"
    weights["BIMTEK-GRATIFIKASI"] = weights["BIMTEK-SPIP"] = 2.0 if watchful else 0.5
    return weights


def _meets_prerequisites(program: ProgramPlan, p: _Person) -> bool:
    spec = p.spec
    if program.position_kinds and p.kind not in program.position_kinds:
        return False
    if program.jenjang and p.jenjang not in program.jenjang:
        return False
    if program.employment_types and spec.employment_type not in program.employment_types:
        return False
    if not (program.min_rank or program.max_rank):
        return True
    return spec.rank is not None and (program.min_rank or 1) <= spec.rank <= (program.max_rank or 17)


@dataclass
class _Draft:
    """A history session being filled."""

    program: ProgramPlan
    year: int
    starts_on: dt.date
    ends_on: dt.date
    days: tuple[dt.date, ...]
    status: str = SessionStatus.FINISHED
    people: list[str] = field(default_factory=list)
    batch: int = 0


class _Planner:
    def __init__(self, city: city_demo.DemoCity, as_of: dt.date):
        self.city = city
        self.as_of = as_of
        self.rng = random.Random(f"training-{city.seed}")
        self.programs = {program.code: program for program in load_programs()}
        self.first_year = as_of.year - HISTORY_YEARS + 1
        self.history_ends = as_of - dt.timedelta(days=RECENT_GAP_DAYS)
        units = {unit.code: unit for unit in city.units}
        flags = {position.key: frozenset(position.flags) for position in city.positions}

        def opd_of(code: str) -> str:
            while units[code].parent_code:
                code = units[code].parent_code
            return code

        self.people: list[_Person] = []
        for spec in city.employees:
            key = spec.position_key
            self.people.append(
                _Person(
                    spec=spec,
                    opd=opd_of(spec.unit_code),
                    unit_kind=units[spec.unit_code].kind,
                    kind=key[2] if key else "",
                    post=key[1] if key else "",
                    jenjang=key[3] if key else "",
                    flags=flags.get(key, frozenset()) if key else frozenset(),
                    appointed_on=_appointed_on(spec),
                )
            )
        self.by_nip = {p.nip: p for p in self.people}
        self.busy: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        self.completed: dict[str, set[str]] = defaultdict(set)
        self.demand: dict[tuple[int, str], list[str]] = defaultdict(list)

    # -- who takes what, year by year -------------------------------------------------------------

    def build(self) -> TrainingPlan:
        position_since = self._position_since()
        self._career_training(position_since)
        self._chosen_training()
        drafts = self._history_sessions()
        drafts += self._current_sessions()
        sessions, registrations = self._registrations(drafts)
        outside = self._outside_learning()
        plan = TrainingPlan(
            as_of=self.as_of,
            programs=list(self.programs.values()),
            sessions=sessions,
            registrations=registrations,
            outside=outside,
            position_since=position_since,
        )
        plan.open_sessions = self._open_sessions(registrations)
        return plan

    def _position_since(self) -> dict[str, dt.date]:
        """TMT jabatan of every structural official: most took up their post one to eight
        years ago, some in the last year; never before they were PNS. Should the city
        generator give its employees a `position_since_on`, that one is kept."""
        since = {}
        latest = self.as_of - dt.timedelta(days=20)
        for p in self.people:
            if not p.is_structural:
                continue
            given = getattr(p.spec, "position_since_on", None)
            if given is not None:
                since[p.nip] = given
                continue
            earliest = max(p.spec.pns_tmt_on or p.appointed_on, self.as_of - dt.timedelta(days=8 * 365))
            if p.spec.persona == "atasan":
                day = max(earliest, min(latest, dt.date(2022, 1, 3)))
            elif self.rng.random() < 0.15:
                day = latest - dt.timedelta(days=self.rng.randint(0, 330))
            else:
                day = latest - dt.timedelta(days=self.rng.randint(365, 8 * 365))
            since[p.nip] = max(earliest, min(day, latest))
        return since

    def _career_training(self, position_since: dict[str, dt.date]) -> None:
        """Training that comes with a career step: Latsar for new CPNS, the orientation for new
        PPPK, the leadership training of a structural post (and of the posts before it)."""
        overdue: list[str] = []  # officials a year or more in post without it
        due: list[str] = []
        planned: dict[str, tuple[int, str]] = {}
        for p in self.people:
            spec = p.spec
            if spec.cpns_tmt_on and spec.cpns_tmt_on.year >= self.first_year - 1:
                code = "LATSAR-III" if (spec.rank or 0) >= 9 else "LATSAR-II"
                self._want(p, code, (spec.cpns_tmt_on + dt.timedelta(days=self.rng.randint(60, 240))).year)
            if spec.employment_type in PPPK and p.appointed_on.year >= self.first_year:
                self._want(p, "DT-PPPK", (p.appointed_on + dt.timedelta(days=self.rng.randint(30, 150))).year)
            if p.nip not in position_since or p.kind not in REQUIRED_LEADERSHIP:
                continue
            since = position_since[p.nip]
            in_grace = since > self.as_of - dt.timedelta(days=365)
            lacking = self.rng.random() < (0.45 if in_grace else 0.07)
            if p.spec.persona:
                lacking = False
            if not in_grace:
                (overdue if lacking else due).append(p.nip)
            ladder = {"jpt_pratama": ("PKP", "PKA", "PKN-II"), "administrator": ("PKP", "PKA")}.get(p.kind, ("PKP",))
            required = REQUIRED_LEADERSHIP[p.kind]
            earliest_year = p.appointed_on.year + 3
            year = min(since.year, self.as_of.year - 1)
            for code in reversed(ladder):
                if code == required and lacking:
                    continue
                if code != required and self.rng.random() < 0.3:
                    continue  # not every official took the lower level on the way up
                low = max(earliest_year, year - 3)
                if low > year:
                    break
                year = self.rng.randint(low, year)
                if self._want(p, code, year) and code == required:
                    planned[p.nip] = (year, code)
                year -= 2
        # The compliance list (DOMAIN.md §3.4) is never empty in the demo: if chance left no
        # official overdue, the first one due goes without.
        if not overdue:
            nip = next((nip for nip in due if nip in planned), None)
            if nip is not None:
                self.demand[planned[nip]].remove(nip)

    def _want(self, p: _Person, code: str, year: int) -> bool:
        if not p.appointed_on.year <= year <= self.as_of.year:
            return False
        self.demand[(year, code)].append(p.nip)
        return True

    def _chosen_training(self) -> None:
        """What each employee chooses year by year from the programmes meant for them."""
        choosable = [program for program in self.programs.values() if program.code not in SPECIAL_CODES]
        for p in self.people:
            options = [
                (program.code, weight)
                for program in choosable
                if _meets_prerequisites(program, p) and (weight := _audience(program.code, p)) > 0
            ]
            codes = [code for code, _weight in options]
            weights = [weight for _code, weight in options]
            taken: set[str] = set()  # nobody takes the same programme twice
            integrity_year = None
            if p.is_prone and self.rng.random() < 0.85:
                integrity_year = self.rng.randint(self.first_year, self.as_of.year)
            for year in range(self.first_year, self.as_of.year + 1):
                if p.appointed_on > dt.date(year, 10, 1):
                    continue
                if year == self.as_of.year and p.spec.status != "aktif":
                    continue
                count = self.rng.choices(range(len(TRAININGS_A_YEAR)), TRAININGS_A_YEAR)[0]
                if p.spec.persona == "pegawai":
                    count = max(count, 2)
                picks = []
                for _i in range(count):  # weighted, without replacement
                    left = [(code, weight) for code, weight in zip(codes, weights, strict=True) if code not in taken]
                    if not left:
                        break
                    code = self.rng.choices([c for c, _w in left], [w for _c, w in left])[0]
                    picks.append(code)
                    taken.add(code)
                if year == integrity_year:
                    code = self.rng.choice(INTEGRITY_PROGRAMS)
                    if code not in taken:
                        picks.append(code)
                        taken.add(code)
                for code in picks:
                    self.demand[(year, code)].append(p.nip)

    # -- sessions -----------------------------------------------------------------------------------

    def _window(self, program: ProgramPlan, year: int) -> tuple[dt.date, dt.date] | None:
        """Earliest and latest first day of a finished session of the programme in `year`."""
        span = _span(program)
        latest_end = min(dt.date(year, 12, 18), self.history_ends)
        earliest = dt.date(year, 1, 13)
        latest = latest_end - dt.timedelta(days=span + 3)
        if latest < earliest:
            return None
        return earliest, latest

    def _fits(self, nip: str, draft: _Draft) -> bool:
        if draft.starts_on < self.by_nip[nip].appointed_on:
            return False  # not yet in service
        if draft.program.method == "nonklasikal":
            return True  # learning beside the job: it may overlap other training
        return all(end < draft.starts_on or draft.ends_on < start for start, end in self.busy[nip])

    def _take(self, nip: str, draft: _Draft) -> None:
        draft.people.append(nip)
        if draft.program.method != "nonklasikal":
            self.busy[nip].append((draft.starts_on, draft.ends_on))

    def _history_sessions(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        # Career training first in each year: it takes precedence over what overlaps it.
        for (year, code), nips in sorted(
            self.demand.items(), key=lambda item: (item[0][0], item[0][1] not in SPECIAL_CODES, item[0][1])
        ):
            program = self.programs[code]
            window = self._window(program, year)
            if window is None:
                continue
            nips = list(dict.fromkeys(nips))
            self.rng.shuffle(nips)
            fill = program.capacity if program.is_leadership else max(1, int(program.capacity * 0.9))
            count = math.ceil(len(nips) / fill)
            earliest, latest = window
            batch = []
            for _i in range(count):
                start = earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))
                first, last, days = _schedule(program, start)
                batch.append(_Draft(program, year, first, last, days))
            batch.sort(key=lambda d: d.starts_on)
            for index, nip in enumerate(nips):
                for offset in range(count):
                    draft = batch[(index + offset) % count]
                    if len(draft.people) < fill and self._fits(nip, draft):
                        self._take(nip, draft)
                        break
            drafts += [draft for draft in batch if draft.people]
        return drafts

    def _current_sessions(self) -> list[_Draft]:
        """A session running now (started yesterday) and one that ended days ago whose results
        BKPP has yet to enter: both still "running", their participants confirmed."""
        drafts = []
        running = (
            ("BIMTEK-SAKIP", _weekday_on_or_before(self.as_of - dt.timedelta(days=1))),
            ("DT-LEGDRAF", _weekday_on_or_before(self.as_of - dt.timedelta(days=12))),
        )
        for code, start in running:
            program = self.programs[code]
            first, last, days = _schedule(program, start)
            draft = _Draft(program, last.year, first, last, days, status=SessionStatus.RUNNING)
            wanted = max(6, min(24, len(self.people) // 40))
            candidates = [
                p
                for p in self.people
                if p.spec.status == "aktif" and not p.spec.persona and p.appointed_on < first - dt.timedelta(days=30)
            ]
            candidates.sort(key=lambda p: (-_audience(code, p), p.nip))
            pool = candidates[: wanted * 3]
            self.rng.shuffle(pool)
            for p in pool:
                if len(draft.people) >= wanted:
                    break
                if self._fits(p.nip, draft):
                    self._take(p.nip, draft)
            drafts.append(draft)
        return drafts

    # -- registrations -------------------------------------------------------------------------------

    def _registrations(self, drafts: list[_Draft]) -> tuple[list[SessionPlan], list[RegistrationPlan]]:
        drafts.sort(key=lambda d: (d.program.code, d.starts_on, d.ends_on))
        batches: dict[str, int] = defaultdict(int)
        sessions, registrations = [], []
        for draft in drafts:
            batches[draft.program.code] += 1
            draft.batch = batches[draft.program.code]
        # In date order, so a prior programme is completed before the one that requires it.
        # Seats: the batch's size, never fewer than its participants (so never overbooked).
        for draft in sorted(drafts, key=lambda d: (d.ends_on, d.program.code, d.batch)):
            program = draft.program
            session = self._session_plan(draft)
            for nip in draft.people:
                if program.prior_code and program.prior_code not in self.completed[nip]:
                    continue
                registration = self._registration(draft, session, nip)
                registrations.append(registration)
                if registration.state == S.COMPLETED:
                    self.completed[nip].add(program.code)
            sessions.append(session)
        return sessions, registrations

    def _session_plan(self, draft: _Draft) -> SessionPlan:
        program = draft.program
        lead = 90 if program.is_leadership or program.category == "latsar" else 42
        opens = draft.starts_on - dt.timedelta(days=lead)
        closes = draft.starts_on - dt.timedelta(days=7)
        online = program.method == "nonklasikal"
        capacity = max(program.capacity, len(draft.people))
        return SessionPlan(
            code=program.code,
            batch=draft.batch,
            starts_on=draft.starts_on,
            ends_on=draft.ends_on,
            days=draft.days,
            jp=program.jp,
            capacity=capacity,
            status=draft.status,
            place="" if online else _place(program),
            online_link=f"https://kelas.sigap.example/{program.code.lower()}/{draft.batch}" if online else "",
            approval_required=program.category not in OPEN_CATEGORIES,
            confirmation_mode=ConfirmationMode.BKPP
            if program.category in BKPP_CONFIRMS
            else ConfirmationMode.AUTOMATIC,
            registration_opens_on=opens,
            registration_closes_on=closes,
            cancellation_deadline=draft.starts_on - dt.timedelta(days=3),
            cost=COST.get(program.category, 0),
        )

    def _registration(self, draft: _Draft, session: SessionPlan, nip: str) -> RegistrationPlan:
        rng, program, person = self.rng, draft.program, self.by_nip[nip]
        nominated = program.category in NOMINATED_CATEGORIES or program.code == "DT-PPPK"
        needs_approval = session.approval_required and not nominated and person.spec.supervisor_nip is not None
        window = max(0, (session.registration_closes_on - session.registration_opens_on).days)
        submitted = session.registration_opens_on + dt.timedelta(days=rng.randint(0, window))
        decided = min(submitted + dt.timedelta(days=rng.randint(0, 3)), session.registration_closes_on)
        if session.confirmation_mode == ConfirmationMode.BKPP:
            confirmed = min(decided + dt.timedelta(days=rng.randint(1, 7)), draft.starts_on - dt.timedelta(days=1))
        else:
            confirmed = decided
        roll = rng.random()
        forced = person.spec.persona == "pegawai" or program.is_leadership or program.category == "latsar"
        state = S.COMPLETED
        if draft.status == SessionStatus.RUNNING:
            state = S.CONFIRMED
        elif forced:
            pass
        elif needs_approval and roll < 0.012:
            state = S.REJECTED
        elif roll < 0.03:
            state = S.CANCELLED
        elif roll < 0.05:
            state = S.NO_SHOW
        elif program.category in EXAM_CATEGORIES and roll < 0.08:
            state = S.FAILED
        reason, cancelled_on = "", None
        if state == S.REJECTED:
            reason, confirmed = rng.choice(REJECTION_REASONS), None
        elif state == S.CANCELLED:
            reason = rng.choice(CANCELLATION_REASONS)
            latest = max(confirmed, session.cancellation_deadline)
            cancelled_on = confirmed + dt.timedelta(days=rng.randint(0, (latest - confirmed).days))
        days = draft.days
        if state == S.NO_SHOW:
            absent = tuple(range(len(days)))
        elif state in (S.COMPLETED, S.FAILED, S.CONFIRMED) and len(days) >= 3 and rng.random() < 0.06:
            absent = (rng.randrange(len(days)),)
        else:
            absent = ()
        score = None
        if state == S.COMPLETED and program.category in EXAM_CATEGORIES:
            score = f"{rng.uniform(72, 97):.2f}"
        elif state == S.FAILED:
            score = f"{rng.uniform(45, 69):.2f}"
        certificate_on = None
        if state == S.COMPLETED:
            certificate_on = min(draft.ends_on + dt.timedelta(days=rng.randint(0, 7)), self.as_of)
        return RegistrationPlan(
            code=program.code,
            batch=draft.batch,
            nip=nip,
            state=state,
            nominated=nominated,
            submitted_on=submitted,
            decided_on=decided,
            confirmed_on=confirmed if state != S.REJECTED else None,
            cancelled_on=cancelled_on,
            reason=reason,
            score=score,
            absent=absent,
            certificate_on=certificate_on,
            evaluation=self._evaluation(draft, state),
            follow_up=self._follow_up(draft, person, state),
        )

    def _evaluation(self, draft: _Draft, state: str) -> EvaluationPlan | None:
        rng = self.rng
        if state not in (S.COMPLETED, S.FAILED) or draft.ends_on < self.as_of - dt.timedelta(days=730):
            return None
        if rng.random() > 0.65:
            return None
        base = rng.choice((3, 4, 4, 4, 5, 5))
        ratings = [min(5, max(1, base + rng.choice((-1, 0, 0, 0, 1)))) for _i in range(4)]
        submitted = min(draft.ends_on + dt.timedelta(days=rng.randint(0, 5)), self.as_of)
        return EvaluationPlan(*ratings, comment=rng.choice(EVALUATION_COMMENTS), submitted_on=submitted)

    def _follow_up(self, draft: _Draft, person: _Person, state: str) -> FollowUpPlan | None:
        """Supervisors were asked about sessions that ended between a year and four months
        ago; the most recent ones are left to the daily task (training.tasks)."""
        if state != S.COMPLETED or person.spec.supervisor_nip is None:
            return None
        oldest = self.as_of - dt.timedelta(days=365)
        newest = self.as_of - dt.timedelta(days=FOLLOW_UP_AFTER_DAYS + FOLLOW_UP_CATCH_UP_DAYS)
        if not oldest <= draft.ends_on <= newest:
            return None
        asked = draft.ends_on + dt.timedelta(days=FOLLOW_UP_AFTER_DAYS)
        if self.rng.random() < 0.2:
            return FollowUpPlan(asked, None, None, "")
        answered = min(asked + dt.timedelta(days=self.rng.randint(1, 20)), self.as_of)
        return FollowUpPlan(asked, answered, self.rng.random() < 0.85, self.rng.choice(FOLLOW_UP_COMMENTS))

    # -- outside learning ---------------------------------------------------------------------------

    def _outside_learning(self) -> list[OutsidePlan]:
        rng, records = self.rng, []
        for p in self.people:
            if p.spec.status != "aktif":
                continue
            if p.jf in ("Guru", "Kepala Sekolah"):
                catalogue, share = OUTSIDE_TEACHING, 0.30
            elif p.opd in ("DINKES", "RSUD-KRMTW"):
                catalogue, share = OUTSIDE_HEALTH, 0.15
            else:
                catalogue, share = OUTSIDE_GENERAL, 0.06
            for year in range(self.as_of.year - 2, self.as_of.year + 1):
                persona_year = p.spec.persona == "pegawai" and year >= self.as_of.year - 1
                if not persona_year and rng.random() > share:
                    continue
                title, organiser, category, jp = rng.choice(catalogue)
                latest = min(dt.date(year, 12, 20), self.as_of - dt.timedelta(days=3))
                earliest = max(dt.date(year, 1, 10), p.appointed_on + dt.timedelta(days=30))
                if latest < earliest:
                    continue
                ends = latest - dt.timedelta(days=rng.randint(0, (latest - earliest).days))
                if persona_year and year == self.as_of.year:
                    ends = self.as_of - dt.timedelta(days=6)  # waiting for the operator
                starts = ends - dt.timedelta(days=max(0, jp // 8 - 1))
                recorded = min(ends + dt.timedelta(days=rng.randint(1, 10)), self.as_of)
                recent = ends >= self.as_of - dt.timedelta(days=45)
                if (recent and rng.random() < 0.6) or (persona_year and year == self.as_of.year):
                    status, decided, reason = OutsideStatus.SUBMITTED, None, ""
                else:
                    decided = min(recorded + dt.timedelta(days=rng.randint(1, 14)), self.as_of)
                    rejected = rng.random() < 0.07 and not p.spec.persona
                    status = OutsideStatus.REJECTED if rejected else OutsideStatus.VERIFIED
                    reason = rng.choice(OUTSIDE_REJECTIONS) if rejected else ""
                records.append(
                    OutsidePlan(p.nip, title, organiser, category, starts, ends, jp, status, recorded, decided, reason)
                )
        return records

    # -- now: open sessions ---------------------------------------------------------------------------

    def _open_sessions(self, registrations: list[RegistrationPlan]) -> list[OpenSessionPlan]:
        """Sessions open for registration now, filled through the services by the writer."""
        rng, today = self.rng, self.as_of
        busy_now = {r.nip for r in registrations if r.state == S.CONFIRMED}
        used: set[str] = set(busy_now)
        supervisor_persona = city_demo.PERSONA_SUPERVISOR.nip
        employee_persona = city_demo.PERSONA_EMPLOYEE.nip
        active = [
            p
            for p in self.people
            if p.spec.status == "aktif" and not p.spec.persona and p.appointed_on < today - dt.timedelta(days=60)
        ]
        scale = min(1.0, len(self.people) / city_demo.DEFAULT_EMPLOYEES)

        def seats(base: int) -> int:
            return max(6, round(base * scale))

        def pick(count: int, *, code: str, supervised: bool = False, where=lambda p: True) -> list[str]:
            program = self.programs[code]
            pool = [
                p
                for p in active
                if p.nip not in used
                and _meets_prerequisites(program, p)
                and _audience(code, p) > 0
                and (p.spec.supervisor_nip is not None or not supervised)
                and where(p)
            ]
            pool.sort(key=lambda p: p.nip)
            rng.shuffle(pool)
            chosen = [p.nip for p in pool[:count]]
            used.update(chosen)
            return chosen

        def session(
            code: str, starts_in: int, capacity: int, purpose: str, steps, *, quota=None, status="open", **options
        ):
            program = self.programs[code]
            first, last, days = _schedule(program, today + dt.timedelta(days=starts_in))
            online = program.method == "nonklasikal"
            closes = min(first - dt.timedelta(days=5), last)
            closes = max(closes, today)
            return OpenSessionPlan(
                code=code,
                starts_on=first,
                ends_on=last,
                days=days,
                capacity=capacity,
                status=status,
                place="" if online else _place(program),
                online_link=f"https://kelas.sigap.example/{code.lower()}/baru" if online else "",
                approval_required=options.get("approval_required", program.category not in OPEN_CATEGORIES),
                confirmation_mode=ConfirmationMode.BKPP
                if program.category in BKPP_CONFIRMS or code == "DT-ANJAB"
                else ConfirmationMode.AUTOMATIC,
                registration_opens_on=today - dt.timedelta(days=21),
                registration_closes_on=closes,
                cancellation_deadline=max(today, first - dt.timedelta(days=3)),
                cost=COST.get(program.category, 0),
                quota=quota,
                steps=tuple(steps),
                purpose=purpose,
            )

        plans = []
        # The pegawai persona's confirmed seat (her supervisor, the atasan persona, approved it),
        # in a session with seats reserved for the RSUD until a release date a week ahead.
        capacity = seats(25)
        reserved = max(2, capacity // 4)
        rsud = pick(reserved - 2, code="DT-BHD", supervised=True, where=lambda p: p.opd == "RSUD-KRMTW")
        others = pick(capacity - reserved + 2, code="DT-BHD", supervised=True, where=lambda p: p.opd != "RSUD-KRMTW")
        steps = [OpenStep(employee_persona, "self", "approve")]
        steps += [OpenStep(nip, "self", "approve") for nip in rsud + others]
        plans.append(
            session(
                "DT-BHD",
                26,
                capacity,
                "quota",
                steps,
                quota=("RSUD-KRMTW", reserved, today + dt.timedelta(days=7)),
            )
        )
        # Full, with a waiting list (no approval needed: seats go in arrival order).
        capacity = seats(30)
        steps = [OpenStep(nip, "self", "") for nip in pick(capacity + 4, code="BIMTEK-SRIKANDI")]
        plans.append(session("BIMTEK-SRIKANDI", 12, capacity, "waitlist", steps, approval_required=False))
        # Nearly full, with approvals pending — the atasan persona's team among them.
        capacity = seats(30)
        team = sorted(
            p.nip
            for p in active
            if p.spec.supervisor_nip == supervisor_persona and p.nip not in used and p.nip != employee_persona
        )[:3]
        used.update(team)
        approved = pick(capacity - 3, code="BIMTEK-SKP", supervised=True)
        pending = pick(seats(8), code="BIMTEK-SKP", supervised=True)
        steps = [OpenStep(nip, "self", "approve") for nip in approved]
        steps += [OpenStep(nip, "self", "") for nip in team + pending]
        plans.append(session("BIMTEK-SKP", 19, capacity, "pending approvals", steps))
        # Integrity training: BKPP nominates holders of corruption-prone posts; a few applied.
        capacity = seats(35)
        prone = set()
        for r in registrations:
            if r.state == S.COMPLETED and r.code in INTEGRITY_PROGRAMS:
                prone.add(r.nip)
        nominees = pick(
            capacity - 6, code="KRS-ANTIKORUPSI", where=lambda p: p.is_prone and p.nip not in prone
        ) or pick(capacity - 6, code="KRS-ANTIKORUPSI")
        steps = [OpenStep(nip, "bkpp", "") for nip in nominees]
        steps += [OpenStep(nip, "self", "") for nip in pick(3, code="KRS-ANTIKORUPSI", supervised=True)]
        plans.append(session("KRS-ANTIKORUPSI", 33, capacity, "nominations", steps))
        # Leadership: pengawas without PKP, nominated by BKPP; BKPP confirms them later.
        done_pkp = {r.nip for r in registrations if r.code == "PKP" and r.state == S.COMPLETED}
        nominees = pick(seats(30), code="PKP", where=lambda p: p.nip not in done_pkp)
        steps = [OpenStep(nip, "bkpp", "confirm" if index % 3 == 0 else "") for index, nip in enumerate(nominees)]
        plans.append(session("PKP", 45, seats(30), "leadership nominations", steps))
        # BKPP confirms: approved registrations waiting for BKPP.
        capacity = seats(30)
        approved = pick(seats(12), code="DT-ANJAB", supervised=True) or pick(seats(12), code="BIMTEK-YANLIK")
        steps = [OpenStep(nip, "self", "approve") for nip in approved]
        steps += [OpenStep(nip, "self", "") for nip in pick(seats(4), code="DT-ANJAB", supervised=True)]
        plans.append(session("DT-ANJAB", 40, capacity, "BKPP confirmations", steps))
        # Open events without approval.
        steps = [OpenStep(nip, "self", "") for nip in pick(seats(20), code="SEM-SPBE")]
        plans.append(session("SEM-SPBE", 9, seats(150), "seminar", steps))
        steps = [OpenStep(nip, "self", "") for nip in pick(seats(15), code="EL-BERAKHLAK")]
        plans.append(session("EL-BERAKHLAK", 4, 250, "e-learning", steps))
        # Scattered pending approvals for other supervisors.
        steps = [OpenStep(nip, "self", "") for nip in pick(seats(10), code="DT-PRIMA", supervised=True)]
        plans.append(session("DT-PRIMA", 54, seats(30), "pending approvals", steps))
        # Being prepared by BKPP (not open yet).
        plans.append(session("BIMTEK-SIPD-KEU", 70, seats(30), "draft", [], status="draft"))
        return plans


def _place(program: ProgramPlan) -> str:
    if program.organiser == "bkpp":
        return "Balai Diklat BKPP Kota Semarang, Tembalang"
    if program.organiser == "bpsdmd_jateng":
        return "Kampus BPSDMD Provinsi Jawa Tengah, Semarang"
    if program.organiser == "lan":
        return "Kampus LAN RI, Jakarta"
    if "RSUD" in program.organiser_name:
        return "Aula RSUD K.R.M.T. Wongsonegoro"
    if "Kota Semarang" in program.organiser_name:
        return "Gedung Moch. Ichsan, Balai Kota Semarang"
    return "Hotel mitra penyelenggara, Semarang"


def build_training(city: city_demo.DemoCity, *, as_of: dt.date | None = None) -> TrainingPlan:
    """The training records of `city` as plain data. `as_of` (the day of seeding;
    REFERENCE_DATE when None or earlier, like the integrity plan) dates what happens now."""
    as_of = max(as_of or city_demo.REFERENCE_DATE, city_demo.REFERENCE_DATE)
    return _Planner(city, as_of).build()


# --- Writing ---------------------------------------------------------------------------------------


def seed(city: city_demo.DemoCity, *, today: dt.date, log: Callable[[str], None]) -> int:
    """Write the training records of the demo city (see the module docstring); return how
    many records were created."""
    plan = build_training(city, as_of=today)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _Writer(city, plan, log).write()


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Field types whose Python values the database drivers take as they are.
_AS_IS = frozenset(
    (
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FileField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    )
)


def _converter(model_field, wrapper) -> Callable | None:
    kind = model_field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind == "DateTimeField":
        return wrapper.ops.adapt_datetimefield_value
    if kind == "DateField":
        return wrapper.ops.adapt_datefield_value
    return functools.partial(model_field.get_db_prep_save, connection=wrapper)


def insert_rows(model, rows: list[dict]) -> int:
    """INSERT plain rows (attribute name -> value) in multi-row statements; a field a row
    leaves out takes its default. Values are adapted as Django's own inserts adapt them
    (dates and datetimes by the backend's operations, the rest by `get_db_prep_save`).
    `bulk_create` would build and compile a model instance per row, which for a history of
    100,000 rows is most of the seed's time; it also stamps auto_now fields with the present,
    and history rows carry their own dates."""
    if not rows:
        return 0
    wrapper = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs per call
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    unknown = set(rows[0]) - set(defaults)
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    plan = [(f.attname, defaults[f.attname], _converter(f, wrapper)) for f in fields]
    adapted: dict = {}  # many rows share a date or a time stamp: adapt each once
    quote = wrapper.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(1000, (wrapper.features.max_query_params or 65535) // len(fields)))
    # Table and column names come quoted from the model; every value is a query parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # nosec B608
    with wrapper.cursor() as cursor, wrapper.wrap_database_errors:
        # The backend's own cursor: with DEBUG on, Django's would log every statement with
        # every parameter quoted, which costs more than the insert.
        backend_cursor = cursor.cursor
        for chunk in _chunks(rows, per_statement):
            params = []
            for row in chunk:
                for name, default, convert in plan:
                    value = row.get(name, default)
                    if convert is not None and value is not None:
                        if isinstance(value, dt.date):
                            key = (name, value)
                            if key not in adapted:
                                adapted[key] = convert(value)
                            value = adapted[key]
                        else:
                            value = convert(value)
                    params.append(value)
            backend_cursor.execute(sql + ", ".join([placeholders] * len(chunk)), params)
    return len(rows)


def certificate_pdf(name: str, nip: str, title: str, organiser: str, starts_on, ends_on, jp: int) -> bytes:
    return minimal_pdf(
        [
            "SERTIFIKAT",
            f"Diberikan kepada: {name}",
            f"NIP: {nip}",
            f"telah mengikuti {title}",
            f"yang diselenggarakan oleh {organiser}",
            f"pada {starts_on:%d-%m-%Y} s.d. {ends_on:%d-%m-%Y} ({jp} JP).",
            "",
            "Dokumen contoh data demo SIGAP.",
        ]
    )


SEAT_STATES = (S.CONFIRMED, S.COMPLETED, S.FAILED, S.NO_SHOW)


class _Writer:
    def __init__(self, city: city_demo.DemoCity, plan: TrainingPlan, log: Callable[[str], None]):
        self.city = city
        self.plan = plan
        self.today = plan.as_of
        self.log = log
        self.created = 0

    def write(self) -> int:
        codes = [program.code for program in self.plan.programs]
        if Session.objects.filter(program__code__in=codes).exists():
            self.log("Training: the demo's training records are already in the database: nothing to add.")
            return 0
        nips = [employee.nip for employee in self.city.employees]
        # nip -> (employee id, OPD id, user id, supervisor's employee id)
        self.employees: dict[str, tuple[int, int, int | None, int | None]] = {}
        for chunk in _chunks(nips):
            rows = Employee.objects.filter(nip__in=chunk).values_list("nip", "pk", "opd_id", "user_id", "supervisor_id")
            self.employees.update((nip, (pk, opd, user, supervisor)) for nip, pk, opd, user, supervisor in rows)
        if len(self.employees) != len(nips):
            self.log("Training: the database holds another demo city (seed or size): no training records added.")
            return 0
        self.user_of = {pk: user for pk, _opd, user, _supervisor in self.employees.values()}
        admin_name = next(account.username for account in self.city.accounts if account.role == "admin_bkpp")
        self.admin = User.objects.filter(username=admin_name).first()
        self.admin_id = self.admin.pk if self.admin else None
        self.programs = self._programs()
        self._position_since()
        sessions = self._sessions()
        self._history(sessions)
        self._outside_learning()
        self._open_sessions()
        return self.created

    # -- catalogue and posts ------------------------------------------------------------------------

    def _programs(self) -> dict[str, Program]:
        codes = [spec.code for spec in self.plan.programs]
        existing = {program.code: program for program in Program.objects.filter(code__in=codes)}
        new = 0
        for spec in self.plan.programs:
            if spec.code in existing:
                continue
            program = Program(
                code=spec.code,
                title=spec.title,
                category=spec.category,
                method=spec.method,
                default_jp=spec.jp,
                organiser=spec.organiser,
                organiser_name=spec.organiser_name,
                competencies=list(spec.competencies),
                description=spec.description,
                min_rank_id=spec.min_rank,
                max_rank_id=spec.max_rank,
                position_kinds=list(spec.position_kinds),
                jenjang=list(spec.jenjang),
                employment_types=list(spec.employment_types),
                prior_program=existing.get(spec.prior_code) if spec.prior_code else None,
                blocked_by_sanction=spec.is_leadership,  # DOMAIN.md §8.3
                mandatory_for_position_kinds=list(spec.mandatory_for),
                is_integrity_training=spec.is_integrity,
            )
            existing[spec.code] = services.save_program(program, by=self.admin)
            new += 1
        self.created += new
        categories = len({spec.category for spec in self.plan.programs})
        self.log(f"Training: {len(self.plan.programs)} programmes in {categories} categories ({new} new).")
        return existing

    def _position_since(self) -> None:
        """TMT jabatan of structural officials (where none is recorded yet): the date the
        mandatory leadership training is measured from (DOMAIN.md §3.4)."""
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for nip, day in self.plan.position_since.items():
            by_day[day].append(self.employees[nip][0])
        updated = 0
        for day, ids in sorted(by_day.items()):
            updated += Employee.objects.filter(pk__in=ids, position_since_on__isnull=True).update(position_since_on=day)
        self.log(f"Training: {updated} structural officials got the date they took up their post.")

    # -- history ------------------------------------------------------------------------------------

    def _sessions(self) -> dict[tuple[str, int], int]:
        """Insert the history sessions and their days; return (code, batch) -> session id."""
        rows = []
        for n, spec in enumerate(self.plan.sessions):
            rows.append(
                {
                    "program_id": self.programs[spec.code].pk,
                    "batch": spec.batch,
                    "starts_on": spec.starts_on,
                    "ends_on": spec.ends_on,
                    "place": spec.place,
                    "online_link": spec.online_link,
                    "jp": spec.jp,
                    "capacity": spec.capacity,
                    "confirmed_count": 0,  # set from the seat holders once they are in
                    "registration_opens_on": spec.registration_opens_on,
                    "registration_closes_on": spec.registration_closes_on,
                    "cancellation_deadline": spec.cancellation_deadline,
                    "approval_required": spec.approval_required,
                    "confirmation_mode": spec.confirmation_mode,
                    "status": spec.status,
                    "cost_per_participant": Decimal(spec.cost),
                    "created_by_id": self.admin_id,
                    "created_at": _at(spec.registration_opens_on - dt.timedelta(days=7), n),
                    "updated_at": _at(min(spec.ends_on, self.today), 479),
                }
            )
        insert_rows(Session, rows)
        program_codes = {program.pk: code for code, program in self.programs.items()}
        ids = {
            (program_codes[program_id], batch): pk
            for program_id, batch, pk in Session.objects.filter(program_id__in=program_codes).values_list(
                "program_id", "batch", "pk"
            )
        }
        days = [{"session_id": ids[spec.key], "date": day} for spec in self.plan.sessions for day in spec.days]
        insert_rows(SessionDay, days)
        self.days: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
        for session_id, day, pk in (
            SessionDay.objects.filter(session_id__in=ids.values())
            .order_by("session_id", "date")
            .values_list("session_id", "date", "pk")
        ):
            self.days[session_id].append((pk, day))
        self.created += len(rows) + len(days)
        return ids

    def _history(self, sessions: dict[tuple[str, int], int]) -> None:
        """Registrations with their steps, attendance, certificates, questionnaires and
        follow-ups; then each session's `confirmed_count` from its seat holders."""
        plan = self.plan
        by_key = {spec.key: spec for spec in plan.sessions}
        rows, steps_of = [], []
        for spec in plan.registrations:
            session = by_key[spec.session_key]
            employee_id, opd_id, _user, _supervisor = self.employees[spec.nip]
            steps = self._steps(spec, session)
            steps_of.append(steps)
            rows.append(
                {
                    "session_id": sessions[spec.session_key],
                    "employee_id": employee_id,
                    "opd_id": opd_id,
                    "state": spec.state,
                    "nominated_by_id": self.admin_id if spec.nominated else None,
                    "submitted_at": steps[0][3],
                    "queued_at": next((at for _f, to, _by, at, _r in steps if to == S.APPROVED), None),
                    "score": Decimal(spec.score) if spec.score else None,
                    "updated_at": steps[-1][3],
                }
            )
        insert_rows(Registration, rows)
        ids = {}
        for chunk in _chunks(sorted(set(sessions.values()))):
            queryset = Registration.objects.filter(session_id__in=chunk).values_list("session_id", "employee_id", "pk")
            ids.update(((session_id, employee_id), pk) for session_id, employee_id, pk in queryset)
        registration_ids = [ids[(row["session_id"], row["employee_id"])] for row in rows]
        self.created += len(rows)

        events, marks, evaluations, follow_ups = [], [], [], []
        holders: dict[int, int] = defaultdict(int)
        for n, (spec, row, pk, steps) in enumerate(
            zip(plan.registrations, rows, registration_ids, steps_of, strict=True)
        ):
            events += [
                {"registration_id": pk, "from_state": f, "to_state": t, "by_id": by, "at": at, "reason": reason}
                for f, t, by, at, reason in steps
            ]
            if spec.state in SEAT_STATES:
                holders[row["session_id"]] += 1
                for index, (day_id, day) in enumerate(self.days.get(row["session_id"], ())):
                    if day >= self.today:
                        break  # not yet
                    marks.append(
                        {
                            "registration_id": pk,
                            "day_id": day_id,
                            "is_present": index not in spec.absent,
                            "recorded_by_id": self.admin_id,
                            "recorded_at": _at(day, 479),
                        }
                    )
            if spec.evaluation:
                e = spec.evaluation
                evaluations.append(
                    {
                        "registration_id": pk,
                        "content": e.content,
                        "trainer": e.trainer,
                        "organisation": e.organisation,
                        "usefulness": e.usefulness,
                        "comment": e.comment,
                        "submitted_at": _at(e.submitted_on, n),
                    }
                )
            if spec.follow_up:
                f = spec.follow_up
                follow_ups.append(
                    {
                        "registration_id": pk,
                        "supervisor_id": self.employees[spec.nip][3],
                        "asked_on": f.asked_on,
                        "answered_at": _at(f.answered_on, n) if f.answered_on else None,
                        "is_used": f.is_used,
                        "comment": f.comment,
                    }
                )
        self.created += insert_rows(RegistrationEvent, events)
        self.created += insert_rows(Attendance, marks)
        self.created += insert_rows(Evaluation, evaluations)
        self.created += insert_rows(FollowUp, follow_ups)
        self.created += self._certificates(registration_ids)
        # confirmed_count equals the seat holders (the invariant the allocation service keeps).
        by_count: dict[int, list[int]] = defaultdict(list)
        for session_id, count in holders.items():
            by_count[count].append(session_id)
        for count, session_ids in by_count.items():
            for chunk in _chunks(session_ids):
                Session.objects.filter(pk__in=chunk).update(confirmed_count=count)

        states: dict[str, int] = defaultdict(int)
        for spec in plan.registrations:
            states[spec.state] += 1
        summary = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
        years = sorted({spec.ends_on.year for spec in plan.sessions})
        self.log(
            f"Training: {len(plan.sessions)} past and running sessions ({years[0]}–{years[-1]}), "
            f"{len(rows)} registrations ({summary}), {len(marks)} attendance marks."
        )

    def _steps(
        self, spec: RegistrationPlan, session: SessionPlan
    ) -> list[tuple[str, str, int | None, dt.datetime, str]]:
        """(from, to, by user id, at, reason) of every transition, as the services record them."""
        _employee, _opd, user_id, supervisor_id = self.employees[spec.nip]
        admin_id = self.admin_id
        supervisor_user = self.user_of.get(supervisor_id) if supervisor_id else None
        minutes = sum(map(ord, spec.nip[-4:])) * 3
        submitted_at = _at(spec.submitted_on, minutes)
        steps = [("", S.SUBMITTED, admin_id if spec.nominated else user_id, submitted_at, "")]
        decided_at = max(_at(spec.decided_on, minutes + 60), submitted_at)
        if spec.state == S.REJECTED:
            steps.append((S.SUBMITTED, S.REJECTED, supervisor_user, decided_at, spec.reason))
            return steps
        if spec.nominated:
            steps.append((S.SUBMITTED, S.APPROVED, admin_id, submitted_at, _("Nominated.")))
        elif not session.approval_required:
            steps.append((S.SUBMITTED, S.APPROVED, user_id, submitted_at, _("No approval needed.")))
        elif supervisor_id is None:
            steps.append((S.SUBMITTED, S.APPROVED, user_id, submitted_at, _("No direct supervisor recorded.")))
        else:
            steps.append((S.SUBMITTED, S.APPROVED, supervisor_user, decided_at, ""))
        if session.confirmation_mode == ConfirmationMode.AUTOMATIC:
            confirmed_by, confirmed_at = steps[-1][2], steps[-1][3]
        else:
            confirmed_by, confirmed_at = admin_id, max(_at(spec.confirmed_on, minutes + 120), steps[-1][3])
        steps.append((S.APPROVED, S.CONFIRMED, confirmed_by, confirmed_at, ""))
        if spec.state == S.CANCELLED:
            cancelled_at = max(_at(spec.cancelled_on, minutes + 180), confirmed_at)
            steps.append((S.CONFIRMED, S.CANCELLED, user_id, cancelled_at, spec.reason))
        elif spec.state in (S.COMPLETED, S.FAILED, S.NO_SHOW):
            steps.append((S.CONFIRMED, spec.state, admin_id, _at(session.ends_on, 420 + minutes % 60), ""))
        return steps

    def _certificates(self, registration_ids: list[int]) -> int:
        """Numbered like `services.issue_certificate`: per year of issue, after the ones that
        exist, in order of issue; the verification code is random (secrets), as there."""
        registrations = self.plan.registrations
        issued = sorted(
            (spec.certificate_on, spec.code, spec.batch, n)
            for n, spec in enumerate(registrations)
            if spec.certificate_on
        )
        years = sorted({item[0].year for item in issued})
        taken = set(Certificate.objects.filter(issued_on__year__in=years).values_list("number", flat=True))
        sequence = {year: Certificate.objects.filter(issued_on__year=year).count() for year in years}
        jp = {spec.key: spec.jp for spec in self.plan.sessions}
        rows = []
        for issued_on, code, batch, n in issued:
            while True:
                sequence[issued_on.year] += 1
                number = f"STTPP/{code}/{issued_on.year}/{sequence[issued_on.year]:06d}"
                if number not in taken:
                    break
            rows.append(
                {
                    "registration_id": registration_ids[n],
                    "number": number,
                    "code": secrets.token_urlsafe(12)[:16],
                    "jp": jp[(code, batch)],
                    "issued_on": issued_on,
                    "issued_by_id": self.admin_id,
                }
            )
        return insert_rows(Certificate, rows)

    # -- outside learning ----------------------------------------------------------------------------

    def _outside_learning(self) -> None:
        """Like the history: the certificate of each record is a small PDF stored under a
        random name, as `services.record_outside_learning` stores an upload."""
        outside = self.plan.outside
        names = {}
        for chunk in _chunks(sorted({o.nip for o in outside})):
            names.update(Employee.objects.filter(nip__in=chunk).values_list("nip", "name"))
        operator = self.employees.get(city_demo.PERSONA_OPERATOR.nip)
        operator_user = operator[2] if operator else None
        rows = []
        for n, spec in enumerate(outside):
            employee_id, opd_id, _user, _supervisor = self.employees[spec.nip]
            pdf = certificate_pdf(
                names[spec.nip], spec.nip, spec.title, spec.organiser, spec.starts_on, spec.ends_on, spec.jp
            )
            stored = default_storage.save(random_name(None, "sertifikat.pdf", "training/outside"), ContentFile(pdf))
            decider = None
            if spec.decided_on:
                decider = operator_user if operator and opd_id == operator[1] else self.admin_id
            rows.append(
                {
                    "employee_id": employee_id,
                    "opd_id": opd_id,
                    "title": spec.title,
                    "organiser": spec.organiser,
                    "category": spec.category,
                    "starts_on": spec.starts_on,
                    "ends_on": spec.ends_on,
                    "jp": spec.jp,
                    "certificate": stored,
                    "certificate_type": "application/pdf",
                    "status": spec.status,
                    "decided_by_id": decider,
                    "decided_at": _at(spec.decided_on, n + 90) if spec.decided_on else None,
                    "reason": spec.reason,
                    "created_at": _at(spec.recorded_on, n),
                }
            )
        self.created += insert_rows(OutsideLearning, rows)
        verified = sum(spec.status == OutsideStatus.VERIFIED for spec in outside)
        waiting = sum(spec.status == OutsideStatus.SUBMITTED for spec in outside)
        self.log(f"Training: {len(rows)} outside learning records ({verified} verified, {waiting} waiting).")

    # -- now -------------------------------------------------------------------------------------------

    def _open_sessions(self) -> None:
        """Through the services: create and open the sessions, set the quota, register,
        approve and confirm. A registration the rules refuse (an employee under a sanction
        for leadership training, say) is skipped and counted."""
        plan, today = self.plan, self.today
        wanted = sorted({step.nip for session in plan.open_sessions for step in session.steps})
        employees = {}
        for chunk in _chunks(wanted):
            queryset = Employee.objects.filter(nip__in=chunk).select_related("user", "supervisor__user", "position")
            employees.update((employee.nip, employee) for employee in queryset)
        quota_codes = [spec.quota[0] for spec in plan.open_sessions if spec.quota]
        opds = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=quota_codes)}
        refused = pending = registered = 0
        for spec in plan.open_sessions:
            session = services.create_session(
                program=self.programs[spec.code],
                by=self.admin,
                days=list(spec.days),
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                capacity=spec.capacity,
                registration_opens_on=spec.registration_opens_on,
                registration_closes_on=spec.registration_closes_on,
                cancellation_deadline=spec.cancellation_deadline,
                approval_required=spec.approval_required,
                confirmation_mode=spec.confirmation_mode,
                place=spec.place,
                online_link=spec.online_link,
                cost_per_participant=spec.cost,
            )
            self.created += 1 + len(spec.days)
            if spec.status == SessionStatus.OPEN:
                session = services.set_session_status(session, SessionStatus.OPEN, by=self.admin, today=today)
            if spec.quota:
                opd_code, seats, release_on = spec.quota
                services.set_quota(
                    session, opd=opds[opd_code], seats=seats, release_on=release_on, by=self.admin, today=today
                )
                self.created += 1
            for step in spec.steps:
                employee = employees[step.nip]
                by = self.admin if step.by == "bkpp" else employee.user
                try:
                    registration = services.register(session=session, employee=employee, by=by, today=today)
                    if step.then == "approve":
                        supervisor = employee.supervisor.user if employee.supervisor else None
                        registration = services.approve(registration, by=supervisor, today=today)
                    elif step.then == "confirm":
                        registration = services.confirm(registration, by=self.admin, today=today)
                except ServiceError:
                    refused += 1
                    continue
                registered += 1
                pending += registration.state == S.SUBMITTED
        self.created += registered
        self.log(
            f"Training: {len(plan.open_sessions)} sessions open or in preparation, {registered} registrations "
            f"through the services ({pending} waiting for a supervisor; {refused} refused by the rules)."
        )
