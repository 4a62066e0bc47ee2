"""The demo city: Pemerintah Kota Semarang with a realistic, reproducible staff.

The parts:

- `build_city(seed, employees)` is a pure function. It reads the CSV files in `demo_data/`
  (see its README for which values are real and which are plausible) and returns plain
  data: units, positions, employees and staff accounts. The same seed and size always give
  the same city; nothing here reads the clock or the database. All dates are generated
  relative to `REFERENCE_DATE`, and none lies after it.
- `write_city(city)` (in the seed_demo command) writes that data: units through
  `services.create_org_unit`, roles through `services.grant_role` / `grant_operator`, and
  employees with their accounts in bulk (one `bulk_create` per supervisor level, no
  per-employee queries).
- `build_integrity(city, as_of=...)`, just as pure, plans the city's integrity records
  (sanctions, cases, wealth-report filings, a drug test, gratification reports, pacts);
  the integrity app writes them through its services (`integrity/demo.py`, which seed_demo
  calls without the core importing it). `COLLECTIVE_LEAVE` lists the cuti bersama days.

Rules the generator keeps (DOMAIN.md):
- NIP (§1.1): birth date, TMT CPNS month, gender digit, serial from 001 per 15-digit prefix;
  TMT CPNS equals the month in the NIP. NI PPPK (§1.2): birth date, appointment year, "21",
  gender, serial; PPPK hold no pangkat but a pay grade 1..17 (§2.1).
- Rank (§2.2): a PNS starts at the starting rank of their diploma. Non-structural employees
  (pelaksana, functional) never go above the diploma's regular-promotion ceiling; holders of
  a structural post (JPT, administrator, pengawas) hold a rank inside the post's eselon range
  (§2.3), which may lie above it. Each promotion takes at least two years of service.
- Functional jenjang follows the rank (§4.2) inside the JF's range from jabatan_fungsional.csv.
- Age (§11): nobody in service has reached the retirement age (BUP) of their position.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

REFERENCE_DATE = dt.date(2026, 1, 1)
DEFAULT_SEED = 2026
DEFAULT_EMPLOYEES = 2000
MIN_EMPLOYEES = 60
# The demo password is published in the README on purpose (demo data only, never production).
DEMO_PASSWORD = "sigap-demo-2026"  # nosec B105
DATA_DIR = Path(__file__).resolve().parent / "demo_data"

# Share of N that holds a structural post (or heads a school); the posts are filled tier by
# tier until this runs out, so a small city has vacancies at the bottom tiers.
HEAD_SHARE = 0.12
TEACHERS_PER_SCHOOL = 16

# --- Reference values mirrored from the data migration 0002 (the writer passes the
# database's own rows instead, so a changed ceiling is honoured).


@dataclass(frozen=True)
class EducationRule:
    code: str
    order: int
    starting_rank: int  # Rank.id
    ceiling: int  # Rank.id of the highest rank by regular promotion


DEFAULT_EDUCATION = {
    rule.code: rule
    for rule in (
        EducationRule("SD", 10, 1, 5),
        EducationRule("SLTP", 20, 3, 7),
        EducationRule("SLTP_KEJURUAN", 21, 3, 8),
        EducationRule("SLTA", 30, 5, 10),
        EducationRule("SLTA_KEJURUAN", 31, 5, 10),
        EducationRule("D1", 40, 5, 10),
        EducationRule("D2", 50, 6, 10),
        EducationRule("SGPLB", 51, 6, 11),
        EducationRule("D3", 60, 7, 11),
        EducationRule("D4", 70, 9, 12),
        EducationRule("S1", 71, 9, 12),
        EducationRule("PROFESI", 80, 10, 13),
        EducationRule("S2", 81, 10, 13),
        EducationRule("S3", 90, 11, 14),
    )
}

# Rank ids (DOMAIN.md §2.1) used below.
II_A, II_B, II_C, II_D = 5, 6, 7, 8
III_A, III_B, III_C, III_D = 9, 10, 11, 12
IV_A, IV_B, IV_C, IV_D, IV_E = 13, 14, 15, 16, 17

# Jenjang -> rank range (DOMAIN.md §4.2).
JENJANG_RANKS = {
    "pemula": (II_A, II_A),
    "terampil": (II_B, II_D),
    "mahir": (III_A, III_B),
    "penyelia": (III_C, III_D),
    "ahli_pertama": (III_A, III_B),
    "ahli_muda": (III_C, III_D),
    "ahli_madya": (IV_A, IV_C),
    "ahli_utama": (IV_D, IV_E),
}
KETERAMPILAN = ("pemula", "terampil", "mahir", "penyelia")
KEAHLIAN = ("ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama")
# jabatan_fungsional.csv writes the levels as titles; "Pelaksana" (and "Pelaksana Lanjutan")
# are the Auditor's names for the Terampil (and Mahir) level.
JENJANG_BY_LABEL = {
    "pemula": "pemula",
    "pelaksana": "terampil",
    "pelaksana lanjutan": "mahir",
    "terampil": "terampil",
    "mahir": "mahir",
    "penyelia": "penyelia",
    "ahli pertama": "ahli_pertama",
    "ahli muda": "ahli_muda",
    "ahli madya": "ahli_madya",
    "ahli utama": "ahli_utama",
}

# Eselon ranges of structural posts (DOMAIN.md §2.3).
ESELON = {
    "II.a": (IV_C, IV_D),
    "II.b": (IV_B, IV_C),
    "III.a": (IV_A, IV_B),
    "III.b": (III_D, IV_A),
    "IV.a": (III_C, III_D),
    "IV.b": (III_B, III_C),
}

# Retirement age (BUP, DOMAIN.md §11).
BUP_DEFAULT = 58
BUP_LONG = 60  # JPT, JF ahli madya, teachers

# PPPK pay grade by diploma (Perpres 98/2020 pattern; plausible, see demo_data/README.md).
PPPK_GRADE = {
    "SD": 1,
    "SLTP": 4,
    "SLTP_KEJURUAN": 4,
    "SLTA": 5,
    "SLTA_KEJURUAN": 5,
    "D1": 5,
    "D2": 6,
    "SGPLB": 6,
    "D3": 7,
    "D4": 9,
    "S1": 9,
    "PROFESI": 10,
    "S2": 10,
    "S3": 11,
}
MIN_AGE_AT_APPOINTMENT = {"D1": 19, "D2": 20, "SGPLB": 20, "D3": 21, "D4": 22, "S1": 22, "PROFESI": 24, "S2": 25}
MIN_AGE_AT_APPOINTMENT["S3"] = 30

# Corruption-prone duties (the seed article): every position in these units carries the flag,
# and so does the post of the OPD head named in OPD_HEAD_FLAGS.
UNIT_FLAGS = {
    "BPKAD-ANGGARAN": "handles_budget_planning",
    "BAPENDA-DATAPEN": "handles_tax_retribution",
    "BAPENDA-PENAGIHAN": "handles_tax_retribution",
    "BAPENDA-DALPEN": "handles_tax_retribution",
    "SETDA-PBJ": "handles_procurement",
    "BKPP-MUTPRO": "handles_hr_promotion",
    "DPMPTSP-PERIZINAN": "handles_licensing",
    "DINSOS-LINJAMSOS": "handles_grants",
    "DINSOS-DAYASOS": "handles_grants",
}
OPD_HEAD_FLAGS = {
    "BPKAD": "handles_budget_planning",
    "BAPENDA": "handles_tax_retribution",
    "BKPP": "handles_hr_promotion",
    "DPMPTSP": "handles_licensing",
    "DINSOS": "handles_grants",
}


# --- The three demo employees (fixed, so the README can list them) --------------------------


@dataclass(frozen=True)
class Persona:
    role: str  # "operator_opd", "atasan", "pegawai"
    label: str  # how demo_logins names the role
    nip: str
    name: str
    front_title: str
    back_title: str
    gender: str
    education: str
    unit_code: str
    position: tuple[str, str, str]  # name, kind, jenjang
    rank: int
    rank_tmt_on: dt.date
    pns_tmt_on: dt.date
    reports_to: str  # post key of the supervisor ("" = the atasan persona)


PERSONA_OPERATOR = Persona(
    role="operator_opd",
    label="Operator OPD",
    nip="198807212011032001",
    name="Rina Wulandari",
    front_title="",
    back_title="S.Sos.",
    gender="P",
    education="S1",
    unit_code="DINKES",
    position=("Analis Kepegawaian", "pelaksana", ""),
    rank=III_D,
    rank_tmt_on=dt.date(2023, 4, 1),
    pns_tmt_on=dt.date(2012, 3, 1),
    reports_to="kasubbag-umum:DINKES",
)
PERSONA_SUPERVISOR = Persona(
    role="atasan",
    label="Atasan",
    nip="197511032003021001",
    name="Hendra Wijayanto",
    front_title="dr.",
    back_title="M.Kes.",
    gender="L",
    education="S2",
    unit_code="DINKES-P2P",
    position=("Kepala Bidang Pencegahan dan Pengendalian Penyakit", "administrator", ""),
    rank=IV_A,
    rank_tmt_on=dt.date(2021, 10, 1),
    pns_tmt_on=dt.date(2004, 3, 1),
    reports_to="head:DINKES",
)
PERSONA_EMPLOYEE = Persona(
    role="pegawai",
    label="Pegawai",
    nip="199302092020022001",
    name="Dewi Anggraini",
    front_title="",
    back_title="S.K.M.",
    gender="P",
    education="S1",
    unit_code="DINKES-P2P",
    position=("Epidemiolog Kesehatan", "fungsional_keahlian", "ahli_pertama"),
    rank=III_B,
    rank_tmt_on=dt.date(2024, 4, 1),
    pns_tmt_on=dt.date(2021, 6, 1),
    reports_to="",
)
PERSONAS = (PERSONA_OPERATOR, PERSONA_SUPERVISOR, PERSONA_EMPLOYEE)
PERSONA_UNIT_MIN_STAFF = 4  # generated staff beside the pegawai persona under the atasan


@dataclass(frozen=True)
class StaffAccount:
    username: str
    first_name: str
    last_name: str
    role: str  # Role value
    label: str
    is_staff: bool


STAFF_ACCOUNTS = (
    StaffAccount("admin.bkpp", "Admin", "BKPP", "admin_bkpp", "Admin BKPP", True),
    StaffAccount("inspektur", "Petugas", "Inspektorat", "inspektorat", "Inspektorat", False),
)


# --- Plain data returned by build_city ------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True)
class PositionSpec:
    unit_code: str
    name: str
    kind: str
    jenjang: str = ""
    min_rank: int | None = None
    max_rank: int | None = None
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.unit_code, self.name, self.kind, self.jenjang)


@dataclass
class EmployeeSpec:
    nip: str
    nik: str
    name: str
    front_title: str
    back_title: str
    employment_type: str
    status: str
    gender: str
    born_on: dt.date
    unit_code: str
    position_key: tuple[str, str, str, str] | None
    supervisor_nip: str | None
    rank: int | None
    rank_tmt_on: dt.date | None
    pppk_grade: int | None
    education: str
    cpns_tmt_on: dt.date | None
    pns_tmt_on: dt.date | None
    persona: str = ""
    level: int = 0  # length of the supervisor chain above this employee


@dataclass
class DemoCity:
    seed: int
    size: int
    units: list[UnitSpec]
    positions: list[PositionSpec]
    employees: list[EmployeeSpec]  # ordered by level: every supervisor comes first
    accounts: tuple[StaffAccount, ...] = STAFF_ACCOUNTS
    personas: tuple[Persona, ...] = PERSONAS


# --- Source data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JfRow:
    name: str
    category: str  # "keahlian" / "keterampilan"
    jenjang: tuple[str, ...]  # the levels this JF has, lowest first
    unit_kinds: tuple[str, ...]

    @property
    def kind(self) -> str:
        return f"fungsional_{self.category}"


@dataclass(frozen=True)
class Sources:
    opd: tuple[dict, ...]
    kelurahan: tuple[tuple[str, str], ...]  # (kecamatan, kelurahan)
    puskesmas: tuple[tuple[str, str], ...]  # (name, kecamatan)
    jf: tuple[JfRow, ...]


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _jenjang_range(text: str, category: str) -> tuple[str, ...]:
    low_label, high_label = (part.strip().lower() for part in text.split("-"))
    low, high = JENJANG_BY_LABEL[low_label], JENJANG_BY_LABEL[high_label]
    levels = KEAHLIAN if category == "keahlian" else KETERAMPILAN
    return levels[levels.index(low) : levels.index(high) + 1]


@functools.cache
def load_sources(data_dir: Path = DATA_DIR) -> Sources:
    jf = tuple(
        JfRow(
            name=row["name"],
            category=row["category"],
            jenjang=_jenjang_range(row["jenjang_range"], row["category"]),
            unit_kinds=tuple(kind.strip() for kind in row["typical_unit_kind"].split(";")),
        )
        for row in _read_csv(data_dir / "jabatan_fungsional.csv")
    )
    return Sources(
        opd=tuple(_read_csv(data_dir / "opd.csv")),
        kelurahan=tuple((row["kecamatan"], row["kelurahan"]) for row in _read_csv(data_dir / "kelurahan.csv")),
        puskesmas=tuple((row["name"], row["kecamatan"]) for row in _read_csv(data_dir / "puskesmas.csv")),
        jf=jf,
    )


def slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def kecamatan_code(kecamatan: str) -> str:
    return f"KEC-{slug(kecamatan)}"


def school_count(employees: int) -> int:
    """Schools grow with the city: about 30% of the staff teach, some 16 to a school."""
    return max(2, round(employees * 0.30 / TEACHERS_PER_SCHOOL))


def _school_list(sources: Sources) -> list[tuple[str, str, str]]:
    """(code, name, bidang code) of every school the demo may use, in the order they are
    taken: an SMP Negeri after every seven SD Negeri."""
    smp = [(f"SMPN-{i:02d}", f"SMP Negeri {i} Semarang", "DISDIK-SMP") for i in range(1, 45)]
    sd = [
        (f"SDN-{slug(kelurahan)}-{number:02d}", f"SD Negeri {kelurahan} {number:02d}", "DISDIK-SD")
        for number in (1, 2)
        for _kecamatan, kelurahan in sources.kelurahan
    ]
    sd = list(dict.fromkeys(sd))  # Mangunharjo and Purwosari exist twice
    seen: set[str] = set()
    ordered: list[tuple[str, str, str]] = []
    smp_iter, sd_iter = iter(smp), iter(sd)
    for index in range(len(smp) + len(sd)):
        school = next(smp_iter, None) if index % 8 == 0 else None
        school = school or next(sd_iter, None) or next(smp_iter, None)
        if school and school[0] not in seen:
            seen.add(school[0])
            ordered.append(school)
    return ordered


# --- Names and titles -----------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "Agus Bambang Budi Dwi Eko Hadi Joko Slamet Sugeng Teguh Wahyu Yudi Adi Ari Arif Bayu Danang Didik "
    "Fajar Gunawan Hari Heru Imam Indra Nugroho Rudi Setyo Sigit Tri Wibowo Yoga Anton Dimas Rizky Galih "
    "Ilham Lukman Ahmad Rahmat Aris Bagus Dedy Edy Hendro Iwan Kukuh Mulyono Prasetyo Purnomo Sutrisno "
    "Taufik Wawan Yusuf Andi Bima Catur Dwiki Fikri Hanif Krisna Nanang Priyo Satrio Tomo Yanuar"
)
FEMALE_NAMES = _words(
    "Sri Siti Dewi Endang Tri Wulan Rina Ratna Retno Puji Yuni Yuli Nur Ani Dyah Indah Kartika Nanik Ning "
    "Sulis Tutik Umi Fitri Astuti Dian Eka Maya Mega Nia Rizka Sari Ayu Putri Novi Lina Rini Wiwik Erna "
    "Lilik Suci Tanti Winarti Anis Devi Ika Laras Nurul Okta Rahma Septi Vina Wahyuningsih Yeni Arum"
)
MALE_SURNAMES = _words(
    "Setiawan Santoso Wibowo Prasetyo Nugroho Susanto Hidayat Purnomo Saputra Kurniawan Wijaya Hartono "
    "Sutrisno Widodo Suryanto Pranoto Raharjo Supriyadi Hermawan Gunawan Firmansyah Utomo Wicaksono "
    "Handoko Suharyanto Mulyadi Haryanto Prabowo Yulianto Ardiansyah Setyawan Cahyono Sugiarto Triyono"
)
FEMALE_SURNAMES = _words(
    "Lestari Rahayu Wulandari Astuti Handayani Susanti Kusumawati Purwanti Rahmawati Wahyuni Setyowati "
    "Indriyani Pratiwi Anggraini Fitriani Puspitasari Yuliani Kurniasih Sulistyowati Hartati Maharani "
    "Permatasari Nurhayati Sari Utami Widyastuti Rusmawati Ningsih Safitri Hapsari Damayanti Ariyani"
)

S1_TITLES = {
    "generic": ("S.Sos.", "S.E.", "S.H.", "S.IP.", "S.A.P.", "S.Kom."),
    "health": ("S.K.M.",),
    "nursing": ("S.Kep., Ns.",),
    "midwifery": ("S.Keb., Bd.",),
    "pharmacy": ("S.Farm.",),
    "nutrition": ("S.Gz.",),
    "lab": ("S.Si.",),
    "sanitation": ("S.K.M.",),
    "medical_records": ("S.K.M.",),
    "education": ("S.Pd.",),
    "economics": ("S.E.", "S.Ak."),
    "law": ("S.H.",),
    "social": ("S.Sos.", "S.IP."),
    "engineering": ("S.T.",),
    "computing": ("S.Kom.", "S.T."),
    "agriculture": ("S.P.", "S.Pt."),
    "fishery": ("S.Pi.",),
    "science": ("S.Si.",),
    "psychology": ("S.Psi.",),
    "communication": ("S.I.Kom.",),
    "statistics": ("S.Stat.", "S.Si."),
    "library": ("S.IP.", "S.Hum."),
}
S2_TITLES = {
    "generic": ("M.Si.", "M.M.", "M.A.P."),
    "health": ("M.Kes.", "M.K.M."),
    "doctor": ("M.Kes.",),
    "nursing": ("M.Kep.",),
    "education": ("M.Pd.",),
    "economics": ("M.M.", "M.Si.", "M.Ak."),
    "law": ("M.H.",),
    "engineering": ("M.T.",),
    "computing": ("M.Kom.", "M.T."),
    "agriculture": ("M.P.", "M.Si."),
    "science": ("M.Si.",),
    "psychology": ("M.Psi.",),
}
D3_TITLES = {
    "generic": ("A.Md.",),
    "nursing": ("A.Md.Kep.",),
    "midwifery": ("A.Md.Keb.",),
    "health": ("A.Md.Kes.",),
    "medical_records": ("A.Md.Kes.",),
    "sanitation": ("A.Md.K.L.",),
    "nutrition": ("A.Md.Gz.",),
    "lab": ("A.Md.A.K.",),
    "pharmacy": ("A.Md.Farm.",),
    "computing": ("A.Md.Kom.",),
    "economics": ("A.Md.Ak.",),
    "engineering": ("A.Md.T.",),
}
D4_TITLES = {"midwifery": "S.Tr.Keb.", "nursing": "S.Tr.Kep.", "health": "S.Tr.Kes.", "sanitation": "S.Tr.Kes."}
SPECIALISTS = ("Sp.PD.", "Sp.A.", "Sp.OG.", "Sp.B.", "Sp.An.", "Sp.Rad.", "Sp.N.", "Sp.JP.")
HEALTH_FIELDS = ("health", "nursing", "midwifery", "pharmacy", "nutrition", "lab", "sanitation", "medical_records")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def person_name(rng: random.Random, gender: str) -> str:
    if gender == "L":
        first, last = MALE_NAMES, MALE_SURNAMES
        prefix = "Muhammad " if rng.random() < 0.06 else ""
    else:
        first, last = FEMALE_NAMES, FEMALE_SURNAMES
        prefix = ""
    roll = rng.random()
    if roll < 0.15:
        return prefix + rng.choice(first) + " " + rng.choice(first)
    if roll < 0.30:
        return f"{prefix}{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}"
    return f"{prefix}{rng.choice(first)} {rng.choice(last)}"


def academic_titles(rng: random.Random, education: str, field_name: str, born_year: int) -> tuple[str, str]:
    """Front and back titles as written on decrees ("dr.", "Ir.", "S.Kep., Ns.", "M.Si.")."""
    if field_name == "doctor":
        if education == "S2":
            return "dr.", rng.choice(S2_TITLES["doctor"] + SPECIALISTS)
        return "dr.", ""
    if field_name == "dentist":
        return "drg.", "M.Kes." if education == "S2" else ""
    if field_name == "pharmacy" and education == "PROFESI":
        return "apt.", "S.Farm."
    if education in ("D3", "D2", "D1"):
        return "", rng.choice(D3_TITLES.get(field_name, D3_TITLES["generic"]))
    if education == "D4":
        return "", D4_TITLES.get(field_name, "S.ST.")
    if education not in ("S1", "S2", "S3", "PROFESI"):
        return "", ""
    front: list[str] = []
    back: list[str] = []
    # The old engineering degree "Ir." stood in for the S1 title of those who studied before
    # the 1990s reform.
    if field_name in ("engineering", "agriculture") and born_year <= 1972:
        front.append("Ir.")
    else:
        back.append(rng.choice(S1_TITLES.get(field_name, S1_TITLES["generic"])))
    if education in ("S2", "S3"):
        back.append(rng.choice(S2_TITLES.get(field_name, S2_TITLES["generic"])))
    if education == "S3":
        front.insert(0, "Dr.")
    return " ".join(front), ", ".join(back)


# --- Dates ----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def promotion_period(day: dt.date) -> dt.date:
    """Snap a rank TMT down to a promotion period (DOMAIN.md §3.2): 1 April / 1 October until
    2023, every other month from February 2023, every month from October 2025."""
    day = day.replace(day=1)
    if day >= dt.date(2025, 10, 1):
        return day
    if day >= dt.date(2023, 2, 1):
        return day if day.month % 2 == 0 else add_months(day, -1)
    if day.month >= 10:
        return day.replace(month=10)
    if day.month >= 4:
        return day.replace(month=4)
    return dt.date(day.year - 1, 10, 1)


# --- Organisation: units and the posts that head them ----------------------------------------


@dataclass
class _Post:
    """A structural post (or a school's head) that one generated employee may fill."""

    key: str
    unit_code: str
    position: PositionSpec
    tier: int
    parent: str | None  # key of the post that supervises this one
    education: dict[str, float]
    field_name: str
    bup: int = BUP_DEFAULT
    holder: EmployeeSpec | None = None


@dataclass
class _Unit:
    spec: UnitSpec
    opd_code: str
    contexts: tuple[str, ...]  # unit kinds a JF's typical_unit_kind is matched against
    anchors: list[str] = field(default_factory=list)  # posts the unit's staff report to
    weight: float = 0.0
    group: str = "opd"
    field_name: str = "generic"


OPD_FIELDS = {
    "DINKES": "health",
    "RSUD-KRMTW": "health",
    "DISDIK": "education",
    "DPU": "engineering",
    "DISTARU": "engineering",
    "DISPERKIM": "engineering",
    "DAMKAR": "engineering",
    "DISHUB": "engineering",
    "BPKAD": "economics",
    "BAPENDA": "economics",
    "DISDAG": "economics",
    "DINKOPUM": "economics",
    "DISPERIN": "economics",
    "INSPEKTORAT": "economics",
    "DISKOMINFO": "computing",
    "DISTAN": "agriculture",
    "DISKETAPANG": "agriculture",
    "DISKAN": "fishery",
    "DLH": "science",
    "BKPP": "psychology",
    "SATPOLPP": "law",
    "BAPPEDA": "engineering",
    "DINSOS": "social",
    "DP3A": "social",
    "DP2KB": "social",
}
UNIT_FIELDS = {"SETDA-HUKUM": "law", "SETWAN-SIDANG": "law", "SETDA-KEU": "economics", "SETDA-PBJ": "economics"}

# Staff weight of OPD-side units (relative headcount); units not listed weigh 3 (an OPD's own
# secretariat) or 2 (a bidang or bagian).
UNIT_WEIGHTS = {
    "SETDA": 0,
    "SETDA-AS1": 0,
    "SETDA-AS2": 0,
    "SETDA-AS3": 0,
    "SETWAN": 1,
    "DAMKAR-OPS": 9,
    "SATPOLPP-TIBUM": 7,
    "SATPOLPP-GAKPERDA": 3,
    "SATPOLPP-LINMAS": 3,
    "DISHUB-LALIN": 5,
    "DLH-SAMPAH": 5,
    "DISPERKIM-TAMAKAM": 4,
    "DPU-BM": 4,
    "DPU-SDA": 4,
    "DISDUKCAPIL-DAFDUK": 3,
    "DISDUKCAPIL-CAPIL": 3,
    "BAPENDA-PENAGIHAN": 3,
    "DISDAG-PASAR": 4,
    "DISTAN-PSP": 3,
    "BKPP-BALAIDIKLAT": 3,
    "RSUD-KRMTW": 3,
    "RSUD-KRMTW-YANMED": 4,
    "RSUD-KRMTW-KEP": 8,
    "RSUD-KRMTW-JANGMED": 4,
}
# Share of the generated staff by kind of workplace.
GROUP_SHARES = {"sekolah": 0.30, "puskesmas": 0.10, "rsud": 0.06, "kecamatan": 0.04, "kelurahan": 0.07, "opd": 0.43}

KECAMATAN_SECTIONS = (
    "Kepala Seksi Pemerintahan",
    "Kepala Seksi Ketenteraman dan Ketertiban Umum",
    "Kepala Seksi Pemberdayaan Masyarakat dan Kesejahteraan Sosial",
    "Kepala Seksi Pelayanan Umum",
)

EDU_JPT = {"S2": 85, "S3": 15}
EDU_ADMINISTRATOR = {"S1": 35, "S2": 65}
EDU_PENGAWAS = {"D3": 8, "S1": 62, "S2": 30}
EDU_KAPUS = {"PROFESI": 50, "S2": 30, "S1": 20}
EDU_KEPSEK = {"S1": 60, "S2": 40}


def _unit_flags(unit_code: str, opd_code: str) -> tuple[str, ...]:
    flag = UNIT_FLAGS.get(unit_code) or UNIT_FLAGS.get(opd_code)
    return (flag,) if flag else ()


def _head_flags(unit_code: str, opd_code: str, is_opd_head: bool) -> tuple[str, ...]:
    flags = list(_unit_flags(unit_code, opd_code))
    if is_opd_head and OPD_HEAD_FLAGS.get(opd_code) and OPD_HEAD_FLAGS[opd_code] not in flags:
        flags.append(OPD_HEAD_FLAGS[opd_code])
    return tuple(flags)


class _Organisation:
    """The unit tree and its posts, built from the CSV files. Pure: no randomness."""

    def __init__(self, sources: Sources, schools: int):
        self.units: dict[str, _Unit] = {}
        self.posts: dict[str, _Post] = {}
        self._build_units(sources, schools)
        self._build_posts()

    # Units ---------------------------------------------------------------------------------

    def _add(self, code, name, kind, parent, *, contexts, weight=0.0, group="opd"):
        opd_code = self.units[parent].opd_code if parent else code
        resolved_field = UNIT_FIELDS.get(code) or OPD_FIELDS.get(opd_code, "generic")
        self.units[code] = _Unit(
            spec=UnitSpec(code, name, kind, parent),
            opd_code=opd_code,
            contexts=contexts,
            weight=weight,
            group=group,
            field_name=resolved_field,
        )

    def _build_units(self, sources: Sources, schools: int) -> None:
        for row in sources.opd:
            code, parent = row["code"], row["parent_code"] or None
            kind = row["kind"]
            if kind == "setda" and parent == "SETDA":
                kind = "asisten"  # the CSV writes the Asisten as setda rows under SETDA
            opd_kind = self.units[self.units[parent].opd_code].spec.kind if parent else kind
            contexts = (kind,) if parent is None or kind == opd_kind else (kind, opd_kind)
            if kind == "rsud" or (parent and opd_kind == "rsud"):
                group = "rsud"
            elif kind == "kecamatan":
                group = "kecamatan"
            else:
                group = "opd"
            default_weight = {"asisten": 0, "kecamatan": 1, "bidang": 2, "bagian": 2}.get(kind, 3)
            weight = UNIT_WEIGHTS.get(code, default_weight)
            self._add(code, row["name"], kind, parent, contexts=contexts, weight=weight, group=group)
        for kecamatan, kelurahan in sources.kelurahan:
            parent = kecamatan_code(kecamatan)
            code = f"KEL-{slug(kecamatan)}-{slug(kelurahan)}"
            self._add(
                code,
                f"Kelurahan {kelurahan}",
                "kelurahan",
                parent,
                contexts=("kelurahan", "kecamatan"),
                weight=1,
                group="kelurahan",
            )
        for name, _kecamatan in sources.puskesmas:
            code = f"PKM-{slug(name.removeprefix('Puskesmas '))}"
            self._add(code, name, "puskesmas", "DINKES", contexts=("puskesmas",), weight=1, group="puskesmas")
        for code, name, _bidang in _school_list(sources)[:schools]:
            weight = 2.5 if code.startswith("SMPN") else 1
            self._add(code, name, "sekolah", "DISDIK", contexts=("sekolah",), weight=weight, group="sekolah")
        self.school_bidang = {code: bidang for code, _name, bidang in _school_list(sources)}

    # Posts ---------------------------------------------------------------------------------

    def _post(self, key, unit_code, name, kind, eselon, tier, parent, education, *, jenjang="", opd_head=False):
        unit = self.units[unit_code]
        low, high = JENJANG_RANKS[jenjang] if jenjang else ESELON[eselon]
        field_name = unit.field_name
        bup = BUP_LONG if kind.startswith("jpt") else BUP_DEFAULT
        self.posts[key] = _Post(
            key=key,
            unit_code=unit_code,
            position=PositionSpec(
                unit_code, name, kind, jenjang, low, high, _head_flags(unit_code, unit.opd_code, opd_head)
            ),
            tier=tier,
            parent=parent,
            education=education,
            field_name=field_name,
            bup=bup,
        )
        return key

    def _build_posts(self) -> None:
        # Tiers say which posts a small city fills first: 0 always (the demo personas' chain
        # and BKPP), 1 the Asisten, OPD heads and camat, 2 the heads of units that have most
        # staff (bidang, bagian, puskesmas, schools), 3 secretaries, sekcam and lurah, 4 the
        # subbagian, seksi and sekretaris kelurahan.
        forced = {"head:SETDA", "head:DINKES", "sek:DINKES", "head:BKPP", "head:DINKES-P2P"}

        def tier(key: str, default: int) -> int:
            return 0 if key in forced else default

        for unit in list(self.units.values()):
            code, kind, parent = unit.spec.code, unit.spec.kind, unit.spec.parent_code
            name = unit.spec.name
            if kind == "setda":
                unit.anchors = [
                    self._post("head:SETDA", code, "Sekretaris Daerah", "jpt_pratama", "II.a", 0, None, EDU_JPT)
                ]
            elif kind == "asisten":
                unit.anchors = [self._post(f"head:{code}", code, name, "jpt_pratama", "II.b", 1, "head:SETDA", EDU_JPT)]
            elif parent is None and kind != "kecamatan":
                self._opd_posts(unit, tier)
            elif kind == "bagian":
                head = self._post(
                    f"head:{code}",
                    code,
                    f"Kepala {name}",
                    "administrator",
                    "III.a",
                    2,
                    f"head:{parent}",
                    EDU_ADMINISTRATOR,
                )
                unit.anchors = [head]
            elif kind == "bidang":
                if name.startswith("Inspektur Pembantu"):
                    post_name, kind_, eselon = name, "administrator", "III.a"
                elif name.startswith("Balai"):
                    post_name, kind_, eselon = f"Kepala {name}", "pengawas", "IV.a"
                else:
                    post_name, kind_, eselon = f"Kepala {name}", "administrator", "III.b"
                key = f"head:{code}"
                education = EDU_ADMINISTRATOR if kind_ == "administrator" else EDU_PENGAWAS
                unit.anchors = [
                    self._post(key, code, post_name, kind_, eselon, tier(key, 2), f"head:{parent}", education)
                ]
            elif kind == "kecamatan":
                camat = self._post(
                    f"head:{code}",
                    code,
                    f"Camat {name.removeprefix('Kecamatan ')}",
                    "administrator",
                    "III.a",
                    1,
                    "head:SETDA",
                    EDU_ADMINISTRATOR,
                )
                sekcam = self._post(
                    f"sek:{code}", code, "Sekretaris Kecamatan", "administrator", "III.b", 3, camat, EDU_ADMINISTRATOR
                )
                sections = [
                    self._post(f"kasi{i}:{code}", code, section, "pengawas", "IV.a", 4, camat, EDU_PENGAWAS)
                    for i, section in enumerate(KECAMATAN_SECTIONS, start=1)
                ]
                unit.anchors = [*sections, sekcam]
            elif kind == "kelurahan":
                lurah = self._post(
                    f"head:{code}",
                    code,
                    f"Lurah {name.removeprefix('Kelurahan ')}",
                    "pengawas",
                    "IV.a",
                    3,
                    f"head:{parent}",
                    EDU_PENGAWAS,
                )
                seklur = self._post(
                    f"sek:{code}", code, "Sekretaris Kelurahan", "pengawas", "IV.b", 4, lurah, EDU_PENGAWAS
                )
                unit.anchors = [lurah, seklur]
            elif kind == "puskesmas":
                key = self._post(
                    f"head:{code}", code, f"Kepala {name}", "pengawas", "IV.a", 2, "head:DINKES", EDU_KAPUS
                )
                unit.anchors = [key]
            elif kind == "sekolah":
                key = self._post(
                    f"head:{code}",
                    code,
                    "Kepala Sekolah",
                    "fungsional_keahlian",
                    "",
                    2,
                    f"head:{self.school_bidang[code]}",
                    EDU_KEPSEK,
                    jenjang="ahli_muda",  # replaced by the holder's jenjang
                )
                self.posts[key].bup = BUP_LONG
                unit.anchors = [key]

    def _opd_posts(self, unit: _Unit, tier: Callable[[str, int], int]) -> None:
        code, kind, name = unit.spec.code, unit.spec.kind, unit.spec.name
        head_name = {
            "setwan": "Sekretaris DPRD",
            "inspektorat": "Inspektur",
            "satpol": "Kepala Satuan Polisi Pamong Praja",
            "rsud": f"Direktur {name}",
        }.get(kind, f"Kepala {name}")
        head = self._post(
            f"head:{code}",
            code,
            head_name,
            "jpt_pratama",
            "II.b",
            tier(f"head:{code}", 1),
            "head:SETDA",
            EDU_JPT,
            opd_head=True,
        )
        if kind == "setwan":
            unit.anchors = [head]
            return
        if kind == "rsud":
            sek_name, sek_eselon = "Kepala Bagian Umum dan Keuangan", "III.b"
        elif kind == "inspektorat":
            sek_name, sek_eselon = "Sekretaris Inspektorat", "III.a"
        else:
            sek_name, sek_eselon = f"Sekretaris {name}", "III.a"
        sek = self._post(
            f"sek:{code}", code, sek_name, "administrator", sek_eselon, tier(f"sek:{code}", 3), head, EDU_ADMINISTRATOR
        )
        umum = self._post(
            f"kasubbag-umum:{code}",
            code,
            "Kepala Subbagian Umum dan Kepegawaian",
            "pengawas",
            "IV.a",
            4,
            sek,
            EDU_PENGAWAS,
        )
        keuangan = self._post(
            f"kasubbag-keu:{code}", code, "Kepala Subbagian Keuangan", "pengawas", "IV.a", 4, sek, EDU_PENGAWAS
        )
        unit.anchors = [umum, keuangan]

    def nearest_holder(self, key: str | None) -> EmployeeSpec | None:
        while key is not None:
            post = self.posts[key]
            if post.holder is not None:
                return post.holder
            key = post.parent
        return None


# --- Staff roles ----------------------------------------------------------------------------

# Where a JF works beyond what typical_unit_kind says: only in these OPDs or units.
JF_HOMES = {
    "Pengawas Sekolah": ("DISDIK",),
    "Penilik": ("DISDIK",),
    "Epidemiolog Kesehatan": ("DINKES",),
    "Tenaga Promosi Kesehatan dan Ilmu Perilaku": ("DINKES",),
    "Tenaga Sanitasi Lingkungan": ("DINKES",),
    "Penyuluh Pertanian": ("DISTAN",),
    "Penyuluh Keluarga Berencana": ("DP2KB",),
    "Pekerja Sosial": ("DINSOS",),
    "Pemadam Kebakaran": ("DAMKAR",),
    "Perencana": ("BAPPEDA", "BRIDA"),
    "Analis Sumber Daya Manusia Aparatur": ("BKPP",),
    "Asesor Sumber Daya Manusia Aparatur": ("BKPP",),
    "Widyaiswara": ("BKPP-BALAIDIKLAT",),
    "Pustakawan": ("DISARPUS",),
    "Penata Kelola Sistem dan Teknologi Informasi": ("DISKOMINFO",),
    "Pranata Hubungan Masyarakat": ("DISKOMINFO", "SETDA-KOMPIMPROT"),
    "Statistisi": ("DISKOMINFO",),
    "Pengelola Pengadaan Barang/Jasa": ("SETDA-PBJ",),
    "Analis Keuangan Pusat dan Daerah": ("BPKAD", "BAPENDA"),
    "Perancang Peraturan Perundang-undangan": ("SETDA-HUKUM", "SETWAN-SIDANG"),
    "Pengawas Lingkungan Hidup": ("DLH",),
    "Penata Ruang": ("DISTARU",),
    "Penguji Kendaraan Bermotor": ("DISHUB",),
}
# Relative weight of a JF among those a unit may have (default 1).
JF_WEIGHTS = {
    ("Guru", "keahlian"): 100,
    ("Perawat", "keterampilan"): 20,
    ("Perawat", "keahlian"): 9,
    ("Bidan", "keterampilan"): 14,
    ("Bidan", "keahlian"): 3,
    ("Dokter", "keahlian"): 8,
    ("Dokter Gigi", "keahlian"): 3,
    ("Apoteker", "keahlian"): 3,
    ("Nutrisionis", "keterampilan"): 3,
    ("Pranata Laboratorium Kesehatan", "keterampilan"): 4,
    ("Perekam Medis", "keterampilan"): 3,
    ("Tenaga Sanitasi Lingkungan", "keterampilan"): 2,
    ("Pemadam Kebakaran", "keterampilan"): 25,
    ("Polisi Pamong Praja", "keterampilan"): 12,
    ("Polisi Pamong Praja", "keahlian"): 2,
    ("Auditor", "keahlian"): 6,
    ("Auditor", "keterampilan"): 2,
    ("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", "keahlian"): 4,
    ("Penyuluh Pertanian", "keterampilan"): 5,
    ("Penyuluh Pertanian", "keahlian"): 5,
    ("Penyuluh Keluarga Berencana", "keahlian"): 8,
    ("Pekerja Sosial", "keahlian"): 3,
    ("Pekerja Sosial", "keterampilan"): 3,
    ("Pengadministrasi Perkantoran", "keterampilan"): 4,
    ("Pengelola Pengadaan Barang/Jasa", "keahlian"): 6,
    ("Penggerak Swadaya Masyarakat", "keahlian"): 2,
}
JF_FIELDS = {
    "Guru": "education",
    "Pengawas Sekolah": "education",
    "Penilik": "education",
    "Dokter": "doctor",
    "Dokter Gigi": "dentist",
    "Perawat": "nursing",
    "Bidan": "midwifery",
    "Apoteker": "pharmacy",
    "Nutrisionis": "nutrition",
    "Pranata Laboratorium Kesehatan": "lab",
    "Tenaga Sanitasi Lingkungan": "sanitation",
    "Epidemiolog Kesehatan": "health",
    "Tenaga Promosi Kesehatan dan Ilmu Perilaku": "health",
    "Perekam Medis": "medical_records",
    "Penyuluh Pertanian": "agriculture",
    "Penyuluh Keluarga Berencana": "social",
    "Pekerja Sosial": "social",
    "Polisi Pamong Praja": "law",
    "Auditor": "economics",
    "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah": "economics",
    "Perencana": "engineering",
    "Analis Kebijakan": "social",
    "Analis Sumber Daya Manusia Aparatur": "psychology",
    "Asesor Sumber Daya Manusia Aparatur": "psychology",
    "Widyaiswara": "education",
    "Pustakawan": "library",
    "Pranata Komputer": "computing",
    "Penata Kelola Sistem dan Teknologi Informasi": "computing",
    "Pranata Hubungan Masyarakat": "communication",
    "Statistisi": "statistics",
    "Pengelola Pengadaan Barang/Jasa": "economics",
    "Analis Keuangan Pusat dan Daerah": "economics",
    "Perancang Peraturan Perundang-undangan": "law",
    "Pengawas Lingkungan Hidup": "science",
    "Penata Ruang": "engineering",
    "Penguji Kendaraan Bermotor": "engineering",
    "Penggerak Swadaya Masyarakat": "social",
}
# Share of a unit's staff in a functional position (the rest are pelaksana).
JF_SHARE = {"sekolah": 0.94, "puskesmas": 0.85, "rsud": 0.80}
JF_SHARE_BY_OPD = {"SATPOLPP": 0.75, "DAMKAR": 0.75, "INSPEKTORAT": 0.7, "DISTAN": 0.5, "DP2KB": 0.5}
JF_SHARE_DEFAULT = 0.35

# Pelaksana posts: (name, lowest diploma order, highest diploma order); 0/99 = any.
PELAKSANA = (
    ("Pengadministrasi Umum", 0, 71),
    ("Pengelola Data", 30, 99),
    ("Pengelola Keuangan", 30, 99),
    ("Bendahara", 30, 99),
    ("Pengelola Barang Milik Daerah", 30, 99),
    ("Analis Kepegawaian", 70, 99),
    ("Penyusun Program Anggaran dan Pelaporan", 70, 99),
    ("Verifikator Keuangan", 70, 99),
    ("Pengemudi", 0, 31),
)
PELAKSANA_BY_UNIT = {
    "BPKAD-ANGGARAN": (("Analis Anggaran", 70, 99), ("Penyusun Rencana Anggaran", 60, 99)),
    "BAPENDA": (("Analis Pendapatan Daerah", 70, 99), ("Pengelola Pajak dan Retribusi Daerah", 30, 99)),
    "SETDA-PBJ": (("Pengadministrasi Pengadaan Barang dan Jasa", 30, 99),),
    "BKPP-MUTPRO": (("Analis Mutasi Pegawai", 70, 99), ("Pengelola Kenaikan Pangkat", 30, 99)),
    "DPMPTSP-PERIZINAN": (("Analis Perizinan", 70, 99), ("Pengelola Perizinan", 30, 99)),
    "DINSOS-LINJAMSOS": (("Pengelola Bantuan Sosial", 30, 99), ("Analis Jaminan Sosial", 70, 99)),
    "DINSOS-DAYASOS": (("Pengelola Bantuan Sosial", 30, 99),),
    "puskesmas": (("Pengemudi Ambulans", 0, 31), ("Pengadministrasi Layanan Kesehatan", 30, 99)),
    "sekolah": (("Pengadministrasi Sekolah", 30, 99), ("Penjaga Sekolah", 0, 31)),
    "kelurahan": (("Pengadministrasi Kependudukan", 30, 99),),
}
# PPPK paruh waktu hold the operational-service posts created for them.
PARUH_WAKTU_POSTS = (
    ("Operator Layanan Operasional", 0, 59),
    ("Pengelola Layanan Operasional", 60, 70),
    ("Penata Layanan Operasional", 71, 99),
)

EDU_PELAKSANA = {"SLTP": 2, "SLTA": 38, "SLTA_KEJURUAN": 6, "D3": 14, "S1": 36, "S2": 4}
EDU_PARUH_WAKTU = {"SD": 3, "SLTP": 9, "SLTA": 48, "SLTA_KEJURUAN": 10, "D3": 8, "S1": 22}
EDU_KEAHLIAN = {"S1": 85, "S2": 15}
EDU_KETERAMPILAN = {"D3": 100}
EDU_KETERAMPILAN_FROM_PEMULA = {"SLTA": 50, "SLTA_KEJURUAN": 10, "D3": 40}  # a Pemula level takes SLTA
EDU_BY_JF = {
    "Dokter": {"PROFESI": 80, "S2": 20},
    "Dokter Gigi": {"PROFESI": 85, "S2": 15},
    "Apoteker": {"PROFESI": 100},
    ("Bidan", "keahlian"): {"D4": 60, "S1": 40},
    ("Tenaga Sanitasi Lingkungan", "keahlian"): {"D4": 30, "S1": 70},
    "Guru": {"S1": 88, "S2": 12},
    "Pemadam Kebakaran": {"SLTA": 85, "D3": 15},
    ("Polisi Pamong Praja", "keterampilan"): {"SLTA": 80, "D3": 20},
    ("Penyuluh Pertanian", "keterampilan"): {"SLTA_KEJURUAN": 40, "D3": 60},
}

# Gender share (female) by field or JF.
FEMALE_SHARE = {
    "Bidan": 1.0,
    "Perawat": 0.8,
    "Guru": 0.7,
    "Nutrisionis": 0.85,
    "Dokter": 0.55,
    "Pemadam Kebakaran": 0.05,
    "Polisi Pamong Praja": 0.15,
    "Pengemudi": 0.0,
    "Pengemudi Ambulans": 0.0,
    "Penjaga Sekolah": 0.1,
}
FEMALE_SHARE_HEADS = 0.3
FEMALE_SHARE_DEFAULT = 0.48

EMPLOYMENT_MIX = {
    "sekolah": {"pns": 60, "cpns": 3, "pppk": 31, "pppk_paruh_waktu": 6},
    "puskesmas": {"pns": 74, "cpns": 5, "pppk": 12, "pppk_paruh_waktu": 9},
    "rsud": {"pns": 74, "cpns": 5, "pppk": 12, "pppk_paruh_waktu": 9},
    "default": {"pns": 76, "cpns": 3, "pppk": 4, "pppk_paruh_waktu": 17},
}
# Statuses other than active (PNS staff only); the rest are "aktif".
INACTIVE_STATUSES = {"tugas_belajar": 0.012, "cltn": 0.003, "diberhentikan_sementara": 0.001}


@dataclass(frozen=True)
class _Role:
    position_name: str
    kind: str  # PositionKind value
    jf: JfRow | None
    education: dict[str, float]
    field_name: str
    female_share: float


# --- The generator --------------------------------------------------------------------------


class _Generator:
    """Makes the people. All randomness comes from one `random.Random(seed)`, consumed in a
    fixed order, so the same seed and size give the same city."""

    def __init__(self, seed: int, sources: Sources, education: dict[str, EducationRule]):
        self.rng = random.Random(seed)
        self.sources = sources
        self.education = education
        self.used_nips: set[str] = {persona.nip for persona in PERSONAS}
        self.nip_serials: dict[str, int] = {}
        self.nik_serials: dict[str, int] = {}
        self.positions: dict[tuple[str, str, str, str], PositionSpec] = {}
        self.employees: list[EmployeeSpec] = []

    # Identifiers ---------------------------------------------------------------------------

    def _nip(self, born_on: dt.date, appointed: str, gender: str) -> str:
        """`appointed` is YYYYMM for a NIP and YYYY + "21" for a NI PPPK (DOMAIN.md §1.2)."""
        prefix = f"{born_on:%Y%m%d}{appointed}{'1' if gender == 'L' else '2'}"
        serial = self.nip_serials.get(prefix, 0)
        while True:
            serial += 1
            nip = f"{prefix}{serial:03d}"
            if nip not in self.used_nips:
                break
        self.nip_serials[prefix] = serial
        self.used_nips.add(nip)
        return nip

    def _nik(self, born_on: dt.date, gender: str) -> str:
        """16 digits: region (mostly Kota Semarang, 33.74), DDMMYY with day + 40 for women,
        serial (DOMAIN.md §1.3)."""
        rng = self.rng
        if rng.random() < 0.7:
            region = f"3374{rng.randint(1, 16):02d}"
        else:
            region = f"{rng.choice(('3322', '3324', '3321', '3373', '3315', '3310'))}{rng.randint(1, 19):02d}"
        day = born_on.day + (40 if gender == "P" else 0)
        prefix = f"{region}{day:02d}{born_on:%m}{born_on.year % 100:02d}"
        serial = self.nik_serials.get(prefix, 0) + 1
        self.nik_serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    # Careers -------------------------------------------------------------------------------

    def _birth_date(self, appointed_on: dt.date, age: int) -> dt.date:
        """A birth date at which the person was `age` full years old on `appointed_on`."""
        born = add_months(appointed_on, -(age * 12 + self.rng.randint(1, 11)))
        return born.replace(day=self.rng.randint(1, 28))

    def _pns_career(self, education: str, low: int, high: int, *, bup: int, interval: float, cpns: bool):
        """Dates and rank of a PNS (or CPNS) whose rank must end within [low, high].
        Returns None when no age and length of service can reach `low`."""
        rng = self.rng
        rule = self.education[education]
        start = rule.starting_rank
        low = max(low, start)
        if low > high:
            return None
        min_age = MIN_AGE_AT_APPOINTMENT.get(education, 18)
        max_age = 40 if education in ("S2", "S3", "PROFESI") else 35
        if cpns:
            if low != start:
                return None
            cpns_tmt = dt.date(REFERENCE_DATE.year - 1, rng.choice((3, 5, 6, 10)), 1)
            age = min_age + int(rng.triangular(0, max_age - min_age, 3))
            return self._birth_date(cpns_tmt, age), cpns_tmt, None, start, cpns_tmt
        age = min_age + int(rng.triangular(0, max_age - min_age, 3))
        min_service = max(2, math.ceil((low - start) * interval))
        # Ages stay below BUP: at most (bup - 3) years plus two partial years in between.
        max_service = bup - 3 - age
        if min_service > max_service:
            age = min_age
            max_service = bup - 3 - age
            if min_service > max_service:
                return None
        service = rng.randint(min_service, max_service)
        cpns_tmt = add_months(REFERENCE_DATE, -(service * 12 + rng.randint(0, 11))).replace(day=1)
        steps = max(low - start, min(high - start, int(service / interval)))
        rank = start + steps
        rank_tmt = cpns_tmt if steps == 0 else promotion_period(add_months(cpns_tmt, round(steps * interval * 12)))
        pns_tmt = add_months(cpns_tmt, 12 + rng.choice((0, 0, 0, 1, 2, 3, 6)))
        pns_tmt = min(pns_tmt, REFERENCE_DATE)
        return self._birth_date(cpns_tmt, age), cpns_tmt, pns_tmt, rank, rank_tmt

    def _interval(self, base: float) -> float:
        return base + self.rng.choice((0, 0, 0, 0.5, 1))

    # Employees -----------------------------------------------------------------------------

    def _position(self, spec: PositionSpec) -> tuple[str, str, str, str]:
        self.positions.setdefault(spec.key, spec)
        return spec.key

    def _record(self, **fields) -> EmployeeSpec:
        employee = EmployeeSpec(**fields)
        self.employees.append(employee)
        return employee

    def fill_post(self, post: _Post, supervisor: EmployeeSpec | None) -> EmployeeSpec | None:
        rng = self.rng
        position = post.position
        is_teacher = position.kind == "fungsional_keahlian"
        for _attempt in range(8):
            education = _pick(rng, post.education)
            low, high = position.min_rank, position.max_rank
            if is_teacher:
                # A school's head is a teacher (Ahli Muda or Madya), capped by the diploma
                # like any functional position.
                low, high = III_C, min(IV_A, self.education[education].ceiling)
            career = self._pns_career(education, low, high, bup=post.bup, interval=self._interval(3), cpns=False)
            if career is not None:
                break
        else:  # pragma: no cover - the education weights always allow a career
            return None
        born_on, cpns_tmt, pns_tmt, rank, rank_tmt = career
        if is_teacher:
            jenjang = "ahli_madya" if rank >= IV_A else "ahli_muda"
            position = PositionSpec(
                position.unit_code, position.name, position.kind, jenjang, *JENJANG_RANKS[jenjang], position.flags
            )
        key = self._position(position)
        gender = "P" if rng.random() < FEMALE_SHARE_HEADS else "L"
        field_name = post.field_name
        if post.education is EDU_KAPUS:
            # A puskesmas head is a doctor (dr., perhaps with M.Kes.) or a public-health graduate.
            doctor = education == "PROFESI" or (education == "S2" and rng.random() < 0.5)
            field_name = "doctor" if doctor else "health"
        front, back = academic_titles(rng, education, field_name, born_on.year)
        holder = self._record(
            nip=self._nip(born_on, f"{cpns_tmt:%Y%m}", gender),
            nik=self._nik(born_on, gender),
            name=person_name(rng, gender),
            front_title=front,
            back_title=back,
            employment_type="pns",
            status="aktif",
            gender=gender,
            born_on=born_on,
            unit_code=post.unit_code,
            position_key=key,
            supervisor_nip=supervisor.nip if supervisor else None,
            rank=rank,
            rank_tmt_on=rank_tmt,
            pppk_grade=None,
            education=education,
            cpns_tmt_on=cpns_tmt,
            pns_tmt_on=pns_tmt,
        )
        post.holder = holder
        return holder

    def persona(self, persona: Persona, unit: _Unit, supervisor: EmployeeSpec | None) -> EmployeeSpec:
        name, kind, jenjang = persona.position
        if jenjang:
            low, high = JENJANG_RANKS[jenjang]
        elif kind == "administrator":
            low, high = ESELON["III.b"]
        else:
            low = high = None
        spec = PositionSpec(
            unit.spec.code,
            name,
            kind,
            jenjang,
            low,
            high,
            _head_flags(unit.spec.code, unit.opd_code, False),
        )
        born_on = dt.date(int(persona.nip[0:4]), int(persona.nip[4:6]), int(persona.nip[6:8]))
        cpns_tmt = dt.date(int(persona.nip[8:12]), int(persona.nip[12:14]), 1)
        return self._record(
            nip=persona.nip,
            nik="",
            name=persona.name,
            front_title=persona.front_title,
            back_title=persona.back_title,
            employment_type="pns",
            status="aktif",
            gender=persona.gender,
            born_on=born_on,
            unit_code=unit.spec.code,
            position_key=self._position(spec),
            supervisor_nip=supervisor.nip if supervisor else None,
            rank=persona.rank,
            rank_tmt_on=persona.rank_tmt_on,
            pppk_grade=None,
            education=persona.education,
            cpns_tmt_on=cpns_tmt,
            pns_tmt_on=persona.pns_tmt_on,
            persona=persona.role,
        )

    def roles_for(self, unit: _Unit) -> tuple[list[_Role], list[float]]:
        roles: list[_Role] = []
        weights: list[float] = []
        for row in self.sources.jf:
            if not set(row.unit_kinds) & set(unit.contexts):
                continue
            homes = JF_HOMES.get(row.name)
            service_unit = unit.spec.kind in ("puskesmas", "sekolah", "rsud") or unit.group == "rsud"
            if homes and not service_unit and unit.opd_code not in homes and unit.spec.code not in homes:
                continue
            education = EDU_BY_JF.get((row.name, row.category)) or EDU_BY_JF.get(row.name)
            if education is None and row.category == "keahlian":
                education = EDU_KEAHLIAN
            elif education is None:
                education = EDU_KETERAMPILAN_FROM_PEMULA if row.jenjang[0] == "pemula" else EDU_KETERAMPILAN
            roles.append(
                _Role(
                    position_name=row.name,
                    kind=row.kind,
                    jf=row,
                    education=education,
                    field_name=JF_FIELDS.get(row.name, unit.field_name),
                    female_share=FEMALE_SHARE.get(row.name, FEMALE_SHARE_DEFAULT),
                )
            )
            weights.append(JF_WEIGHTS.get((row.name, row.category), 1))
        return roles, weights

    def _pelaksana(self, unit: _Unit, education: str, employment_type: str) -> str:
        order = self.education[education].order
        if employment_type == "pppk_paruh_waktu":
            choices = PARUH_WAKTU_POSTS
        else:
            special = (
                PELAKSANA_BY_UNIT.get(unit.spec.code)
                or PELAKSANA_BY_UNIT.get(unit.spec.kind)
                or PELAKSANA_BY_UNIT.get(unit.opd_code)
                or ()
            )
            choices = special + special + PELAKSANA  # a unit's own duties come first
        fitting = [name for name, low, high in choices if low <= order <= high]
        return self.rng.choice(fitting)

    def staff(self, unit: _Unit, supervisor: EmployeeSpec | None, roles, weights) -> EmployeeSpec:
        rng = self.rng
        mix = EMPLOYMENT_MIX.get(unit.group, EMPLOYMENT_MIX["default"])
        employment_type = _pick(rng, mix)
        jf_share = JF_SHARE.get(unit.group, JF_SHARE_BY_OPD.get(unit.opd_code, JF_SHARE_DEFAULT))
        if employment_type == "pppk_paruh_waktu" and unit.group not in ("sekolah", "puskesmas", "rsud"):
            jf_share = 0.0
        role = rng.choices(roles, weights=weights)[0] if roles and rng.random() < jf_share else None
        for _attempt in range(6):
            result = self._staff_career(unit, role, employment_type)
            if result is not None:
                break
            role = None  # the JF does not fit any diploma and age: make a pelaksana
        else:  # pragma: no cover
            raise RuntimeError("no career fits")
        education, career, position = result
        name_field = role.field_name if role else (unit.field_name if rng.random() < 0.4 else "generic")
        if name_field in HEALTH_FIELDS and role is None:
            name_field = "health"
        female_share = role.female_share if role else FEMALE_SHARE.get(position.name, FEMALE_SHARE_DEFAULT)
        gender = "P" if rng.random() < female_share else "L"
        born_on, cpns_tmt, pns_tmt, rank, rank_tmt, grade, appointed = career
        front, back = academic_titles(rng, education, name_field, born_on.year)
        status = "aktif"
        if employment_type == "pns":
            roll = rng.random()
            for candidate, share in INACTIVE_STATUSES.items():
                if roll < share:
                    status = candidate
                    break
                roll -= share
        # Tugas belajar (> 6 months), CLTN and suspension release the post (DOMAIN.md §7).
        key = self._position(position) if status == "aktif" else None
        return self._record(
            nip=self._nip(born_on, appointed, gender),
            nik=self._nik(born_on, gender),
            name=person_name(rng, gender),
            front_title=front,
            back_title=back,
            employment_type=employment_type,
            status=status,
            gender=gender,
            born_on=born_on,
            unit_code=unit.spec.code,
            position_key=key,
            supervisor_nip=supervisor.nip if supervisor else None,
            rank=rank,
            rank_tmt_on=rank_tmt,
            pppk_grade=grade,
            education=education,
            cpns_tmt_on=cpns_tmt,
            pns_tmt_on=pns_tmt,
        )

    def _staff_career(self, unit: _Unit, role: _Role | None, employment_type: str):
        rng = self.rng
        is_pppk = employment_type in ("pppk", "pppk_paruh_waktu")
        if role is None:
            weights = EDU_PARUH_WAKTU if employment_type == "pppk_paruh_waktu" else EDU_PELAKSANA
        else:
            weights = role.education
        education = _pick(rng, weights)
        rule = self.education[education]
        flags = _unit_flags(unit.spec.code, unit.opd_code)
        bup = BUP_LONG if role and role.position_name == "Guru" else BUP_DEFAULT
        if is_pppk:
            return self._pppk_career(unit, role, employment_type, education, bup, flags)
        if role is None:
            low, high, interval = rule.starting_rank, rule.ceiling, self._interval(4)
        else:
            levels = role.jf.jenjang
            low = max(JENJANG_RANKS[levels[0]][0], rule.starting_rank)
            high = min(JENJANG_RANKS[levels[-1]][1], rule.ceiling)
            interval = self._interval(3)
        career = self._pns_career(education, low, high, bup=bup, interval=interval, cpns=employment_type == "cpns")
        if career is None:
            return None
        born_on, cpns_tmt, pns_tmt, rank, rank_tmt = career
        if role is None:
            position = PositionSpec(
                unit.spec.code, self._pelaksana(unit, education, employment_type), "pelaksana", flags=flags
            )
        else:
            jenjang = self._jenjang_for_rank(role.jf, rank)
            if jenjang is None:
                return None
            position = PositionSpec(
                unit.spec.code, role.position_name, role.kind, jenjang, *JENJANG_RANKS[jenjang], flags
            )
        return education, (born_on, cpns_tmt, pns_tmt, rank, rank_tmt, None, f"{cpns_tmt:%Y%m}"), position

    @staticmethod
    def _jenjang_for_rank(jf: JfRow, rank: int) -> str | None:
        for jenjang in jf.jenjang:
            low, high = JENJANG_RANKS[jenjang]
            if low <= rank <= high:
                return jenjang
        return None

    def _pppk_career(self, unit, role, employment_type, education, bup, flags):
        """A PPPK: no pangkat and no TMT CPNS, a pay grade, and a NI PPPK whose digits 9-14
        are the appointment year and "21" (DOMAIN.md §1.2). PPPK paruh waktu were appointed
        in December 2025."""
        rng = self.rng
        year = REFERENCE_DATE.year - 1 if employment_type == "pppk_paruh_waktu" else rng.randint(2021, 2025)
        min_age = max(MIN_AGE_AT_APPOINTMENT.get(education, 18), 20)
        years_since = REFERENCE_DATE.year - year
        max_age = min(56, bup - 2 - years_since)
        age = rng.randint(min_age, max(min_age, max_age))
        born_on = self._birth_date(dt.date(year, rng.choice((1, 3, 4, 7, 10)), 1), age)
        grade = PPPK_GRADE[education]
        if role is None:
            position = PositionSpec(
                unit.spec.code, self._pelaksana(unit, education, employment_type), "pelaksana", flags=flags
            )
        else:
            levels = role.jf.jenjang
            if role.jf.category == "keahlian":
                if self.education[education].order < 70:
                    return None
                jenjang = "ahli_muda" if age > 40 and rng.random() < 0.15 and "ahli_muda" in levels else levels[0]
                grade = max(grade, 11 if jenjang == "ahli_muda" else 9)
            else:
                jenjang = "terampil" if "terampil" in levels and education == "D3" else levels[0]
                grade = max(grade, 7 if jenjang == "terampil" else 5)
            position = PositionSpec(
                unit.spec.code, role.position_name, role.kind, jenjang, *JENJANG_RANKS[jenjang], flags
            )
        return education, (born_on, None, None, None, None, grade, f"{year}21"), position


# --- Sizing ---------------------------------------------------------------------------------


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` by `weights` (largest remainder; deterministic)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    counts = [int(quota) for quota in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def build_city(
    seed: int = DEFAULT_SEED,
    employees: int = DEFAULT_EMPLOYEES,
    *,
    education: dict[str, EducationRule] | None = None,
    sources: Sources | None = None,
) -> DemoCity:
    """The demo city as plain data: the same arguments always give the same result."""
    if employees < MIN_EMPLOYEES:
        raise ValueError(f"The demo city needs at least {MIN_EMPLOYEES} employees (got {employees}).")
    sources = sources or load_sources()
    education = education or DEFAULT_EDUCATION
    organisation = _Organisation(sources, school_count(employees))
    generator = _Generator(seed, sources, education)
    rng = generator.rng

    # Structural posts, tier by tier, while the heads' share lasts.
    budget = max(sum(1 for post in organisation.posts.values() if post.tier == 0), round(employees * HEAD_SHARE))
    filled: set[str] = set()
    for tier in range(5):
        candidates = [key for key, post in organisation.posts.items() if post.tier == tier]
        if tier == 0 or budget >= len(candidates):
            chosen = candidates
        else:
            chosen = sorted(rng.sample(candidates, max(budget, 0)), key=candidates.index)
        filled.update(chosen)
        budget -= len(chosen)
    supervisor_persona = organisation.posts[f"head:{PERSONA_SUPERVISOR.unit_code}"]
    for key, post in organisation.posts.items():  # parents come before children in this order
        if key not in filled:
            continue
        if post is supervisor_persona:
            unit = organisation.units[post.unit_code]
            post.holder = generator.persona(PERSONA_SUPERVISOR, unit, organisation.nearest_holder(post.parent))
            continue
        generator.fill_post(post, organisation.nearest_holder(post.parent))

    persona_staff = (PERSONA_OPERATOR, PERSONA_EMPLOYEE)
    for persona in persona_staff:
        unit = organisation.units[persona.unit_code]
        boss = supervisor_persona.holder if not persona.reports_to else organisation.nearest_holder(persona.reports_to)
        generator.persona(persona, unit, boss)

    # Staff: the rest of N, spread over the units by workplace group and weight.
    staff_total = employees - len(generator.employees)
    units = list(organisation.units.values())
    counts: dict[str, int] = {}
    group_totals = _apportion(staff_total, list(GROUP_SHARES.values()))
    for group, group_total in zip(GROUP_SHARES, group_totals, strict=True):
        members = [unit for unit in units if unit.group == group]
        for unit, count in zip(members, _apportion(group_total, [unit.weight for unit in members]), strict=True):
            counts[unit.spec.code] = count
    persona_unit = PERSONA_SUPERVISOR.unit_code
    shortfall = PERSONA_UNIT_MIN_STAFF - counts[persona_unit]
    if shortfall > 0:
        donor = max(counts, key=lambda code: (counts[code], code))
        counts[donor] -= shortfall
        counts[persona_unit] += shortfall

    for unit in units:
        if not counts.get(unit.spec.code):
            continue
        roles, weights = generator.roles_for(unit)
        anchors = [key for key in unit.anchors if organisation.posts[key].holder is not None]
        for _ in range(counts[unit.spec.code]):
            if anchors:
                supervisor = organisation.posts[rng.choice(anchors)].holder
            else:
                supervisor = organisation.nearest_holder(unit.anchors[0] if unit.anchors else None)
            generator.staff(unit, supervisor, roles, weights)

    employees_out = _by_level(generator.employees)
    # Every structural post exists as a position, held or vacant; other positions exist
    # because someone holds them.
    positions = {post.position.key: post.position for post in organisation.posts.values() if post.holder is None}
    positions.update(generator.positions)
    return DemoCity(
        seed=seed,
        size=employees,
        units=[unit.spec for unit in organisation.units.values()],
        positions=list(positions.values()),
        employees=employees_out,
    )


def _by_level(employees: list[EmployeeSpec]) -> list[EmployeeSpec]:
    supervisor_of = {employee.nip: employee.supervisor_nip for employee in employees}
    levels: dict[str, int] = {}
    for employee in employees:
        chain: list[str] = []
        nip: str | None = employee.nip
        while nip is not None and nip not in levels:
            chain.append(nip)
            nip = supervisor_of.get(nip)
            if len(chain) > len(employees):  # pragma: no cover - the builder makes no cycles
                raise RuntimeError("supervisor cycle in the demo city")
        base = -1 if nip is None else levels[nip]
        for offset, member in enumerate(reversed(chain), start=1):
            levels[member] = base + offset
        employee.level = levels[employee.nip]
    return sorted(employees, key=lambda employee: employee.level)


# --- Integrity records (DOMAIN.md §8–9) -----------------------------------------------------
#
# `build_integrity(city, as_of=...)` plans the demo's integrity picture as plain data; the
# integrity app writes it through its services (integrity/demo.py, called by seed_demo). Pure
# like `build_city`: its own `random.Random`, no clock, no database. Most records are dated
# relative to REFERENCE_DATE and never change; a few "current" ones (sanctions in force, the
# newest gratification reports, 2025 filings handed in during 2026) are dated back from
# `as_of`, the day the demo is seeded, so that the demo still shows them in force when it
# is opened long after the reference date. The same city and `as_of` give the same plan.


@dataclass(frozen=True)
class CollectiveLeaveDay:
    date: dt.date
    name: str


def _leave(year: int, month: int, day: int, name: str) -> CollectiveLeaveDay:
    return CollectiveLeaveDay(dt.date(year, month, day), f"Cuti bersama {name}")


# Cuti bersama (collective leave) from the joint decrees (SKB) of the Ministers of Religious
# Affairs, Manpower and PANRB. National holidays come from the `holidays` package.
COLLECTIVE_LEAVE = (
    # 2025: SKB 1017/2024, 2/2024, 2/2024, amended on 7 August 2025 by SKB 933/2025 et al.
    # (which added 18 August for the 80th Independence Day).
    _leave(2025, 1, 28, "Tahun Baru Imlek 2576 Kongzili"),
    _leave(2025, 3, 28, "Hari Suci Nyepi Tahun Baru Saka 1947"),
    _leave(2025, 4, 2, "Idulfitri 1446 H"),
    _leave(2025, 4, 3, "Idulfitri 1446 H"),
    _leave(2025, 4, 4, "Idulfitri 1446 H"),
    _leave(2025, 4, 7, "Idulfitri 1446 H"),
    _leave(2025, 5, 13, "Hari Raya Waisak 2569 BE"),
    _leave(2025, 5, 30, "Kenaikan Yesus Kristus"),
    _leave(2025, 6, 9, "Iduladha 1446 H"),
    _leave(2025, 8, 18, "Proklamasi Kemerdekaan (HUT ke-80 RI)"),
    _leave(2025, 12, 26, "Kelahiran Yesus Kristus"),
    # 2026: SKB 1497/2025, 2/2025, 5/2025 of 19 September 2025 (8 days).
    _leave(2026, 2, 16, "Tahun Baru Imlek 2577 Kongzili"),
    _leave(2026, 3, 18, "Hari Suci Nyepi Tahun Baru Saka 1948"),
    _leave(2026, 3, 20, "Idulfitri 1447 H"),
    _leave(2026, 3, 23, "Idulfitri 1447 H"),
    _leave(2026, 3, 24, "Idulfitri 1447 H"),
    _leave(2026, 5, 15, "Kenaikan Yesus Kristus"),
    _leave(2026, 5, 28, "Iduladha 1447 H"),
    _leave(2026, 12, 24, "Kelahiran Yesus Kristus"),
    # 2027: PLAUSIBLE, not checked against a decree: the days the `holidays` package (0.109)
    # lists as Indonesian government joint holidays; Idulfitri and Iduladha are estimates.
    _leave(2027, 2, 5, "Tahun Baru Imlek 2578 Kongzili"),
    _leave(2027, 3, 9, "Idulfitri 1448 H"),
    _leave(2027, 3, 12, "Idulfitri 1448 H"),
    _leave(2027, 3, 15, "Idulfitri 1448 H"),
    _leave(2027, 3, 25, "Wafat Yesus Kristus"),
    _leave(2027, 5, 18, "Iduladha 1448 H"),
    _leave(2027, 5, 19, "Hari Raya Waisak 2571 BE"),
    _leave(2027, 12, 24, "Kelahiran Yesus Kristus"),
)

FILING_YEARS = (2023, 2024, 2025)
IN_SERVICE = ("aktif", "tugas_belajar", "cltn", "diberhentikan_sementara")
STRUCTURAL_KINDS = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
ORGANISER_DRUG_TEST = "BNNK Kota Semarang"
# OPDs a BNNK surprise test visits first (field staff, money handling), then the largest.
DRUG_TEST_OPDS = ("SATPOLPP", "DISHUB", "DAMKAR", "DLH", "BAPENDA", "DISPERKIM", "DPU", "DISDUKCAPIL")
PPK = "Wali Kota Semarang"  # pejabat pembina kepegawaian: decides sedang and berat sanctions


@dataclass(frozen=True)
class SanctionPlan:
    nip: str
    type_code: str  # integrity SanctionType.code
    decree_number: str
    decree_on: dt.date
    issued_by: str
    starts_on: dt.date
    violation: str
    annulment_decree_number: str = ""
    annulment_decree_on: dt.date | None = None


@dataclass(frozen=True)
class CaseStep:
    status: str  # integrity CaseStatus value
    on: dt.date
    note: str = ""
    alleged_level: str | None = None  # set the level when this step assesses it
    sanction_decree: str = ""  # the plan's sanction (by decree number) this step attaches


@dataclass(frozen=True)
class CasePlan:
    nip: str
    category: str
    source: str
    alleged_level: str
    summary: str
    opened_on: dt.date
    steps: tuple[CaseStep, ...] = ()


@dataclass(frozen=True)
class DesignationPlan:
    """A PPK decree that makes the holder of a post LHKPN obligee (here: treasurers)."""

    nip: str
    decree_number: str
    decree_on: dt.date
    valid_from: dt.date


@dataclass(frozen=True)
class FilingPlan:
    """One filing row the integrity app opens for (nip, year); `submitted_on` None = missing."""

    nip: str
    year: int
    submitted_on: dt.date | None
    verified_on: dt.date | None = None


@dataclass(frozen=True)
class DrugTestResultPlan:
    nip: str
    outcome: str  # negatif / positif / tidak_hadir
    follow_up: str = ""
    notes: str = ""
    case_steps: tuple[CaseStep, ...] = ()  # steps of the case a positive result opens


@dataclass(frozen=True)
class DrugTestPlan:
    held_on: dt.date
    organiser: str
    opd_codes: tuple[str, ...]
    notes: str
    results: tuple[DrugTestResultPlan, ...]


@dataclass(frozen=True)
class GratificationStep:
    status: str  # integrity GratificationStatus value
    on: dt.date
    note: str = ""
    kpk_reference: str = ""
    decision: str = ""


@dataclass(frozen=True)
class GratificationPlan:
    nip: str
    received_on: dt.date
    giver: str
    description: str
    estimated_value: int  # rupiah
    relation_to_duty: str
    reported_on: dt.date
    is_late: bool  # reported after 10 working days (holidays and COLLECTIVE_LEAVE skipped)
    steps: tuple[GratificationStep, ...] = ()


@dataclass(frozen=True)
class PactPlan:
    nip: str
    occasion: str  # integrity PactOccasion value
    signed_on: dt.date


@dataclass(frozen=True)
class IntegrityPlan:
    as_of: dt.date  # every date in the plan lies on or before it
    sanctions: tuple[SanctionPlan, ...]
    cases: tuple[CasePlan, ...]
    designations: tuple[DesignationPlan, ...]
    filing_years: tuple[int, ...]
    filings: tuple[FilingPlan, ...]
    drug_test: DrugTestPlan
    gratifications: tuple[GratificationPlan, ...]
    pacts: tuple[PactPlan, ...]

    @property
    def decree_numbers(self) -> tuple[str, ...]:
        return tuple(sanction.decree_number for sanction in self.sanctions)


# Unexcused absence (working days in a year) -> sanction, PP 94/2021 (DOMAIN.md §8.2).
ABSENCE_DAYS = {
    "teguran_lisan": (3, 3),
    "teguran_tertulis": (4, 6),
    "pernyataan_tidak_puas": (7, 10),
    "potong_tukin_25_6_bulan": (11, 13),
    "potong_tukin_25_9_bulan": (14, 16),
    "potong_tukin_25_12_bulan": (17, 20),
    "penurunan_jabatan_12_bulan": (21, 24),
    "pembebasan_jabatan_12_bulan": (25, 27),
}
SANCTION_MONTHS = {
    "potong_tukin_25_6_bulan": 6,
    "potong_tukin_25_9_bulan": 9,
    "potong_tukin_25_12_bulan": 12,
    "penurunan_jabatan_12_bulan": 12,
    "pembebasan_jabatan_12_bulan": 12,
}
RINGAN_TYPES = ("teguran_lisan", "teguran_tertulis", "pernyataan_tidak_puas")
SEDANG_TYPES = ("potong_tukin_25_6_bulan", "potong_tukin_25_9_bulan", "potong_tukin_25_12_bulan")
BERAT_TYPES = ("penurunan_jabatan_12_bulan", "pembebasan_jabatan_12_bulan")

RINGAN_OTHER = (
    "Berulang kali terlambat masuk kerja dan pulang sebelum waktunya tanpa alasan yang sah.",
    "Tidak mengikuti apel pagi dan kegiatan wajib unit kerja tanpa alasan yang sah.",
    "Tidak menyelesaikan tugas yang diberikan atasan sesuai target kinerja yang ditetapkan.",
)
# (category, source, level, violation written in the decree, what the complaint said)
SANCTION_CASES = {
    "sedang": (
        (
            "netralitas",
            "aduanasn",
            "Menghadiri kampanye dan mengunggah dukungan kepada pasangan calon pada Pemilihan "
            "Wali Kota Semarang 2024 (pelanggaran netralitas ASN).",
            "Aduan melalui aduanasn.id disertai tangkapan layar unggahan dukungan kepada pasangan calon.",
        ),
        (
            "pungli_korupsi",
            "masyarakat",
            "Meminta imbalan di luar ketentuan kepada warga untuk mempercepat layanan administrasi.",
            "Laporan warga tentang permintaan uang untuk mempercepat penerbitan surat keterangan.",
        ),
        (
            "ujaran_kebencian",
            "aduanasn",
            "Mengunggah konten bermuatan ujaran kebencian terhadap kelompok tertentu di media sosial.",
            "Aduan melalui aduanasn.id tentang unggahan media sosial yang merendahkan kelompok tertentu.",
        ),
    ),
    "berat": (
        (
            "pungli_korupsi",
            "audit_internal",
            "Menerima uang dari pemohon layanan yang berhubungan dengan jabatan dan bertentangan "
            "dengan kewajiban (pungutan liar).",
            "Temuan audit internal Inspektorat atas penerimaan uang di luar ketentuan pada loket layanan.",
        ),
    ),
}
# Open cases about an alleged sedang/berat violation: the employee is under examination.
EXAMINED_CASES = (
    (
        "pungli_korupsi",
        "masyarakat",
        "berat",
        "Laporan warga tentang dugaan permintaan uang pelicin dalam pengurusan dokumen layanan.",
    ),
    (
        "ujaran_kebencian",
        "aduanasn",
        "sedang",
        "Aduan melalui aduanasn.id tentang unggahan media sosial yang diduga memuat ujaran kebencian.",
    ),
    (
        "lainnya",
        "audit_internal",
        "sedang",
        "Temuan audit internal: dugaan penggunaan kendaraan dinas untuk kepentingan pribadi di luar jam kerja.",
    ),
    (
        "anti_pancasila",
        "aduanasn",
        "berat",
        "Aduan melalui aduanasn.id tentang dugaan penyebaran materi yang menentang Pancasila di grup percakapan.",
    ),
    (
        "pungli_korupsi",
        "audit_internal",
        "berat",
        "Temuan audit internal: selisih kas pengelolaan dana kegiatan yang belum dapat dipertanggungjawabkan.",
    ),
)
CLOSED_CASES = (
    (
        "intoleransi",
        "aduanasn",
        "Aduan tentang komentar bernada intoleran di grup percakapan warga.",
        "Aduan tidak didukung bukti yang cukup; kasus ditutup.",
    ),
    (
        "netralitas",
        "masyarakat",
        "Laporan dugaan keberpihakan pada pasangan calon dalam Pemilihan Wali Kota 2024.",
        "Hasil klarifikasi: kehadiran pada acara warga, bukan kegiatan kampanye; kasus ditutup.",
    ),
    (
        "lainnya",
        "masyarakat",
        "Keluhan warga tentang sikap petugas yang kurang santun saat melayani.",
        "Diselesaikan melalui pembinaan oleh atasan langsung; kasus ditutup.",
    ),
    (
        "radikalisme",
        "aduanasn",
        "Aduan tentang dugaan membagikan konten kelompok terlarang di media sosial.",
        "Akun yang diadukan bukan milik pegawai yang bersangkutan; kasus ditutup.",
    ),
)
OPEN_CASES = (
    ("lainnya", "masyarakat", "Keluhan warga tentang lamanya waktu pelayanan; sedang ditelaah."),
    ("lainnya", "aduanasn", "Aduan tentang pegawai yang sering tidak berada di tempat pada jam layanan."),
)
# (giver, what, lowest and highest value in rupiah, relation to duty, UPG decision)
GIFTS = {
    "sekolah": (
        (
            "Orang tua siswa",
            "Bingkisan perpisahan berupa tas kulit",
            300_000,
            900_000,
            "Diberikan pada acara perpisahan siswa; pemberi adalah orang tua siswa yang dinilai.",
            "milik_penerima",
        ),
    ),
    "health": (
        (
            "Keluarga pasien",
            "Parsel buah dan makanan",
            250_000,
            600_000,
            "Ucapan terima kasih setelah pasien selesai dirawat.",
            "milik_penerima",
        ),
        (
            "Perwakilan penyedia alat kesehatan",
            "Voucher belanja",
            1_000_000,
            3_000_000,
            "Pemberi adalah penyedia dalam paket pengadaan alat kesehatan yang sedang berjalan.",
            "milik_negara",
        ),
    ),
    "service": (
        (
            "Pemohon izin usaha",
            "Amplop berisi uang tunai",
            500_000,
            2_500_000,
            "Diberikan setelah izin usaha pemohon diterbitkan.",
            "milik_negara",
        ),
        (
            "Perwakilan rekanan penyedia jasa konstruksi",
            "Bingkisan Lebaran berisi makanan dan kain batik",
            400_000,
            1_500_000,
            "Pemberi adalah rekanan dalam kontrak pekerjaan di unit kerja penerima.",
            "milik_negara",
        ),
        (
            "Panitia seminar lembaga mitra",
            "Honorarium narasumber di atas standar biaya",
            1_000_000,
            2_500_000,
            "Diberikan sebagai narasumber dalam kegiatan yang berkaitan dengan tugas jabatan.",
            "milik_penerima",
        ),
    ),
}
PERSONA_GIFT = (
    "Lembaga swadaya mitra pelatihan surveilans",
    "Cenderamata berupa jam tangan",
    750_000,
    750_000,
    "Diberikan setelah menjadi fasilitator pelatihan surveilans penyakit menular.",
    "milik_penerima",
)


def build_integrity(city: DemoCity, *, as_of: dt.date | None = None) -> IntegrityPlan:
    """The integrity records of `city` as plain data (see the comment above). `as_of` (the
    day of seeding; REFERENCE_DATE when None or earlier) dates the current records."""
    as_of = max(as_of or REFERENCE_DATE, REFERENCE_DATE)
    return _IntegrityPlanner(city, as_of).build()


def _appointed_on(employee: EmployeeSpec) -> dt.date:
    """TMT CPNS; for PPPK the year in the NI PPPK (paruh waktu: December of that year)."""
    if employee.cpns_tmt_on:
        return employee.cpns_tmt_on
    year = int(employee.nip[8:12])
    return dt.date(year, 12, 1) if employee.employment_type == "pppk_paruh_waktu" else dt.date(year, 1, 1)


# Sanctions and cases go to people in service since before the first dated record.
SEASONED = dt.date(2023, 1, 1)


class _IntegrityPlanner:
    def __init__(self, city: DemoCity, as_of: dt.date):
        self.city = city
        self.as_of = as_of
        self.rng = random.Random(f"integrity-{city.seed}")
        self.units = {unit.code: unit for unit in city.units}
        self.by_nip = {employee.nip: employee for employee in city.employees}
        from asn_portal.workdays import national_holidays  # imports the models: keep it local

        years = range(FILING_YEARS[0] - 1, as_of.year + 3)
        self.days_off = national_holidays(years) | {day.date for day in COLLECTIVE_LEAVE}
        self.serial = 0
        self.sanctions: list[SanctionPlan] = []
        self.cases: list[CasePlan] = []
        # Who may carry a sanction or case: active PNS/CPNS without a structural or head post,
        # neither a persona nor in the supervisor persona's team (those are chosen on purpose).
        self.team = [
            e
            for e in city.employees
            if e.supervisor_nip == PERSONA_SUPERVISOR.nip and not e.persona and e.status == "aktif"
        ]
        team_nips = {e.nip for e in self.team}
        # One of the team serves a sanction (a PNS when there is one), another is under
        # examination.
        ranked = sorted(
            self.team, key=lambda e: (e.employment_type not in ("pns", "cpns"), _appointed_on(e) >= SEASONED)
        )
        self.team_sanctioned = ranked[0] if ranked else None
        self.team_examined = ranked[1] if len(ranked) > 1 else None
        self.pool = [
            e
            for e in city.employees
            if e.status == "aktif"
            and e.employment_type in ("pns", "cpns")
            and _appointed_on(e) < SEASONED
            and not e.persona
            and e.nip not in team_nips
            and not (
                e.position_key and (e.position_key[2] in STRUCTURAL_KINDS or e.position_key[1].startswith("Kepala"))
            )
        ]
        self.rng.shuffle(self.pool)

    # Helpers -------------------------------------------------------------------------------

    def _take(self) -> EmployeeSpec | None:
        return self.pool.pop() if self.pool else None

    def _opd_code(self, unit_code: str) -> str:
        while self.units[unit_code].parent_code:
            unit_code = self.units[unit_code].parent_code
        return unit_code

    def _opd_head(self, employee: EmployeeSpec) -> str:
        unit = self.units[self._opd_code(employee.unit_code)]
        titles = {
            "setda": "Sekretaris Daerah Kota Semarang",
            "setwan": "Sekretaris DPRD Kota Semarang",
            "inspektorat": "Inspektur Kota Semarang",
            "satpol": "Kepala Satuan Polisi Pamong Praja Kota Semarang",
            "rsud": f"Direktur {unit.name}",
            "kecamatan": f"Camat {unit.name.removeprefix('Kecamatan ')}",
        }
        return titles.get(unit.kind, f"Kepala {unit.name}")

    def _workday(self, day: dt.date, *, forward: bool = False) -> dt.date:
        """`day`, or the nearest working day before it (after it with `forward`)."""
        step = dt.timedelta(days=1 if forward else -1)
        while day.weekday() >= 5 or day in self.days_off:
            day += step
        return day

    def _add_workdays(self, day: dt.date, count: int) -> dt.date:
        while count > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in self.days_off:
                count -= 1
        return day

    def _between(self, first: dt.date, last: dt.date) -> dt.date:
        return self._workday(first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days))))

    def _decree_number(self, day: dt.date, opd_code: str = "") -> str:
        # Plausible numbering: filing code 800.1.6 (staff discipline), serial, [OPD], year.
        self.serial += 1
        middle = f"/{opd_code}" if opd_code else ""
        return f"800.1.6/{self.serial:04d}{middle}/{day.year}"

    def _sanction(self, employee, type_code, starts_on, violation, *, decree_on=None) -> SanctionPlan:
        decree_on = decree_on or self._workday(starts_on - dt.timedelta(days=self.rng.randint(0, 10)))
        ringan = type_code in RINGAN_TYPES
        opd_code = self._opd_code(employee.unit_code) if ringan else ""
        plan = SanctionPlan(
            nip=employee.nip,
            type_code=type_code,
            decree_number=self._decree_number(decree_on, opd_code),
            decree_on=decree_on,
            issued_by=self._opd_head(employee) if ringan else PPK,
            starts_on=starts_on,
            violation=violation,
        )
        self.sanctions.append(plan)
        return plan

    @staticmethod
    def _absence(type_code: str, rng: random.Random, year: int) -> str:
        low, high = ABSENCE_DAYS[type_code]
        days = rng.randint(low, high)
        return f"Tidak masuk kerja tanpa alasan yang sah secara kumulatif selama {days} hari kerja dalam tahun {year}."

    # Sanctions and cases ----------------------------------------------------------------------

    def plan_sanctions(self) -> None:
        """A few percent of the staff: ringan, sedang and berat, most served by the reference
        date, some in force on it (the first sedang and berat start within the last months),
        one annulled on appeal; cases lead to the sedang/berat ones that came from a complaint."""
        rng = self.rng
        size = len(self.city.employees)
        counts = {
            "ringan": max(3, round(size * 0.02)),
            "sedang": max(3, round(size * 0.01)),
            "berat": max(2, round(size * 0.004)),
        }
        first_day, last_day = dt.date(2023, 2, 1), REFERENCE_DATE - dt.timedelta(days=14)
        for _ in range(counts["ringan"]):
            employee = self._take()
            if employee is None:
                return
            type_code = rng.choice(RINGAN_TYPES)
            starts_on = self._between(first_day, last_day)
            if rng.random() < 0.7:
                violation = self._absence(type_code, rng, starts_on.year - (1 if starts_on.month < 3 else 0))
            else:
                violation = rng.choice(RINGAN_OTHER)
            self._sanction(employee, type_code, starts_on, violation, decree_on=starts_on)
        for level in ("sedang", "berat"):
            types = SEDANG_TYPES if level == "sedang" else BERAT_TYPES
            for index in range(counts[level]):
                employee = self._take()
                if employee is None:
                    return
                if index == 0:  # in force on the reference date
                    type_code = types[-1] if level == "sedang" else rng.choice(types)
                    starts_on = self._between(REFERENCE_DATE - dt.timedelta(days=150), last_day)
                elif index == 1:  # decided in 2024, annulled on appeal (berat) or served
                    type_code = rng.choice(types)
                    starts_on = self._between(dt.date(2024, 2, 1), dt.date(2024, 10, 31))
                else:
                    type_code = rng.choice(types)
                    starts_on = self._between(first_day, last_day)
                from_case = rng.random() < 0.5
                if from_case:
                    category, source, violation, summary = rng.choice(SANCTION_CASES[level])
                else:
                    year = starts_on.year - (1 if starts_on.month < 4 else 0)
                    violation = self._absence(type_code, rng, year)
                sanction = self._sanction(employee, type_code, starts_on, violation)
                if level == "berat" and index == 1:
                    annulled_on = self._workday(sanction.decree_on + dt.timedelta(days=rng.randint(60, 120)))
                    self.sanctions[-1] = sanction = replace(
                        sanction,
                        annulment_decree_number=self._decree_number(annulled_on),
                        annulment_decree_on=annulled_on,
                    )
                if from_case:
                    self._case_leading_to(sanction, category, source, level, summary)

    def _case_leading_to(self, sanction: SanctionPlan, category, source, level, summary) -> None:
        rng = self.rng
        recommended = self._workday(sanction.decree_on - dt.timedelta(days=rng.randint(7, 21)))
        clarified = self._workday(recommended - dt.timedelta(days=rng.randint(10, 30)))
        verified = self._workday(clarified - dt.timedelta(days=rng.randint(7, 20)))
        opened = self._workday(verified - dt.timedelta(days=rng.randint(3, 10)))
        self.cases.append(
            CasePlan(
                nip=sanction.nip,
                category=category,
                source=source,
                alleged_level=level,
                summary=summary,
                opened_on=opened,
                steps=(
                    CaseStep("verifikasi", verified, "Aduan lengkap dan dapat ditindaklanjuti."),
                    CaseStep("klarifikasi", clarified, "Pegawai dimintai keterangan oleh tim pemeriksa."),
                    CaseStep("rekomendasi_sanksi", recommended, f"Tim pemeriksa merekomendasikan hukuman {level}."),
                    CaseStep(
                        "selesai",
                        sanction.decree_on,
                        "Hukuman disiplin ditetapkan.",
                        sanction_decree=sanction.decree_number,
                    ),
                ),
            )
        )

    def plan_current_sanctions(self) -> None:
        """Sanctions in force on `as_of`: 12 months long and started less than a year before.
        The first goes to a member of the supervisor persona's team and, while `as_of` allows,
        started before the reference date (so it is in force on both days)."""
        rng = self.rng
        count = max(2, round(len(self.city.employees) * 0.003))
        for index in range(count):
            employee = self.team_sanctioned if index == 0 else self._take()
            if employee is None:
                return
            type_code = rng.choice(("potong_tukin_25_12_bulan", "penurunan_jabatan_12_bulan"))
            starts_on = self._workday(self.as_of - dt.timedelta(days=rng.randint(20, 300)))
            if index == 0:
                type_code = "potong_tukin_25_12_bulan"
                early = self._workday(REFERENCE_DATE - dt.timedelta(days=14))
                if add_months(early, 12) > self.as_of + dt.timedelta(days=7):
                    starts_on = early
            year = starts_on.year - (1 if starts_on.month < 4 else 0)
            self._sanction(employee, type_code, starts_on, self._absence(type_code, rng, year))

    def plan_cases(self) -> None:
        """Open cases about a sedang/berat allegation (under examination; one in the
        supervisor persona's team), cases closed without a finding, and fresh complaints."""
        rng = self.rng
        size = len(self.city.employees)
        examined = [self.team_examined] + [self._take() for _ in range(max(2, round(size * 0.002)))]
        for index, employee in enumerate(examined):
            if employee is None:
                continue
            category, source, level, summary = EXAMINED_CASES[index % len(EXAMINED_CASES)]
            opened = self._between(REFERENCE_DATE - dt.timedelta(days=100), REFERENCE_DATE - dt.timedelta(days=20))
            steps = [CaseStep("verifikasi", self._add_workdays(opened, rng.randint(3, 6)), "Aduan diverifikasi.")]
            depth = index % 3
            if depth >= 1:
                steps.append(CaseStep("klarifikasi", self._add_workdays(steps[-1].on, 5), "Klarifikasi dijadwalkan."))
            if depth >= 2:
                steps.append(
                    CaseStep(
                        "rekomendasi_sanksi",
                        self._add_workdays(steps[-1].on, 5),
                        "Tim pemeriksa menyusun rekomendasi hukuman.",
                    )
                )
            self.cases.append(CasePlan(employee.nip, category, source, level, summary, opened, tuple(steps)))
        for index in range(max(2, round(size * 0.002))):
            employee = self._take()
            if employee is None:
                break
            category, source, summary, closing = CLOSED_CASES[index % len(CLOSED_CASES)]
            opened = self._between(dt.date(2024, 3, 1), REFERENCE_DATE - dt.timedelta(days=60))
            verified = self._add_workdays(opened, rng.randint(3, 8))
            closed = self._add_workdays(verified, rng.randint(5, 20))
            steps = (CaseStep("verifikasi", verified, "Aduan diverifikasi."), CaseStep("ditutup", closed, closing))
            self.cases.append(CasePlan(employee.nip, category, source, "", summary, opened, steps))
        for index in range(max(1, round(size * 0.001))):
            employee = self._take()
            if employee is None:
                break
            category, source, summary = OPEN_CASES[index % len(OPEN_CASES)]
            opened = self._between(REFERENCE_DATE - dt.timedelta(days=30), REFERENCE_DATE - dt.timedelta(days=5))
            self.cases.append(CasePlan(employee.nip, category, source, "", summary, opened))

    # Wealth reports --------------------------------------------------------------------------

    def plan_designations(self) -> tuple[DesignationPlan, ...]:
        """Treasurers (bendahara) are LHKPN obligees by a PPK decree (DOMAIN.md §9.1)."""
        decree_on = dt.date(2022, 12, 19)
        return tuple(
            DesignationPlan(employee.nip, "100.3.3.2/0512/2022", decree_on, dt.date(2023, 1, 1))
            for employee in self.city.employees
            if employee.position_key and employee.position_key[1] == "Bendahara" and employee.status in IN_SERVICE
        )

    def plan_filings(self) -> tuple[FilingPlan, ...]:
        """A row per employee in service and reporting year from their appointment on (what
        the integrity app's `open_filing_year` creates). About 83% on time (by 31 March,
        most in the last weeks), 10% late, 7% missing; the Inspektorat verifies most of them
        (weekly, on Fridays).
        The pegawai persona has not yet filed for 2025, so "Integritas saya" shows a filing
        due; the other personas filed on time. Hand-ins after `as_of` are left out."""
        rng = self.rng
        rows = []
        for year in FILING_YEARS:
            due = dt.date(year + 1, 3, 31)  # DOMAIN.md §9.1
            for employee in self.city.employees:
                if employee.status not in IN_SERVICE or _appointed_on(employee).year > year:
                    continue
                roll = rng.random()
                before, after, verify, verify_days = (
                    int(rng.triangular(0, 88, 5)),
                    int(rng.triangular(1, 180, 20)),
                    rng.random(),
                    rng.randint(14, 120),
                )
                if employee.persona:
                    roll = 0.99 if employee.persona == PERSONA_EMPLOYEE.role and year == FILING_YEARS[-1] else 0.0
                if roll < 0.83:
                    submitted = due - dt.timedelta(days=before)
                elif roll < 0.93:
                    submitted = due + dt.timedelta(days=after)
                else:
                    submitted = None
                if submitted is not None and submitted > self.as_of:
                    submitted = None
                verified = None
                if submitted is not None and verify < 0.7:
                    # The Inspektorat verifies in weekly batches, on Fridays.
                    verified = submitted + dt.timedelta(days=verify_days)
                    verified += dt.timedelta(days=(4 - verified.weekday()) % 7)
                    verified = verified if verified <= self.as_of else None
                rows.append(FilingPlan(employee.nip, year, submitted, verified))
        return tuple(rows)

    # Drug test -----------------------------------------------------------------------------

    def plan_drug_test(self) -> DrugTestPlan:
        """A BNNK surprise urine test (Inpres 2/2020, DOMAIN.md §9.3) in at least three OPDs
        and about 3% of the staff: mostly negative, a few absent, one or two positive (each
        positive opens a case; the Inspektorat then examines it as a berat allegation)."""
        rng = self.rng
        target = max(10, round(len(self.city.employees) * 0.03))
        by_opd: dict[str, list[EmployeeSpec]] = {}
        held_on = dt.date(2025, 10, 21)
        for employee in self.city.employees:
            if employee.status == "aktif" and _appointed_on(employee) <= held_on:
                by_opd.setdefault(self._opd_code(employee.unit_code), []).append(employee)
        order = [code for code in DRUG_TEST_OPDS if by_opd.get(code)]
        order += sorted((code for code in by_opd if code not in order), key=lambda code: (-len(by_opd[code]), code))
        chosen: list[str] = []
        tested: list[EmployeeSpec] = []
        for code in order:
            if len(chosen) >= 3 and len(tested) >= target:
                break
            chosen.append(code)
            tested += by_opd[code]
        excluded = {e.nip for e in self.team} | {p.nip for p in PERSONAS}
        taken = {s.nip for s in self.sanctions} | {c.nip for c in self.cases}
        candidates = [
            e for e in tested if e.nip not in excluded and e.nip not in taken and e.employment_type in ("pns", "cpns")
        ]
        positives = {e.nip for e in rng.sample(candidates, min(len(candidates), 1 if len(tested) < 150 else 2))}
        others = [e for e in tested if e.nip not in positives]
        absent = {e.nip for e in rng.sample(others, min(len(others), max(1, round(len(tested) * 0.05))))}
        results = []
        for employee in tested:
            if employee.nip in positives:
                verified = self._add_workdays(held_on, rng.randint(3, 6))
                steps = (
                    CaseStep(
                        "verifikasi",
                        verified,
                        "Hasil uji konfirmasi laboratorium positif; asesmen terpadu oleh BNNK dijadwalkan.",
                        alleged_level="berat",
                    ),
                )
                results.append(
                    DrugTestResultPlan(employee.nip, "positif", "asesmen", "Dirujuk ke BNNK untuk asesmen.", steps)
                )
            elif employee.nip in absent:
                note = rng.choice(("Sedang cuti tahunan.", "Sedang dinas luar.", "Sakit (surat dokter)."))
                results.append(DrugTestResultPlan(employee.nip, "tidak_hadir", "", f"{note} Tes susulan dijadwalkan."))
            else:
                results.append(DrugTestResultPlan(employee.nip, "negatif"))
        names = ", ".join(self.units[code].name for code in chosen)
        notes = f"Tes urine mendadak bersama Dinas Kesehatan dan BKPP (Inpres 2/2020, RAN P4GN) di {names}."
        return DrugTestPlan(held_on, ORGANISER_DRUG_TEST, tuple(chosen), notes, tuple(results))

    # Gratification ----------------------------------------------------------------------------

    def _gifts_for(self, employee: EmployeeSpec):
        unit = self.units[employee.unit_code]
        opd = self._opd_code(employee.unit_code)
        if unit.kind == "sekolah":
            return GIFTS["sekolah"]
        if unit.kind == "puskesmas" or opd in ("DINKES", "RSUD-KRMTW"):
            return GIFTS["health"]
        return GIFTS["service"]

    def _report(self, employee, gift, received, delay, steps_wanted, serial) -> GratificationPlan:
        rng = self.rng
        giver, what, low, high, relation, decision = gift
        value = low if low == high else rng.randrange(low, high + 1, 50_000)
        reported = self._add_workdays(received, delay)
        is_late = reported > self._add_workdays(received, 10)  # DOMAIN.md §9.2: 10 working days
        steps = []
        day = reported
        for status in steps_wanted:
            day = self._add_workdays(day, rng.randint(1, 3) if status == "diverifikasi" else rng.randint(3, 8))
            if status == "ditetapkan" and steps and steps[-1].status == "diteruskan":
                day = self._add_workdays(day, rng.randint(15, 40))  # the KPK decides
            if day > self.as_of:
                break
            if status == "diverifikasi":
                steps.append(GratificationStep(status, day, "Laporan lengkap; diverifikasi UPG."))
            elif status == "diteruskan":
                reference = f"GRAT-{day.year}-{serial:05d}"
                steps.append(GratificationStep(status, day, "Diteruskan ke KPK melalui GOL.", kpk_reference=reference))
            else:
                note = "Ditetapkan KPK." if steps and steps[-1].status == "diteruskan" else "Ditetapkan UPG."
                steps.append(GratificationStep(status, day, note, decision=decision))
        return GratificationPlan(employee.nip, received, giver, what, value, relation, reported, is_late, tuple(steps))

    def plan_gratifications(self) -> tuple[GratificationPlan, ...]:
        """Gifts reported to the UPG: most within 10 working days, two late; older reports
        decided (by the UPG or, forwarded, by the KPK), the newest (one by the pegawai
        persona) still being handled."""
        rng = self.rng
        count = max(6, round(len(self.city.employees) * 0.004))
        excluded = {e.nip for e in self.team} | {p.nip for p in PERSONAS}
        reporters = [
            e
            for e in self.city.employees
            if e.status == "aktif" and e.nip not in excluded and _appointed_on(e) < dt.date(2025, 1, 1)
        ]
        chosen = rng.sample(reporters, min(len(reporters), count - 1))
        paths = (
            ("diverifikasi", "diteruskan", "ditetapkan"),
            ("diverifikasi", "ditetapkan"),
            ("diverifikasi", "diteruskan"),
            ("diverifikasi",),
        )
        reports = []
        older = chosen[:-1]
        for index, employee in enumerate(older):
            received = self._between(dt.date(2025, 2, 3), dt.date(2025, 11, 14))
            delay = rng.randint(12, 20) if index < 2 else rng.randint(1, 10)
            gift = rng.choice(self._gifts_for(employee))
            reports.append(self._report(employee, gift, received, delay, paths[index % len(paths)], index + 1))
        # The newest: received a couple of weeks before `as_of`.
        persona = self.by_nip.get(PERSONA_EMPLOYEE.nip)
        for offset, employee, gift, steps in (
            (24, chosen[-1] if chosen else None, None, ()),
            (18, persona, PERSONA_GIFT, ("diverifikasi",)),
        ):
            if employee is None:
                continue
            received = self._workday(self.as_of - dt.timedelta(days=offset))
            gift = gift or rng.choice(self._gifts_for(employee))
            reports.append(self._report(employee, gift, received, rng.randint(2, 5), steps, len(reports) + 1))
        return tuple(reports)

    # Pacts ---------------------------------------------------------------------------------

    def plan_pacts(self) -> tuple[PactPlan, ...]:
        """Every structural official signed the annual pakta integritas (PermenPANRB 49/2011,
        DOMAIN.md §9.5) in January 2025, on a day chosen by their OPD."""
        days: dict[str, dt.date] = {}
        pacts = []
        for employee in self.city.employees:
            if employee.status != "aktif" or not employee.position_key:
                continue
            if employee.position_key[2] not in STRUCTURAL_KINDS:
                continue
            opd = self._opd_code(employee.unit_code)
            if opd not in days:
                days[opd] = self._between(dt.date(2025, 1, 6), dt.date(2025, 1, 31))
            pacts.append(PactPlan(employee.nip, "tahunan", days[opd]))
        return tuple(pacts)

    def build(self) -> IntegrityPlan:
        self.plan_sanctions()
        self.plan_current_sanctions()
        self.plan_cases()
        designations = self.plan_designations()
        filings = self.plan_filings()
        drug_test = self.plan_drug_test()
        gratifications = self.plan_gratifications()
        pacts = self.plan_pacts()
        return IntegrityPlan(
            as_of=self.as_of,
            sanctions=tuple(self.sanctions),
            cases=tuple(self.cases),
            designations=designations,
            filing_years=FILING_YEARS,
            filings=filings,
            drug_test=drug_test,
            gratifications=gratifications,
            pacts=pacts,
        )
