"""The career records of the demo city (issue 5, part 8).

`python manage.py seed_demo` calls `seed(city, today=..., log=...)` of every installed app
that has a `demo` module (the core never imports this app); this is the careers app's. Like
the training demo it has two halves:

- `build_careers(city, as_of=..., ...)` plans everything as plain data: a pure function of the
  city (its seed), the day of seeding and what the writer read from the database (the
  reference rows, the structural officials' `position_since_on` the training demo wrote, the
  integrity demo's sanctions and `integrity.services`' standing on the coming periods). The
  same inputs always give the same plan.
- `seed` writes the plan with multi-row INSERTs (`training.demo.insert_rows`): the history
  services (`careers.history`) lock and check one row at a time, which for 15,000 employees
  would take minutes. The plan keeps the rules those services check (`check_rank_entry`:
  order, period dates, CPNS first, never down) and the current state they keep in step
  (`Employee.education` = the highest diploma, `position_since_on` = the latest post's TMT);
  tests/careers/test_seed_careers.py re-checks them on the written rows.

What the employees get (DOMAIN.md):

- Rank history (PNS and CPNS; PPPK hold no pangkat, §2.1). The first row is the appointment as
  CPNS on TMT CPNS, which is the month in the NIP (§1.1), in the starting rank of the diploma
  used at appointment (§2.2); the appointment as PNS follows 12 to 18 months later (same
  rank; `careers.history.current_rank` does not restart the time in rank on it); then one
  row per promotion, on the period dates of the regime in force on each (§3.2: April and
  October, every other month from 1 June 2023, every month from 1 October 2025), evenly
  spaced (about 2.5 to 5 years apart), never going down, up to the rank and rank TMT the
  city generator gave the employee: the last row is exactly `Employee.rank` and
  `Employee.rank_tmt_on`, except for a PNS never promoted, whose history ends on the PNS row
  and whose rank TMT is the CPNS row's. A generator TMT that is no period date of its regime
  is kept (the generator snaps 2023 to even months from February, before the six-a-year
  regime began on 1 June 2023; about 1.5 % of the last rows): it is the truth the city was
  generated with. The kind of a promotion follows the post held the day before: reguler for
  a pelaksana, pilihan fungsional in a JF post, pilihan struktural in a structural post;
  penyesuaian ijazah where a diploma earned in service raised the rank (§3.1). Masa kerja
  golongan counts from TMT CPNS, less 6 years on moving from golongan I to II and 5 from II
  to III (PP 7/1977 on civil servants' pay; general knowledge, not in DOMAIN.md). Decree
  numbers are plausible filler.
- Position history: the post at appointment, the JF level for each rank range (§4.2), for
  officials a post one tier lower before the current one (ranks above the diploma's ceiling
  fall in structural posts, §2.3), a mutation for some pelaksana, and the current post,
  linked to the catalogue, from `position_since_on` where the training demo set it. Everyone
  else's `position_since_on` becomes the latest post's TMT, as `record_position` sets it.
- Education: the school diploma and the degrees up to `Employee.education`, majors matching
  the academic titles; most before appointment, some earned in service (izin belajar with a
  UKPPI, or tugas belajar) and followed by a penyesuaian ijazah row. About 0.8 % of the
  employees (at least six) earned a higher diploma after their last promotion and await its
  penyesuaian ijazah: their `Employee.education` is raised to it (as `record_education`
  keeps it, and as `careers.eligibility` reads a candidate), so their rank lies below its
  starting rank until the promotion. Some passed UKPPI, one studied on tugas belajar (no
  UKPPI needed), one has not passed it yet, one has an SKP below Baik; at least one
  completes the year in rank within the coming periods.
- SKP (§5): an annual predikat for the five years up to the year before the last of the three
  coming periods (seeding in November includes the current year, whose rating the January
  and February periods read), never before the year of appointment; mostly Baik, some
  Sangat Baik, a few Butuh Perbaikan, Kurang or missing; the year a sanction started is
  rated lower (sedang or berat: below Baik).
- Ujian dinas (§3.3): UD1 before every II/d -> III/a crossing of a pelaksana or official
  without an S1/D4, UD2 before most III/d -> IV/a crossings of officials without a
  master's or profession (the others took PKA); half of the pelaksana waiting at II/d and of
  the officials at III/d already passed the one they need next.
- PAK (§4) for PNS in a JF post, as `careers.credits` reads them: the integration PAK of 31
  December 2022 (a level entered earlier: its years converted at 100 %, plus for a few a
  surplus the integration brought from the old system) and one on 31 December of each year
  since; each total is the cumulative AK in the current level, `coefficient x predikat
  percent x months / 12`, counted from the first month on or after the level's TMT.
- Satyalancana Karya Satya X, XX and XXX for 10, 20 and 30 years of service (most of those who
  reached them, on 17 August of that year or one or two later; none with a sedang or berat
  sanction in those years), the city's awards of the year (ASN, teachers, health workers) on
  its anniversary, and innovations (the seed article credits the city's many awards to its
  employees' innovation; titles and recognitions are plausible filler), some recognised with
  an award.

The promotion outlook. For each of the next three periods after `as_of`, every kind the
engine decides (reguler, pilihan struktural, pilihan fungsional, penyesuaian ijazah) has
employees who meet every criterion and employees who miss one (time in rank, SKP, the
diploma's or the post's ceiling, angka kredit, ujian dinas, UKPPI, retirement age, integrity).
`_outlook` reads the criteria as `careers.eligibility` does (leaving out leadership training
as an exemption from ujian dinas); where chance left a kind and period with fewer than two of
either, the plan fixes a few employees (their SKP, an exam, the AK surplus) or breaks a few
(an SKP year below Baik, or missing). `CareerPlan.outlook` counts them, and the seed prints
the counts. Time in rank only comes from the generator's rank TMTs (never changed here), so
how many complete it exactly within the coming periods depends on the day of seeding.

The personas (asn_portal.demo.PERSONAS) have written histories, each with a clear outlook:
- Pegawai (Dewi Anggraini, S.K.M., Epidemiolog Kesehatan Ahli Pertama, III/b since 1 April
  2024): time in rank (two years), SKP 2024 and 2025 Sangat Baik, 2026 Baik and her AK (PAK of
  31 December 2025: 102, above the 50 of the next rank and the 100 of the next level) are
  all met, but III/c lies above the ranks of Ahli Pertama: her outlook shows the move to
  Ahli Muda as what she needs next. She also led a recognised innovation.
- Atasan (dr. Hendra Wijayanto, M.Kes., Kepala Bidang P2P, IV/a since 1 October 2021): a
  doctor appointed in III/b with his profession, promoted as Dokter up to Ahli Madya, his
  M.Kes. on tugas belajar; not eligible for pilihan struktural: IV/a is the highest rank of
  his post (eselon III.b). Satyalancana Karya Satya X and XX.
- Operator (Rina Wulandari, S.Sos., Analis Kepegawaian, III/d since 1 April 2023): three
  regular promotions on April periods; not eligible for reguler: III/d is the ceiling of her
  S1 (and IV/a would need Ujian Dinas II and, until April 2027, more time in rank).

Promotion proposals (`PromotionProposal`): at the end, `_Proposals` runs the workflow's own
services (`careers.proposals`), so the snapshots, events, rules and notifications are genuine.
Employees the engine finds eligible (`careers.eligibility.eligible`, one query per period),
first those of the operator persona's OPD (the atasan persona's staff before the others), then
the rest of the city in NIP order, get proposals for the period whose window is open on the
day of seeding (or the next period): a few waiting for the supervisor (one of the atasan
persona's staff when any is eligible), returned by the supervisor, approved by the
supervisor, verified and submitted to BKN by BKPP. For the last period before the day of
seeding, a few were granted (a decree with TMT on that period, written to the rank history as
`record_decree` does) and one rejected. The OPD's operator proposes (the operator persona in
her OPD, Admin BKPP elsewhere), the employee's supervisor decides, Admin BKPP does the rest.

Idempotent: when a rank row of a persona exists, nothing is written (no proposals either); when the database holds
another demo city (other seed or size), nothing is written either.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import gc
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from asn_portal import demo as city_demo
from asn_portal.models import EducationLevel, Employee, OrgUnit, Position
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    CreditCoefficient,
    CreditRequirement,
    DocumentKind,
    EducationHistory,
    ExamKind,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    Predikat,
    PredikatRate,
    PromotionKind,
    PromotionRegime,
    PromotionRule,
    RankEntryKind,
    RankHistory,
    StudyPath,
)
from training.demo import insert_rows

CHUNK = 500
COMING_PERIODS = 3
SKP_YEARS = 5
MIN_SHOWCASE = 2  # eligible and not-eligible employees per kind and coming period, at least
PENDING_SHARE = 0.008  # employees awaiting a penyesuaian ijazah
MIN_PENDING = 6
INNOVATIONS_PER_EMPLOYEE = 1 / 250
MIN_INNOVATIONS = 6

STRUCTURAL = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
FUNCTIONAL = ("fungsional_keahlian", "fungsional_keterampilan")
ENGINE_KINDS = tuple(kind.value for kind in PromotionKind.decided_by_engine())
REGULER, STRUKTURAL, FUNGSIONAL, IJAZAH = ENGINE_KINDS
GOOD = tuple(p.value for p in Predikat.at_least_baik())
BLOCKING_LEVELS = ("sedang", "berat")  # DOMAIN.md §8.3
INTEGRATION_DAY = dt.date(2022, 12, 31)  # AK integrated into the system of PermenPANRB 1/2023 (DOMAIN.md §4)
AK_PLACES = Decimal("0.001")
PROMOTABLE = ("aktif", "tugas_belajar")  # DOMAIN.md §3.1, §7.3
NEW_AK_SYSTEM_YEAR = 2023

II_D, III_A, III_D = 8, 9, 12
CPNS, PNS = RankEntryKind.CPNS.value, RankEntryKind.PNS.value
UD1, UD2, UKPPI = ExamKind.UD1.value, ExamKind.UD2.value, ExamKind.UKPPI.value
TUGAS_BELAJAR, IZIN_BELAJAR = StudyPath.TUGAS_BELAJAR.value, StudyPath.IZIN_BELAJAR.value
OTHER_AWARD = AwardKind.OTHER.value
# GolonganCrossing (careers/migrations/0002): from rank -> (exam, exempt from this education on)
CROSSINGS = {II_D: (UD1, "D4"), III_D: (UD2, "PROFESI")}
# Masa kerja golongan lost on moving up a golongan (PP 7/1977): I -> II 6 years, II -> III 5.
GOLONGAN_CUT_MONTHS = {(1, 2): 72, (2, 3): 60}

# --- Reference values mirrored from careers/migrations/0002 (the writer passes the database's
# own rows instead, so an edited rule is honoured).

REGIMES = (
    (dt.date(2000, 1, 1), (4, 10)),
    (dt.date(2023, 6, 1), (2, 4, 6, 8, 10, 12)),
    (dt.date(2025, 10, 1), tuple(range(1, 13))),
)
COEFFICIENTS = {
    "pemula": Decimal("3.75"),
    "terampil": Decimal("5"),
    "mahir": Decimal("12.5"),
    "penyelia": Decimal("25"),
    "ahli_pertama": Decimal("12.5"),
    "ahli_muda": Decimal("25"),
    "ahli_madya": Decimal("37.5"),
    "ahli_utama": Decimal("50"),
}
RATES = {"sangat_baik": 150, "baik": 100, "butuh_perbaikan": 75, "kurang": 50, "sangat_kurang": 25}
_REQUIREMENTS = [
    ("pemula", [5], 15, 15),
    ("terampil", [6, 7, 8], 20, 60),
    ("mahir", [9, 10], 50, 100),
    ("penyelia", [11], 100, None),
    ("penyelia", [12], None, None),
    ("ahli_pertama", [9, 10], 50, 100),
    ("ahli_muda", [11, 12], 100, 200),
    ("ahli_madya", [13, 14, 15], 150, 450),
    ("ahli_utama", [16], 200, None),
    ("ahli_utama", [17], None, None),
]
REQUIREMENTS = {
    (jenjang, rank): (
        Decimal(for_rank) if for_rank is not None else None,
        Decimal(for_jenjang) if for_jenjang is not None else None,
    )
    for jenjang, ranks, for_rank, for_jenjang in _REQUIREMENTS
    for rank in ranks
}
# kind -> (years in rank, SKP years, one below the post: years in rank, years in post)
RULES = {
    REGULER: (4, 2, None, None),
    STRUKTURAL: (4, 2, 1, 1),
    FUNGSIONAL: (2, 2, None, None),
    IJAZAH: (1, 1, None, None),
}


@dataclass(frozen=True)
class Reference:
    education: Mapping[str, city_demo.EducationRule]
    regimes: tuple[tuple[dt.date, tuple[int, ...]], ...]
    coefficients: Mapping[str, Decimal]
    rates: Mapping[str, int]
    requirements: Mapping[tuple[str, int], tuple[Decimal | None, Decimal | None]]
    rules: Mapping[str, tuple[int, int, int | None, int | None]]


DEFAULT_REFERENCE = Reference(city_demo.DEFAULT_EDUCATION, REGIMES, COEFFICIENTS, RATES, REQUIREMENTS, RULES)


def reference_from_db() -> Reference:
    """The reference rows as the planner reads them (a handful of small queries)."""
    education = {
        level.code: city_demo.EducationRule(
            level.code, level.order, level.starting_rank_id, level.regular_promotion_ceiling_id
        )
        for level in EducationLevel.objects.all()
    }
    regimes = tuple(
        (regime.valid_from, tuple(int(month) for month in regime.months))
        for regime in PromotionRegime.objects.order_by("valid_from")
    )
    coefficients: dict[str, Decimal] = {}
    for row in CreditCoefficient.objects.order_by("valid_from"):  # the latest wins
        coefficients[row.jenjang] = row.coefficient
    rates = dict(PredikatRate.objects.values_list("predikat", "percent"))
    requirements = {
        (row.jenjang, row.rank_id): (row.for_rank, row.for_jenjang) for row in CreditRequirement.objects.all()
    }
    rules = dict(RULES)
    for rule in PromotionRule.objects.order_by("valid_from"):
        rules[rule.kind] = (
            rule.years_in_rank,
            rule.skp_years,
            rule.one_below_years_in_rank,
            rule.one_below_years_in_post,
        )
    return Reference(
        education or city_demo.DEFAULT_EDUCATION,
        regimes or REGIMES,
        coefficients or COEFFICIENTS,
        rates or RATES,
        requirements or REQUIREMENTS,
        rules,
    )


# --- Plain data of the plan -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankRow:
    nip: str
    rank: int
    tmt_on: dt.date
    kind: str
    decree_number: str
    decree_on: dt.date
    service_years: int
    service_months: int


@dataclass(frozen=True, slots=True)
class PositionRow:
    nip: str
    position_key: tuple[str, str, str, str] | None
    name: str
    kind: str
    jenjang: str
    unit_code: str
    tmt_on: dt.date
    decree_number: str


@dataclass(frozen=True, slots=True)
class DiplomaRow:
    nip: str
    level: str
    major: str
    institution: str
    graduated_on: dt.date
    diploma_number: str
    path: str


@dataclass(frozen=True, slots=True)
class RatingRow:
    nip: str
    year: int
    predikat: str


@dataclass(frozen=True, slots=True)
class ExamRow:
    nip: str
    kind: str
    passed_on: dt.date


@dataclass(frozen=True, slots=True)
class CreditRow:
    nip: str
    assessed_on: dt.date
    jenjang: str
    total: Decimal


@dataclass(frozen=True, slots=True)
class AwardRow:
    nip: str
    kind: str
    name: str
    awarded_on: dt.date
    issuer: str
    decree_number: str


@dataclass(frozen=True, slots=True)
class InnovationRow:
    nip: str
    title: str
    year: int
    unit_code: str
    description: str
    recognition: str


@dataclass(frozen=True, slots=True)
class OutlookCount:
    """How many employees the plan's simple reading finds for a kind and period: eligible,
    not eligible (a candidate missing a criterion) and, of all, those whose time in rank
    completes in the coming periods (not met on `as_of`, met on this period)."""

    kind: str
    period: dt.date
    eligible: int
    not_eligible: int
    completing: int


@dataclass(frozen=True)
class CareerPlan:
    as_of: dt.date
    periods: tuple[dt.date, ...]
    ranks: tuple[RankRow, ...]
    positions: tuple[PositionRow, ...]
    diplomas: tuple[DiplomaRow, ...]
    ratings: tuple[RatingRow, ...]
    exams: tuple[ExamRow, ...]
    credits: tuple[CreditRow, ...]
    awards: tuple[AwardRow, ...]
    innovations: tuple[InnovationRow, ...]
    outlook: tuple[OutlookCount, ...]
    pending_ijazah: tuple[tuple[str, str], ...]  # (NIP, level) of diplomas awaiting penyesuaian ijazah


# --- Dates ----------------------------------------------------------------------------------


def _index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Periods:
    """Promotion dates (DOMAIN.md §3.2) under `regimes` ((valid from, months) oldest first).
    Before the first regime its months apply (April and October were the practice before
    PP 99/2000 too)."""

    def __init__(self, regimes):
        self.regimes = tuple(sorted(regimes))
        self._ok: dict[int, bool] = {}

    def _is(self, index: int) -> bool:
        known = self._ok.get(index)
        if known is None:
            day = _month(index)
            months = self.regimes[0][1]
            for valid_from, regime_months in self.regimes:
                if valid_from > day:
                    break
                months = regime_months
            known = self._ok[index] = day.month in months
        return known

    def is_period(self, day: dt.date) -> bool:
        return day.day == 1 and self._is(_index(day))

    def on_or_after(self, day: dt.date) -> dt.date:
        index = _index(day) + (0 if day.day == 1 else 1)
        while not self._is(index):
            index += 1
        return _month(index)

    def on_or_before(self, day: dt.date) -> dt.date:
        index = _index(day)
        while not self._is(index):
            index -= 1
        return _month(index)

    def following(self, day: dt.date, count: int) -> tuple[dt.date, ...]:
        found: list[dt.date] = []
        while len(found) < count:
            day = self.on_or_after(day + dt.timedelta(days=1))
            found.append(day)
        return tuple(found)


# --- Names, majors, schools -------------------------------------------------------------------

MAJOR_BY_TITLE = {
    "S.Sos.": ("Ilmu Administrasi Negara", "Sosiologi", "Ilmu Kesejahteraan Sosial"),
    "S.E.": ("Manajemen", "Akuntansi", "Ilmu Ekonomi"),
    "S.H.": ("Ilmu Hukum",),
    "S.IP.": ("Ilmu Pemerintahan", "Ilmu Perpustakaan"),
    "S.A.P.": ("Administrasi Publik",),
    "S.Kom.": ("Teknik Informatika", "Sistem Informasi"),
    "S.K.M.": ("Kesehatan Masyarakat",),
    "S.Kep., Ns.": ("Ilmu Keperawatan",),
    "S.Keb., Bd.": ("Kebidanan",),
    "S.Farm.": ("Farmasi",),
    "S.Gz.": ("Ilmu Gizi",),
    "S.Si.": ("Biologi", "Kimia", "Statistika"),
    "S.Pd.": (
        "Pendidikan Guru Sekolah Dasar",
        "Pendidikan Matematika",
        "Pendidikan Bahasa Indonesia",
        "Pendidikan Bahasa Inggris",
        "Pendidikan Jasmani",
    ),
    "S.Ak.": ("Akuntansi",),
    "S.T.": ("Teknik Sipil", "Teknik Elektro", "Perencanaan Wilayah dan Kota", "Arsitektur"),
    "S.P.": ("Agroteknologi", "Agribisnis"),
    "S.Pt.": ("Peternakan",),
    "S.Pi.": ("Budidaya Perairan",),
    "S.Psi.": ("Psikologi",),
    "S.I.Kom.": ("Ilmu Komunikasi",),
    "S.Stat.": ("Statistika",),
    "S.Hum.": ("Ilmu Perpustakaan",),
    "S.Tr.Keb.": ("Kebidanan (Sarjana Terapan)",),
    "S.Tr.Kep.": ("Keperawatan (Sarjana Terapan)",),
    "S.Tr.Kes.": ("Kesehatan Lingkungan (Sarjana Terapan)",),
    "S.ST.": ("Sarjana Sains Terapan",),
    "M.Si.": ("Magister Ilmu Administrasi", "Magister Ilmu Lingkungan"),
    "M.M.": ("Magister Manajemen",),
    "M.A.P.": ("Magister Administrasi Publik",),
    "M.Kes.": ("Magister Ilmu Kesehatan Masyarakat", "Magister Epidemiologi"),
    "M.K.M.": ("Magister Kesehatan Masyarakat",),
    "M.Kep.": ("Magister Keperawatan",),
    "M.Pd.": ("Magister Manajemen Pendidikan", "Magister Pendidikan Dasar"),
    "M.Ak.": ("Magister Akuntansi",),
    "M.H.": ("Magister Ilmu Hukum",),
    "M.T.": ("Magister Teknik Sipil", "Magister Perencanaan Wilayah dan Kota"),
    "M.Kom.": ("Magister Sistem Informasi",),
    "M.P.": ("Magister Agronomi",),
    "M.Psi.": ("Magister Psikologi Profesi",),
    "A.Md.": ("Administrasi Perkantoran", "Manajemen Informatika", "Akuntansi"),
    "A.Md.Kep.": ("Keperawatan",),
    "A.Md.Keb.": ("Kebidanan",),
    "A.Md.Kes.": ("Rekam Medis dan Informasi Kesehatan",),
    "A.Md.K.L.": ("Sanitasi",),
    "A.Md.Gz.": ("Gizi",),
    "A.Md.A.K.": ("Analis Kesehatan",),
    "A.Md.Farm.": ("Farmasi",),
    "A.Md.Kom.": ("Manajemen Informatika",),
    "A.Md.Ak.": ("Akuntansi",),
    "A.Md.T.": ("Teknik Sipil",),
}
SPECIALIST_MAJORS = {
    "Sp.PD.": "Ilmu Penyakit Dalam",
    "Sp.A.": "Ilmu Kesehatan Anak",
    "Sp.OG.": "Obstetri dan Ginekologi",
    "Sp.B.": "Ilmu Bedah",
    "Sp.An.": "Anestesiologi dan Terapi Intensif",
    "Sp.Rad.": "Radiologi",
    "Sp.N.": "Neurologi",
    "Sp.JP.": "Kardiologi dan Kedokteran Vaskular",
}
GENERIC_MAJORS = {
    "SD": ("",),
    "SLTP": ("",),
    "SLTP_KEJURUAN": ("Teknik Otomotif",),
    "SLTA": ("IPA", "IPS"),
    "SLTA_KEJURUAN": ("Akuntansi", "Administrasi Perkantoran", "Teknik Kendaraan Ringan", "Teknik Listrik"),
    "D1": ("Komputer Akuntansi",),
    "D2": ("Pendidikan Guru Sekolah Dasar",),
    "SGPLB": ("Pendidikan Luar Biasa",),
    "D3": ("Administrasi Perkantoran", "Manajemen Informatika", "Akuntansi"),
    "D4": ("Sarjana Sains Terapan",),
    "S1": ("Administrasi Publik", "Manajemen", "Ilmu Hukum", "Ilmu Pemerintahan"),
    "PROFESI": ("Profesi Dokter",),
    "S2": ("Magister Administrasi Publik", "Magister Manajemen"),
    "S3": ("Doktor Ilmu Administrasi Publik", "Doktor Ilmu Lingkungan"),
}
HEALTH_TITLES = ("S.K.M.", "S.Kep.", "S.Keb.", "S.Farm.", "S.Gz.", "A.Md.K", "A.Md.Gz", "A.Md.A", "A.Md.F", "S.Tr.")
SCHOOLS = tuple(f"SMA Negeri {n} Semarang" for n in range(1, 17)) + (
    "SMA Negeri 1 Ungaran",
    "SMA Negeri 1 Kendal",
    "SMA Negeri 1 Demak",
    "SMA Negeri 1 Salatiga",
    "SMA Kolese Loyola Semarang",
    "SMA Islam Sultan Agung 1 Semarang",
)
VOCATIONAL = tuple(f"SMK Negeri {n} Semarang" for n in range(1, 12))
JUNIOR = tuple(f"SMP Negeri {n} Semarang" for n in range(1, 44))
INSTITUTIONS = {
    "D3": ("Politeknik Negeri Semarang", "Universitas Diponegoro", "Universitas Dian Nuswantoro"),
    "D3_HEALTH": ("Poltekkes Kemenkes Semarang", "Universitas Muhammadiyah Semarang"),
    "D1": ("Politeknik Negeri Semarang",),
    "D2": ("Universitas Negeri Semarang",),
    "SGPLB": ("Universitas Negeri Semarang",),
    "D4": ("Poltekkes Kemenkes Semarang", "Politeknik Negeri Semarang"),
    "S1": (
        "Universitas Diponegoro",
        "Universitas Negeri Semarang",
        "UIN Walisongo Semarang",
        "Universitas Dian Nuswantoro",
        "Universitas Islam Sultan Agung",
        "Universitas Katolik Soegijapranata",
        "Universitas 17 Agustus 1945 Semarang",
        "Universitas Semarang",
        "Universitas Muhammadiyah Semarang",
        "Universitas PGRI Semarang",
        "Universitas Gadjah Mada",
        "Universitas Sebelas Maret",
    ),
    "S1_EDUCATION": ("Universitas Negeri Semarang", "Universitas PGRI Semarang", "Universitas Terbuka"),
    "S1_HEALTH": ("Universitas Diponegoro", "Universitas Muhammadiyah Semarang", "Universitas Islam Sultan Agung"),
    "S1_IN_SERVICE": (
        "Universitas Terbuka",
        "Universitas 17 Agustus 1945 Semarang",
        "Universitas Semarang",
        "Universitas Dian Nuswantoro",
    ),
    "PROFESI": ("Universitas Diponegoro", "Universitas Islam Sultan Agung"),
    "S2": (
        "Universitas Diponegoro",
        "Universitas Gadjah Mada",
        "Universitas Negeri Semarang",
        "Universitas Sebelas Maret",
        "Universitas 17 Agustus 1945 Semarang",
    ),
    "S3": ("Universitas Diponegoro", "Universitas Gadjah Mada", "Universitas Negeri Semarang"),
}
# Natural age at graduation by level; a diploma earned later than this was earned in service.
GRADUATION_AGE = {
    "SD": 12,
    "SLTP": 15,
    "SLTP_KEJURUAN": 15,
    "SLTA": 18,
    "SLTA_KEJURUAN": 18,
    "D1": 19,
    "D2": 20,
    "SGPLB": 20,
    "D3": 21,
    "D4": 22,
    "S1": 22,
    "PROFESI": 24,
    "S2": 26,
    "S3": 31,
}
# Diplomas below the highest one that a career record lists (the school diploma and the
# degrees on the way); the profession of a doctor or pharmacist follows an S1.
CHAIN = {
    "SD": ("SD",),
    "SLTP": ("SLTP",),
    "SLTP_KEJURUAN": ("SLTP_KEJURUAN",),
    "SLTA": ("SLTA",),
    "SLTA_KEJURUAN": ("SLTA_KEJURUAN",),
    "D1": ("SLTA", "D1"),
    "D2": ("SLTA", "D2"),
    "SGPLB": ("SLTA", "SGPLB"),
    "D3": ("SLTA", "D3"),
    "D4": ("SLTA", "D4"),
    "S1": ("SLTA", "S1"),
    "PROFESI": ("SLTA", "S1", "PROFESI"),
    "S2": ("SLTA", "S1", "S2"),
    "S3": ("SLTA", "S1", "S2", "S3"),
}
# Diploma used at appointment when the highest one was earned in service: (highest, lower,
# share of those who could).
IN_SERVICE = {"S2": ("S1", 0.45), "S1": ("D3", 0.12), "D4": ("D3", 0.12), "D3": ("SLTA", 0.12), "S3": ("S2", 1.0)}
# A diploma awaiting penyesuaian ijazah: (diploma held, ranks) -> the new one (DOMAIN.md §3.3).
PENDING_LEVELS = (
    (("SLTA", "SLTA_KEJURUAN", "D1", "D2"), (5, 6), "D3"),
    (("SLTA", "SLTA_KEJURUAN", "D1", "D2", "D3"), (7, 8), "S1"),
    (("S1", "D4"), (9,), "S2"),
)
PENDING_MAJORS = {
    "D3": ("Administrasi Perkantoran", "Akuntansi"),
    "S1": ("Administrasi Publik", "Manajemen", "Ilmu Hukum"),
}
PENDING_MAJORS["S2"] = ("Magister Administrasi Publik", "Magister Manajemen")

PREDIKAT_WEIGHTS = (
    ("sangat_baik", 14.0),
    ("baik", 79.0),
    ("butuh_perbaikan", 5.0),
    ("kurang", 1.7),
    ("sangat_kurang", 0.3),
)
MISSING_SKP = 0.012  # a year's rating not recorded

INNOVATIONS = (
    # (where: OPD codes or unit kinds, title, description)
    (
        ("DISDUKCAPIL",),
        "Jemput Bola Dokumen Kependudukan bagi Lansia dan Penyandang Disabilitas",
        "Petugas mendatangi warga lansia dan penyandang disabilitas untuk perekaman KTP-el dan penerbitan akta.",
    ),
    (
        ("puskesmas",),
        "Pelacakan Kontak TBC oleh Kader Kelurahan",
        "Kader kelurahan mendampingi pasien TBC dan melacak kontak serumah dengan formulir daring.",
    ),
    (
        ("puskesmas",),
        "Pemantauan Ibu Hamil Risiko Tinggi melalui Grup Pesan",
        "Bidan memantau ibu hamil risiko tinggi setiap minggu dan merujuk lebih awal.",
    ),
    (
        ("RSUD-KRMTW",),
        "Antrean Poliklinik Daring",
        "Pasien mengambil nomor antrean poliklinik dari rumah sehingga waktu tunggu berkurang.",
    ),
    (
        ("DPMPTSP",),
        "Izin Usaha Mikro Satu Hari Jadi",
        "Permohonan izin usaha mikro yang lengkap diselesaikan pada hari yang sama.",
    ),
    (
        ("BAPENDA",),
        "Bayar PBB di Warung dan Dompet Digital",
        "Wajib pajak membayar PBB melalui mitra warung dan dompet digital.",
    ),
    (
        ("sekolah", "DISDIK"),
        "Kelas Literasi Digital untuk Guru",
        "Guru saling melatih pembuatan bahan ajar digital dalam komunitas belajar sekolah.",
    ),
    (
        ("DLH",),
        "Bank Sampah Kelurahan Terhubung Aplikasi",
        "Nasabah bank sampah mencatat setoran dan saldo melalui aplikasi.",
    ),
    (
        ("BKPP",),
        "Layanan Kenaikan Pangkat Tanpa Tatap Muka",
        "Berkas usul kenaikan pangkat dikirim dan diverifikasi secara daring.",
    ),
    (
        ("kelurahan", "kecamatan"),
        "Surat Pengantar Kelurahan Daring",
        "Warga mengajukan surat pengantar dari rumah dan mengambilnya tanpa antre.",
    ),
    (
        ("DAMKAR",),
        "Edukasi Pencegahan Kebakaran di Permukiman Padat",
        "Petugas melatih warga permukiman padat memakai alat pemadam api ringan.",
    ),
    (
        ("DINSOS",),
        "Peta Verifikasi Penerima Bantuan Sosial",
        "Verifikasi lapangan penerima bantuan sosial dicatat pada peta sehingga data ganda cepat terlihat.",
    ),
    (
        ("DISKOMINFO",),
        "Dasbor Aduan Warga Terpadu",
        "Aduan warga dari berbagai kanal masuk ke satu dasbor dan diteruskan ke OPD terkait.",
    ),
    (
        ("DINKES",),
        "Skrining Kesehatan Jiwa Remaja di Sekolah",
        "Tenaga kesehatan dan guru BK menyaring risiko kesehatan jiwa siswa SMP.",
    ),
)
RECOGNITIONS = (
    ("Juara {place} Lomba Inovasi Daerah Kota Semarang {year}", "Wali Kota Semarang"),
    ("Nominasi Kompetisi Inovasi Pelayanan Publik Provinsi Jawa Tengah {year}", "Gubernur Jawa Tengah"),
    ("Penghargaan Inovasi Pelayanan Publik Wali Kota Semarang {year}", "Wali Kota Semarang"),
    ("", ""),
)
SATYALANCANA = ((10, "satyalancana_x", "X"), (20, "satyalancana_xx", "XX"), (30, "satyalancana_xxx", "XXX"))
CITY_DAY = (5, 2)  # Hari Jadi Kota Semarang, 2 May: the city's awards
ISSUER_CITY = "Wali Kota Semarang"
ISSUER_PRESIDENT = "Presiden Republik Indonesia"


# --- The personas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonaCareer:
    diplomas: tuple[tuple[str, str, str, dt.date, str], ...]  # level, major, institution, date, path
    ranks: tuple[tuple[int, dt.date, str], ...]  # rank, TMT, kind (after the CPNS row)
    posts: tuple[tuple[dt.date, str, str, str, str], ...]  # TMT, name, kind, jenjang, unit ("" = own)
    ratings: Mapping[int, str]
    ak_surplus: Decimal = Decimal(0)
    innovation: tuple[str, int, str, int] | None = None  # title, year, description, recognition index
    post_since: dt.date | None = None  # the current post's TMT when the database has none


PERSONA_CAREERS = {
    city_demo.PERSONA_EMPLOYEE.nip: PersonaCareer(
        diplomas=(
            ("SLTA", "IPA", "SMA Negeri 3 Semarang", dt.date(2011, 6, 15), ""),
            ("S1", "Kesehatan Masyarakat", "Universitas Diponegoro", dt.date(2015, 8, 20), ""),
        ),
        ranks=((III_A, dt.date(2021, 6, 1), PNS), (10, dt.date(2024, 4, 1), FUNGSIONAL)),
        posts=((dt.date(2020, 2, 1), "Epidemiolog Kesehatan", "fungsional_keahlian", "ahli_pertama", ""),),
        ratings={
            2020: "baik",
            2021: "baik",
            2022: "baik",
            2023: "baik",
            2024: "sangat_baik",
            2025: "sangat_baik",
            2026: "baik",
            2027: "baik",
        },
        # PAK of 31 December 2022 at 52: 36.458 converted for 2020-2022 plus 15.542 the
        # integration brought from the old system; then 64.5 (2023), 83.25 (2024), 102 (2025).
        ak_surplus=Decimal("15.542"),
        innovation=(
            "Peta Mingguan Kasus Demam Berdarah untuk Kelurahan",
            2024,
            "Kasus demam berdarah dari puskesmas dipetakan setiap minggu sehingga kelurahan dapat "
            "menggerakkan pemberantasan sarang nyamuk lebih cepat.",
            0,
        ),
    ),
    city_demo.PERSONA_SUPERVISOR.nip: PersonaCareer(
        diplomas=(
            ("SLTA", "IPA", "SMA Negeri 1 Semarang", dt.date(1993, 6, 12), ""),
            ("S1", "Pendidikan Dokter", "Universitas Diponegoro", dt.date(1999, 8, 28), ""),
            ("PROFESI", "Profesi Dokter", "Universitas Diponegoro", dt.date(2001, 9, 15), ""),
            ("S2", "Magister Epidemiologi", "Universitas Diponegoro", dt.date(2010, 9, 18), TUGAS_BELAJAR),
        ),
        ranks=(
            (10, dt.date(2004, 3, 1), PNS),
            (11, dt.date(2007, 4, 1), FUNGSIONAL),
            (12, dt.date(2011, 4, 1), FUNGSIONAL),
            (13, dt.date(2021, 10, 1), FUNGSIONAL),
        ),
        posts=(
            (dt.date(2003, 2, 1), "Dokter", "fungsional_keahlian", "ahli_pertama", "PKM-PONCOL"),
            (dt.date(2007, 4, 1), "Dokter", "fungsional_keahlian", "ahli_muda", "PKM-PONCOL"),
            (dt.date(2021, 10, 1), "Dokter", "fungsional_keahlian", "ahli_madya", "PKM-PONCOL"),
        ),
        ratings={2021: "baik", 2022: "baik", 2023: "sangat_baik", 2024: "baik", 2025: "baik", 2026: "baik"},
        post_since=dt.date(2022, 1, 3),  # the training demo's choice for this persona
    ),
    city_demo.PERSONA_OPERATOR.nip: PersonaCareer(
        diplomas=(
            ("SLTA", "IPS", "SMA Negeri 5 Semarang", dt.date(2006, 6, 17), ""),
            ("S1", "Ilmu Administrasi Negara", "Universitas Diponegoro", dt.date(2010, 8, 26), ""),
        ),
        ranks=(
            (III_A, dt.date(2012, 3, 1), PNS),
            (10, dt.date(2015, 4, 1), REGULER),
            (11, dt.date(2019, 4, 1), REGULER),
            (12, dt.date(2023, 4, 1), REGULER),
        ),
        posts=(
            (dt.date(2011, 3, 1), "Pengadministrasi Umum", "pelaksana", "", ""),
            (dt.date(2016, 1, 4), "Analis Kepegawaian", "pelaksana", "", ""),
        ),
        ratings={2021: "baik", 2022: "baik", 2023: "sangat_baik", 2024: "baik", 2025: "baik", 2026: "baik"},
    ),
}


# --- Planning -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Career:
    spec: city_demo.EmployeeSpec
    opd: str
    unit_kind: str
    post_kind: str  # "" without a post
    post_name: str
    jenjang: str
    jf_levels: tuple[str, ...]  # levels of the JF the post follows (the Guru's for a school head)
    appointed_on: dt.date
    sanctions: tuple[tuple[str, dt.date, dt.date | None], ...]
    edu_changes: list[tuple[dt.date, str]] = field(default_factory=list)  # education in force from
    ranks: list[RankRow] = field(default_factory=list)
    positions: list[PositionRow] = field(default_factory=list)
    diplomas: list[DiplomaRow] = field(default_factory=list)
    ratings: dict[int, str] = field(default_factory=dict)
    exams: list[ExamRow] = field(default_factory=list)
    awards: list[AwardRow] = field(default_factory=list)
    jf_since: dt.date | None = None
    ak_surplus: Decimal = Decimal(0)
    pending: DiplomaRow | None = None
    post_since: dt.date | None = None
    later: str | None = None  # the highest diploma, when it was earned in service
    locked: bool = False  # a persona, or already fixed/broken for the outlook
    ak: list | None = None  # cache of `_Planner._ak_state`; None after a rating or the surplus changed
    ak_on: dict = field(default_factory=dict)  # cache of `_Planner._ak_on`, by period
    titles: list[str] | None = None  # academic titles after the name, parsed once
    is_health: bool | None = None

    @property
    def nip(self) -> str:
        return self.spec.nip

    @property
    def is_civil_servant(self) -> bool:
        return self.spec.employment_type in ("pns", "cpns")


def _cumulative(weighted) -> tuple[tuple[str, ...], tuple[float, ...]]:
    keys, total, cumulative = [], 0.0, []
    for key, weight in weighted:
        total += weight
        keys.append(key)
        cumulative.append(total)
    return tuple(keys), tuple(cumulative)


PREDIKAT_CUMULATIVE = _cumulative(PREDIKAT_WEIGHTS)


def _pick(rng: random.Random, cumulative: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    keys, bounds = cumulative
    return keys[bisect.bisect_right(bounds, rng.random() * bounds[-1])]


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class _Planner:
    def __init__(
        self,
        city: city_demo.DemoCity,
        as_of: dt.date,
        reference: Reference,
        position_since: Mapping[str, dt.date],
        sanctions: Mapping[str, tuple[tuple[str, dt.date, dt.date | None], ...]],
        not_in_good_standing: Mapping[dt.date, frozenset[str]],
    ):
        self.city = city
        self.not_in_good_standing = not_in_good_standing
        self.as_of = as_of
        self.ref = reference
        self.education = reference.education
        self.periods = Periods(reference.regimes)
        self.coming = self.periods.following(as_of, COMING_PERIODS)
        self.last_skp_year = self.coming[-1].year - 1
        self.first_skp_year = self.last_skp_year - SKP_YEARS + 1
        self.position_since = position_since
        self.rng = random.Random(f"careers-{city.seed}")
        self.serial = 0
        units = {unit.code: unit for unit in city.units}
        self.units = units
        self.opd_of: dict[str, str] = {}
        for code in units:
            top = code
            while units[top].parent_code:
                top = units[top].parent_code
            self.opd_of[code] = top
        self.positions_by_opd: dict[tuple[str, str], list[city_demo.PositionSpec]] = defaultdict(list)
        for position in city.positions:
            self.positions_by_opd[(self.opd_of[position.unit_code], position.kind)].append(position)
        sources = city_demo.load_sources()
        self.jf_levels = {(row.name, row.kind): row.jenjang for row in sources.jf}
        self.kelurahan = [kelurahan for _kecamatan, kelurahan in sources.kelurahan]
        self.position_specs = {position.key: position for position in city.positions}
        self._applicable: dict[str, list[_Career]] = {}
        self.careers: list[_Career] = []
        for spec in city.employees:
            key = spec.position_key
            kind, name, jenjang = (key[2], key[1], key[3]) if key else ("", "", "")
            levels: tuple[str, ...] = ()
            if kind in FUNCTIONAL:
                levels = self.jf_levels.get((name, kind)) or self.jf_levels.get(("Guru", kind), ()) or (jenjang,)
            self.careers.append(
                _Career(
                    spec=spec,
                    opd=self.opd_of[spec.unit_code],
                    unit_kind=units[spec.unit_code].kind,
                    post_kind=kind,
                    post_name=name,
                    jenjang=jenjang,
                    jf_levels=levels,
                    appointed_on=_appointed_on(spec),
                    sanctions=tuple(sanctions.get(spec.nip, ())),
                )
            )

    # -- helpers ---------------------------------------------------------------------------------

    def _decree(self, prefix: str, day: dt.date) -> str:
        self.serial = self.serial % 9000 + 1
        return f"{prefix}/{self.serial:04d}/{day.year}"

    def _order(self, code: str) -> int:
        return self.education[code].order

    def _edu_on(self, c: _Career, day: dt.date) -> str:
        code = c.spec.education
        for since, changed in c.edu_changes:
            if since <= day:
                code = changed
        return code

    # -- build -------------------------------------------------------------------------------------

    def build(self) -> CareerPlan:
        for c in self.careers:
            if c.nip in PERSONA_CAREERS:
                self._persona(c, PERSONA_CAREERS[c.nip])
                continue
            self._education(c)
            if c.is_civil_servant:
                self._rank_history(c)
            else:
                self._pppk_post(c)
            self._ratings(c)
            if c.spec.employment_type == "pns":
                self._waiting_exams(c)
                self._satyalancana(c)
        self._pending_diplomas()
        innovations = self._innovations()
        self._city_awards()
        self._ensure_outlook()
        outlook = self._outlook_counts()
        credits = [row for c in self.careers for row in self._credit_rows(c)]
        return CareerPlan(
            as_of=self.as_of,
            periods=self.coming,
            ranks=tuple(row for c in self.careers for row in c.ranks),
            positions=tuple(row for c in self.careers for row in c.positions),
            diplomas=tuple(row for c in self.careers for row in (c.diplomas + ([c.pending] if c.pending else []))),
            ratings=tuple(RatingRow(c.nip, year, p) for c in self.careers for year, p in sorted(c.ratings.items())),
            exams=tuple(row for c in self.careers for row in c.exams),
            credits=tuple(credits),
            awards=tuple(row for c in self.careers for row in c.awards),
            innovations=tuple(innovations),
            outlook=tuple(outlook),
            pending_ijazah=tuple((c.nip, c.pending.level) for c in self.careers if c.pending),
        )

    # -- education -----------------------------------------------------------------------------

    def _titles(self, c: _Career) -> list[str]:
        if c.titles is None:
            # "S.Kep., Ns." and "S.Keb., Bd." are one title each.
            text = c.spec.back_title.replace(", Ns.", "|Ns.").replace(", Bd.", "|Bd.")
            c.titles = [part.strip().replace("|", ", ") for part in text.split(",") if part.strip()]
        return c.titles

    def _major(self, c: _Career, level: str) -> str:
        rng = self.rng
        titles = self._titles(c)
        front = c.spec.front_title
        if level == "PROFESI":
            if front.startswith("drg"):
                return "Profesi Dokter Gigi"
            return "Profesi Apoteker" if front.startswith("apt") else "Profesi Dokter"
        if level == "S1" and front.endswith(("dr.", "drg.")):
            return "Pendidikan Dokter Gigi" if front.endswith("drg.") else "Pendidikan Dokter"
        if level == "S1" and "Ir." in front:
            return rng.choice(("Teknik Sipil", "Agronomi", "Teknik Arsitektur"))
        if level == "S2":
            for title in titles:
                if title in SPECIALIST_MAJORS:
                    return f"Program Pendidikan Dokter Spesialis {SPECIALIST_MAJORS[title]}"
        if level in ("S1", "D4"):
            candidates = [t for t in titles if t.startswith("S.") and t in MAJOR_BY_TITLE]
        elif level == "S2":
            candidates = [t for t in titles if t.startswith("M.") and t in MAJOR_BY_TITLE]
        elif level == "D3":
            candidates = [t for t in titles if t.startswith("A.Md") and t in MAJOR_BY_TITLE]
        else:
            candidates = []
        if candidates:
            return rng.choice(MAJOR_BY_TITLE[candidates[0]])
        return rng.choice(GENERIC_MAJORS.get(level, ("-",)))

    def _institution(self, c: _Career, level: str, *, in_service: bool = False) -> str:
        rng = self.rng
        if c.is_health is None:
            c.is_health = c.opd in ("DINKES", "RSUD-KRMTW") or any(
                title.startswith(HEALTH_TITLES) for title in self._titles(c)
            )
        health = c.is_health
        if level in ("SLTA",):
            return rng.choice(SCHOOLS)
        if level in ("SLTA_KEJURUAN", "SLTP_KEJURUAN"):
            return rng.choice(VOCATIONAL)
        if level == "SLTP":
            return rng.choice(JUNIOR)
        if level == "SD":
            return f"SD Negeri {rng.choice(self.kelurahan)} 01"
        if level == "D3" and health:
            return rng.choice(INSTITUTIONS["D3_HEALTH"])
        if level == "S1":
            if in_service:
                return rng.choice(INSTITUTIONS["S1_IN_SERVICE"])
            if "S.Pd." in c.spec.back_title:
                return rng.choice(INSTITUTIONS["S1_EDUCATION"])
            if health:
                return rng.choice(INSTITUTIONS["S1_HEALTH"])
        return rng.choice(INSTITUTIONS.get(level, INSTITUTIONS["S1"]))

    def _diploma_number(self, level: str, day: dt.date) -> str:
        if level in ("SD", "SLTP", "SLTP_KEJURUAN", "SLTA", "SLTA_KEJURUAN"):
            return f"DN-03 {self.rng.randint(1, 999999):06d}"
        return f"{day.year}/{level}/{self.rng.randint(1, 99999):05d}"

    def _diploma(self, c: _Career, level: str, day: dt.date, path: str = "", *, major: str = "") -> DiplomaRow:
        return DiplomaRow(
            c.nip,
            level,
            major or self._major(c, level),
            self._institution(c, level, in_service=bool(path)),
            day,
            self._diploma_number(level, day),
            path,
        )

    def _natural(self, c: _Career, level: str) -> dt.date:
        born = c.spec.born_on
        year = born.year + GRADUATION_AGE[level] + (1 if born.month > 6 else 0)
        month = 6 if level.startswith(("SLTA", "SLTP", "SD")) else self.rng.choice((8, 9, 10, 11))
        return dt.date(year, month, self.rng.randint(10, 28))

    def _education(self, c: _Career) -> None:
        """The diplomas up to the highest, and which one the employee was appointed with."""
        rng = self.rng
        spec = c.spec
        highest = spec.education
        chain = list(CHAIN[highest])
        appointed = c.appointed_on
        in_service: tuple[str, float] | None = IN_SERVICE.get(highest)
        doctor = spec.front_title.endswith(("dr.", "drg."))
        if highest == "S2" and doctor:
            chain = ["SLTA", "S1", "PROFESI", "S2"]
            in_service = ("PROFESI", 0.6)
        earned_in_service = None
        if in_service is not None and spec.employment_type == "pns" and rng.random() < in_service[1]:
            earned_in_service = in_service[0]
        if earned_in_service is not None and earned_in_service not in chain:
            chain.insert(len(chain) - 1, earned_in_service)
        c.edu_changes = []
        if earned_in_service is not None:
            c.edu_changes = [(dt.date.min, earned_in_service)]
        # Dates: the appointment diploma before TMT CPNS, lower ones before it, naturally
        # spaced; an in-service one later (placed by the rank history).
        appointment_level = earned_in_service or highest
        latest = city_demo.add_months(appointed, -rng.randint(2, 14))
        dates: dict[str, dt.date] = {}
        upper = latest
        for level in reversed(chain[: chain.index(appointment_level) + 1]):
            day = min(self._natural(c, level), upper)
            dates[level] = day
            upper = day - dt.timedelta(days=365 * (1 if level in ("PROFESI", "D1") else 2))
        for level in chain[: chain.index(appointment_level) + 1]:
            c.diplomas.append(self._diploma(c, level, dates[level]))
        c.later = highest if earned_in_service is not None else None  # placed by `_rank_history`

    # -- rank history ----------------------------------------------------------------------------

    def _even_steps(self, start_rank: int, first: dt.date, rank: int, tmt: dt.date, avoid: dt.date | None):
        """Promotions from `start_rank` (held from `first`) to `rank` on `tmt`, evenly spaced,
        each on a period date."""
        steps: list[tuple[int, dt.date, str]] = []
        count = rank - start_rank
        if count <= 0:
            return steps
        span = _index(tmt) - _index(first)
        previous = first
        for i in range(1, count):
            ideal = _month(_index(first) + round(i * span / count))
            day = self.periods.on_or_after(ideal)
            if not previous < day < tmt or day == avoid:
                day = self.periods.on_or_before(ideal)
                if not previous < day < tmt or day == avoid:
                    continue  # no room: the history skips a rank (never seen with the generator's spacing)
            steps.append((start_rank + i, day, ""))
            previous = day
        steps.append((rank, tmt, ""))
        return steps

    def _ijazah_steps(self, c: _Career, low: str, high: str):
        """Promotions of an employee appointed with `low` who earned `high` in service and was
        promoted to its starting rank by penyesuaian ijazah (DOMAIN.md §3.1). None when the
        career leaves no room for it."""
        rng = self.rng
        spec = c.spec
        first, tmt, rank = spec.cpns_tmt_on, spec.rank_tmt_on, spec.rank
        s0, s1 = self.education[low].starting_rank, self.education[high].starting_rank
        span = _index(tmt) - _index(first)
        after = rank - s1
        if s1 <= s0 or span < 72 or after < 0:
            return None
        if after == 0:
            ijazah_on = tmt
        else:
            earliest, latest = _index(first) + 48, _index(tmt) - after * 30
            if latest < earliest:
                return None
            ijazah_on = self.periods.on_or_after(_month(rng.randint(earliest, latest)))
            if ijazah_on >= tmt:
                return None
        steps: list[tuple[int, dt.date, str]] = []
        held, since = s0, first
        while held + 1 < s1:
            day = self.periods.on_or_after(city_demo.add_months(since, 48 + rng.randint(0, 12)))
            if _index(day) > _index(ijazah_on) - 12:
                break
            held += 1
            steps.append((held, day, ""))
            since = day
        steps.append((s1, ijazah_on, IJAZAH))
        if after:
            steps += self._even_steps(s1, ijazah_on, rank, tmt, None)
        return steps, ijazah_on

    def _rank_history(self, c: _Career) -> None:
        rng = self.rng
        spec = c.spec
        first, pns_on = spec.cpns_tmt_on, spec.pns_tmt_on
        steps = None
        if c.later is not None:
            low, high = c.edu_changes[0][1], c.later
            if self.education[high].starting_rank <= self.education[low].starting_rank:
                # A diploma that does not change the rank (a doctor's master's): earned in
                # service, it raised the regular-promotion ceiling only.
                graduated = _between(rng, city_demo.add_months(first, 36), self.as_of - dt.timedelta(days=200))
                path = TUGAS_BELAJAR if rng.random() < 0.4 else IZIN_BELAJAR
                c.diplomas.append(self._diploma(c, high, graduated, path))
                c.edu_changes = [(dt.date.min, low), (graduated, high)]
            else:
                planned = self._ijazah_steps(c, low, high)
                if planned is None:  # no room for it: the highest diploma came before appointment
                    self._add_missing_diploma(c, high, low)
                    c.edu_changes = []
                else:
                    steps, ijazah_on = planned
                    graduated = _between(rng, city_demo.add_months(ijazah_on, -16), city_demo.add_months(ijazah_on, -4))
                    graduated = max(graduated, city_demo.add_months(first, 30))
                    path = IZIN_BELAJAR if rng.random() < 0.7 else TUGAS_BELAJAR
                    c.diplomas.append(self._diploma(c, high, graduated, path))
                    c.edu_changes = [(dt.date.min, low), (graduated, high)]
                    if path == IZIN_BELAJAR:  # UKPPI before the penyesuaian (DOMAIN.md §3.3)
                        passed = _between(rng, graduated + dt.timedelta(days=30), ijazah_on - dt.timedelta(days=20))
                        c.exams.append(ExamRow(c.nip, UKPPI, passed))
        start_rank = self.education[self._edu_on(c, first)].starting_rank
        if steps is None:
            steps = self._even_steps(start_rank, first, spec.rank, spec.rank_tmt_on, pns_on)
        rows = [(start_rank, first, CPNS)]
        if pns_on is not None:
            rows.append((start_rank, pns_on, PNS))
        rows += steps
        rows.sort(key=lambda row: row[1])
        self._positions(c, rows)
        previous_rank = start_rank
        cut = 0
        for rank, tmt, hint in rows:
            if hint in (CPNS, PNS):
                kind = hint
            elif hint == IJAZAH:
                kind = IJAZAH
            else:
                kind = self._kind_from_post(c, tmt)
            cut += _cut_months(previous_rank, rank)
            served = max(0, _index(tmt) - _index(first) - cut)
            if kind == CPNS:
                prefix, decree_on = "813.2", tmt - dt.timedelta(days=rng.randint(20, 75))
            elif kind == PNS:
                prefix, decree_on = "813.3", tmt - dt.timedelta(days=rng.randint(0, 40))
            else:
                prefix, decree_on = "823.3", tmt - dt.timedelta(days=rng.randint(15, 75))
            c.ranks.append(
                RankRow(c.nip, rank, tmt, kind, self._decree(prefix, decree_on), decree_on, *divmod(served, 12))
            )
            self._crossing_exam(c, previous_rank, rank, tmt, kind)
            previous_rank = rank

    def _add_missing_diploma(self, c: _Career, level: str, lower: str) -> None:
        """The highest diploma, earned before appointment after all: after the ones below it
        (a diploma below it that its usual path skips, the D3 of an S1, goes)."""
        if lower not in CHAIN[level]:
            c.diplomas = [row for row in c.diplomas if row.level != lower]
        upper = city_demo.add_months(c.appointed_on, -1)
        latest = max((row.graduated_on for row in c.diplomas), default=None)
        day = min(self._natural(c, level), upper)
        if latest is not None and day <= latest:
            day = min(latest + dt.timedelta(days=365), upper)
            if day <= latest:
                day = latest + dt.timedelta(days=1)
        c.diplomas.append(self._diploma(c, level, day))

    def _crossing_exam(self, c: _Career, before: int, after: int, tmt: dt.date, kind: str) -> None:
        """Ujian dinas passed before crossing a golongan (DOMAIN.md §3.3), where not exempt."""
        if kind not in (REGULER, STRUKTURAL):
            return
        rng = self.rng
        order = self._order(self._edu_on(c, tmt))
        since = next((row.tmt_on for row in reversed(c.ranks) if row.rank == before), tmt)
        if before <= II_D < after and order < self._order("D4"):
            passed = _between(rng, min(since + dt.timedelta(days=200), tmt), tmt - dt.timedelta(days=120))
            c.exams.append(ExamRow(c.nip, UD1, passed))
        elif before <= III_D < after and order < self._order("PROFESI") and rng.random() < 0.7:
            passed = _between(rng, min(since + dt.timedelta(days=200), tmt), tmt - dt.timedelta(days=120))
            c.exams.append(ExamRow(c.nip, UD2, passed))

    def _waiting_exams(self, c: _Career) -> None:
        """Half of those waiting at II/d (pelaksana without S1) or III/d (officials without a
        master's) already passed the ujian dinas the next rank needs."""
        spec = c.spec
        if c.locked or spec.rank is None or spec.status != "aktif":
            return
        order = self._order(spec.education)
        needed = None
        if spec.rank == II_D and c.post_kind == "pelaksana" and order < self._order("D4"):
            if self.education[spec.education].ceiling > II_D:
                needed = UD1
        elif spec.rank == III_D and c.post_kind in STRUCTURAL and order < self._order("PROFESI"):
            needed = UD2
        if needed is None or any(exam.kind == needed for exam in c.exams) or self.rng.random() < 0.5:
            return
        first = max(spec.rank_tmt_on + dt.timedelta(days=365), self.as_of - dt.timedelta(days=3 * 365))
        c.exams.append(ExamRow(c.nip, needed, _between(self.rng, first, self.as_of - dt.timedelta(days=30))))

    # -- positions ---------------------------------------------------------------------------------

    def _rank_on(self, rows, day: dt.date) -> int:
        held = rows[0][0]
        for rank, tmt, _hint in rows:
            if tmt <= day:
                held = rank
        return held

    def _jenjang_for(self, levels: tuple[str, ...], rank: int) -> str | None:
        for level in levels:
            low, high = city_demo.JENJANG_RANKS[level]
            if low <= rank <= high:
                return level
        if levels and rank > city_demo.JENJANG_RANKS[levels[-1]][1]:
            return levels[-1]
        return None

    def _pelaksana_name(self, c: _Career, day: dt.date) -> str:
        order = self._order(self._edu_on(c, day))
        fitting = [name for name, low, high in city_demo.PELAKSANA if low <= order <= high and name != "Pengemudi"]
        return self.rng.choice(fitting or ["Pengadministrasi Umum"])

    def _positions(self, c: _Career, rows) -> None:
        """Posts from appointment to now (see the module docstring), as segments
        (start, name, kind, jenjang, unit, catalogue key) cut at each JF level change."""
        rng = self.rng
        spec = c.spec
        first = spec.cpns_tmt_on
        after_pns = spec.pns_tmt_on or first
        unit = spec.unit_code
        # Tracks: (start, kind, name, unit, key, levels)
        tracks: list[tuple[dt.date, str, str, str, tuple | None, tuple[str, ...]]] = []
        kind = c.post_kind
        if kind in STRUCTURAL:
            since = self.position_since.get(c.nip) or self._invented_since(c, after_pns)
            c.post_since = since
            entry = self._entry_track(c, first)
            lower_start, lower = self._lower_post(c, since, after_pns, rows)
            tracks.append((first, *entry))
            if lower is not None:
                tracks.append((lower_start, lower.kind, lower.name, lower.unit_code, lower.key, ()))
            tracks.append((since, kind, c.post_name, unit, spec.position_key, ()))
        elif kind in FUNCTIONAL:
            if c.post_name == "Kepala Sekolah":
                since = self._invented_since(c, city_demo.add_months(first, 96))
                c.post_since = since
                tracks.append((first, kind, "Guru", unit, None, c.jf_levels))
                tracks.append((since, kind, c.post_name, unit, spec.position_key, c.jf_levels))
            else:
                tracks.append((first, kind, c.post_name, unit, spec.position_key, c.jf_levels))
        elif kind == "pelaksana":
            years = (self.as_of - first).days / 365.25
            if years > 7 and rng.random() < 0.35:
                moved = _between(rng, city_demo.add_months(after_pns, 24), self.as_of - dt.timedelta(days=400))
                earlier = self._pelaksana_name(c, first)
                if earlier != c.post_name:
                    tracks.append((first, "pelaksana", earlier, unit, None, ()))
                    tracks.append((moved, "pelaksana", c.post_name, unit, spec.position_key, ()))
            if not tracks:
                tracks.append((first, "pelaksana", c.post_name, unit, spec.position_key, ()))
        else:  # no post now (tugas belajar, CLTN, suspended): the post held before
            tracks.append((first, "pelaksana", self._pelaksana_name(c, first), unit, None, ()))
        segments: list[tuple[dt.date, str, str, str, str, tuple | None]] = []
        for index, (start, track_kind, name, track_unit, key, levels) in enumerate(tracks):
            end = tracks[index + 1][0] if index + 1 < len(tracks) else dt.date.max
            if track_kind not in FUNCTIONAL:
                segments.append((start, name, track_kind, "", track_unit, key))
                continue
            changes = [start] + [tmt for _rank, tmt, _hint in rows if start < tmt < end]
            for day in changes:
                jenjang = self._jenjang_for(levels, self._rank_on(rows, day))
                if jenjang is None:
                    segment = (day, self._pelaksana_name(c, day), "pelaksana", "", track_unit, None)
                else:
                    current = jenjang == c.jenjang and key is not None
                    segment = (day, name, track_kind, jenjang, track_unit, key if current else None)
                if segments and segments[-1][1:4] == segment[1:4]:
                    continue
                segments.append(segment)
        # One row per TMT: a later segment on the same day replaces the earlier one.
        by_day: dict[dt.date, tuple] = {}
        for segment in segments:
            by_day[segment[0]] = segment
        ordered = [by_day[day] for day in sorted(by_day)]
        merged: list[list] = []
        for start, name, seg_kind, jenjang, seg_unit, key in ordered:
            if merged and merged[-1][1:5] == [name, seg_kind, jenjang, seg_unit]:
                merged[-1][5] = merged[-1][5] or key  # the same post goes on: keep its catalogue link
                continue
            merged.append([start, name, seg_kind, jenjang, seg_unit, key])
        c.positions = []
        for start, name, seg_kind, jenjang, seg_unit, key in merged:
            prefix = "821.2" if seg_kind in STRUCTURAL or seg_kind in FUNCTIONAL else ""
            number = self._decree(prefix, start) if prefix else ""
            c.positions.append(PositionRow(c.nip, key, name, seg_kind, jenjang, seg_unit, start, number))
        if kind in FUNCTIONAL and spec.status == "aktif":
            since = None
            for row in reversed(c.positions):
                if row.kind in FUNCTIONAL and row.jenjang == c.jenjang:
                    since = row.tmt_on
                else:
                    break
            c.jf_since = since

    def _invented_since(self, c: _Career, earliest: dt.date) -> dt.date:
        """A post's TMT when the database gave none: one to eight years ago."""
        latest = self.as_of - dt.timedelta(days=60)
        day = self.as_of - dt.timedelta(days=self.rng.randint(365, 8 * 365))
        return max(earliest, min(day, latest))

    def _entry_track(self, c: _Career, first: dt.date):
        """The first post of an official: a doctor's JF, otherwise a pelaksana post."""
        front = c.spec.front_title
        if front.endswith(("dr.", "drg.")):
            name = "Dokter Gigi" if front.endswith("drg.") else "Dokter"
            levels = self.jf_levels.get((name, "fungsional_keahlian"), city_demo.KEAHLIAN)
            return "fungsional_keahlian", name, c.spec.unit_code, None, levels
        return "pelaksana", self._pelaksana_name(c, first), c.spec.unit_code, None, ()

    def _lower_post(self, c: _Career, since: dt.date, after_pns: dt.date, rows):
        """The post one tier below the current one an official held before it (if the career
        leaves room), starting early enough that every rank above the diploma's ceiling was
        reached in a structural post."""
        rng = self.rng
        lower_kind = {"jpt_pratama": "administrator", "administrator": "pengawas", "pengawas": "pengawas"}.get(
            c.post_kind
        )
        start = city_demo.add_months(since, -rng.randint(36, 72))
        above = [
            tmt for rank, tmt, _hint in rows if rank > self.education[self._edu_on(c, tmt)].ceiling and tmt < since
        ]
        if above:
            start = min(start, city_demo.add_months(min(above), -rng.randint(3, 15)))
        start = max(start, city_demo.add_months(after_pns, 12))
        if lower_kind is None or start >= city_demo.add_months(since, -9):
            return None, None
        options = [p for p in self.positions_by_opd.get((c.opd, lower_kind), ()) if p.key != c.spec.position_key]
        if not options:
            options = [p for p in self.positions_by_opd.get(("SETDA", lower_kind), ()) if p.key != c.spec.position_key]
        if not options:
            return None, None
        return start, rng.choice(options)

    def _kind_from_post(self, c: _Career, tmt: dt.date) -> str:
        """The promotion kind follows the post held the day before its TMT (DOMAIN.md §3.1)."""
        day = tmt - dt.timedelta(days=1)
        held = None
        for row in c.positions:
            if row.tmt_on <= day:
                held = row
        kind = held.kind if held else "pelaksana"
        if kind in FUNCTIONAL:
            return FUNGSIONAL
        if kind in STRUCTURAL:
            return STRUKTURAL
        return REGULER

    def _pppk_post(self, c: _Career) -> None:
        spec = c.spec
        key = spec.position_key
        if key is None:
            return
        c.positions = [PositionRow(c.nip, key, key[1], key[2], key[3], spec.unit_code, c.appointed_on, "")]

    # -- SKP -----------------------------------------------------------------------------------------

    def _ratings(self, c: _Career) -> None:
        """Annual predikat (DOMAIN.md §5) for the plan's five years from the year of appointment."""
        rng = self.rng
        appointed = c.appointed_on
        first = appointed.year if appointed.month <= 9 else appointed.year + 1
        penalised = {
            starts.year: level for level, starts, _ends in c.sanctions if level in BLOCKING_LEVELS or level == "ringan"
        }
        for year in range(max(first, self.first_skp_year), self.last_skp_year + 1):
            if rng.random() < MISSING_SKP:
                continue
            predikat = _pick(rng, PREDIKAT_CUMULATIVE)
            level = penalised.get(year)
            if level in BLOCKING_LEVELS:
                predikat = rng.choice(("butuh_perbaikan", "kurang"))
            elif level == "ringan" and rng.random() < 0.5:
                predikat = "butuh_perbaikan"
            c.ratings[year] = predikat

    # -- awards and innovations ------------------------------------------------------------------

    def _satyalancana(self, c: _Career) -> None:
        """Satyalancana Karya Satya for 10, 20 and 30 years of service, given in August."""
        rng = self.rng
        first = c.spec.cpns_tmt_on
        heavy = [starts for level, starts, _ends in c.sanctions if level in BLOCKING_LEVELS]
        for years, kind, roman in SATYALANCANA:
            reached = add_years(first, years)
            forgotten = rng.random() < 0.12 and not c.locked  # the personas got theirs
            if any(first <= starts < reached for starts in heavy) or forgotten:
                continue
            year = reached.year + (1 if reached.month > 5 else 0) + rng.choice((0, 0, 0, 1, 1, 2))
            awarded = dt.date(year, 8, 17)
            if awarded > self.as_of:
                continue
            decree = f"Keputusan Presiden Nomor {rng.randint(40, 130)}/TK/Tahun {year}"
            c.awards.append(
                AwardRow(c.nip, kind, f"Satyalancana Karya Satya {roman} Tahun", awarded, ISSUER_PRESIDENT, decree)
            )

    def _innovations(self) -> list[InnovationRow]:
        rng = self.rng
        count = max(MIN_INNOVATIONS, round(len(self.careers) * INNOVATIONS_PER_EMPLOYEE))
        rows: list[InnovationRow] = []
        taken: set[str] = set()
        for c in self.careers:
            persona = PERSONA_CAREERS.get(c.nip)
            if persona and persona.innovation:
                title, year, description, recognition = persona.innovation
                rows.append(self._innovation(c, title, year, description, recognition))
                taken.add(c.nip)
        pool = [
            c
            for c in self.careers
            if c.spec.employment_type == "pns"
            and c.spec.status == "aktif"
            and c.nip not in taken
            and (c.post_kind in STRUCTURAL or c.post_kind == "fungsional_keahlian" or rng.random() < 0.2)
        ]
        by_place: dict[str, list[_Career]] = defaultdict(list)
        for c in pool:
            by_place[c.opd].append(c)
            if c.unit_kind != c.opd:
                by_place[c.unit_kind].append(c)
        for index in range(count - len(rows)):
            where, title, description = INNOVATIONS[index % len(INNOVATIONS)]
            c = None
            for options in [[c for place in where for c in by_place.get(place, ())], pool]:
                for _attempt in range(20):  # a random pick that nobody took yet
                    if not options:
                        break
                    pick = rng.choice(options)
                    if pick.nip not in taken:
                        c = pick
                        break
                if c is not None:
                    break
            if c is None:
                break
            taken.add(c.nip)
            suffix = "" if index < len(INNOVATIONS) else f" di {self.units[c.spec.unit_code].name}"
            year = rng.randint(self.as_of.year - 6, self.as_of.year - 1)
            rows.append(self._innovation(c, title + suffix, year, description, rng.randrange(len(RECOGNITIONS))))
        return rows

    def _innovation(self, c: _Career, title: str, year: int, description: str, recognition: int) -> InnovationRow:
        text, issuer = RECOGNITIONS[recognition]
        place = "I" if c.locked else self.rng.choice(("I", "II", "III", "Harapan I"))
        text = text.format(year=year, place=place)
        if text:
            awarded = min(dt.date(year, 11, self.rng.randint(1, 28)), self.as_of)
            c.awards.append(AwardRow(c.nip, OTHER_AWARD, text, awarded, issuer, ""))
        return InnovationRow(c.nip, title, year, c.spec.unit_code, description, text)

    def _city_awards(self) -> None:
        """The city's awards of the year on its anniversary (2 May): ASN, teachers and health
        workers of the year, a few each year."""
        rng = self.rng
        years = [
            year for year in range(self.as_of.year - 5, self.as_of.year + 1) if dt.date(year, *CITY_DAY) <= self.as_of
        ]
        pools = {
            "ASN Berprestasi Tingkat Kota Semarang Tahun {year}": [
                c for c in self.careers if c.spec.employment_type == "pns" and c.post_kind in ("pelaksana", *STRUCTURAL)
            ],
            "Guru Berprestasi Tingkat Kota Semarang Tahun {year}": [
                c for c in self.careers if c.spec.employment_type in ("pns", "pppk") and c.unit_kind == "sekolah"
            ],
            "Tenaga Kesehatan Teladan Tingkat Kota Semarang Tahun {year}": [
                c for c in self.careers if c.spec.employment_type in ("pns", "pppk") and c.unit_kind == "puskesmas"
            ],
        }
        per_year = max(1, round(len(self.careers) / 1500))
        for year in years:
            for name, pool in pools.items():
                good = [c for c in pool if c.ratings.get(year - 1) == "sangat_baik" and c.spec.status == "aktif"]
                for c in rng.sample(good, min(per_year, len(good))):
                    c.awards.append(
                        AwardRow(c.nip, OTHER_AWARD, name.format(year=year), dt.date(year, *CITY_DAY), ISSUER_CITY, "")
                    )

    # -- penyesuaian ijazah candidates -----------------------------------------------------------------

    def _pending_diplomas(self) -> None:
        """A few employees earned a higher diploma after their last promotion and await its
        penyesuaian ijazah; their time in rank, SKP and UKPPI vary (module docstring)."""
        rng = self.rng
        latest_tmt = self.as_of - dt.timedelta(days=120)
        pool: list[tuple[_Career, str]] = []
        for c in self.careers:
            spec = c.spec
            if (
                spec.employment_type != "pns"
                or spec.status != "aktif"
                or c.locked
                or c.post_kind not in ("pelaksana", *FUNCTIONAL)
                or c.post_name == "Kepala Sekolah"
                or spec.rank_tmt_on > latest_tmt
                or len(c.edu_changes) > 1
            ):
                continue
            for held, ranks, new in PENDING_LEVELS:
                if spec.education in held and spec.rank in ranks:
                    pool.append((c, new))
                    break
        if not pool:
            return
        count = min(len(pool), max(MIN_PENDING, round(len(self.careers) * PENDING_SHARE)))
        # Those whose year in rank completes in the coming periods come first.
        completing = [item for item in pool if self.as_of < add_years(item[0].spec.rank_tmt_on, 1) <= self.coming[-1]]
        chosen = completing[:2]
        taken = {c.nip for c, _level in chosen}
        rest = [item for item in pool if item[0].nip not in taken]
        chosen += rng.sample(rest, min(len(rest), count - len(chosen)))
        position = {c.nip: index for index, c in enumerate(self.careers)}
        chosen.sort(key=lambda item: position[item[0].nip])
        variants = ("ukppi", "tugas_belajar", "no_ukppi", "ukppi", "skp", "ukppi")
        for index, (c, level) in enumerate(chosen):
            variant = variants[index % len(variants)]
            tmt = c.spec.rank_tmt_on
            graduated = _between(rng, tmt + dt.timedelta(days=60), self.as_of - dt.timedelta(days=45))
            path = TUGAS_BELAJAR if variant == "tugas_belajar" else IZIN_BELAJAR
            major = rng.choice(PENDING_MAJORS[level])
            c.pending = self._diploma(c, level, graduated, path, major=major)
            if variant in ("ukppi", "skp"):
                passed = _between(rng, graduated + dt.timedelta(days=20), self.as_of - dt.timedelta(days=10))
                c.exams.append(ExamRow(c.nip, UKPPI, passed))
            for period in self.coming:
                if c.ratings.get(period.year - 1) not in GOOD:
                    c.ratings[period.year - 1] = "baik"
            if variant == "skp":
                for period in self.coming:
                    c.ratings[period.year - 1] = "butuh_perbaikan"
            c.locked = True

    # -- angka kredit ------------------------------------------------------------------------------------

    def _percent(self, c: _Career, year: int) -> int:
        """Share of the coefficient a year earns: its predikat's; 100 before the SKP years on
        record (the years the integration converted); nothing for a recorded year without one."""
        if year < self.first_skp_year:
            return 100
        predikat = c.ratings.get(year)
        return self.ref.rates.get(predikat, 0) if predikat else 0

    def _ak_state(self, c: _Career) -> list[tuple[dt.date, Decimal]]:
        """The PAKs up to `as_of` (DOMAIN.md §4), (date, cumulative AK in the current level):
        the integration PAK on 31 December 2022 for a level entered before 2023, then one on
        31 December of each year. Months count as `careers.credits` counts them: from the
        first month starting on or after the level's TMT, `coefficient x percent x months / 12`."""
        if c.ak is not None:
            return c.ak
        c.ak_on = {}
        paks: list[tuple[dt.date, Decimal]] = []
        since = c.jf_since
        if since is not None and c.spec.employment_type == "pns" and c.spec.status == "aktif":
            coefficient = self.ref.coefficients.get(c.jenjang, Decimal(0))
            first = _index(since) + (1 if since.day > 1 else 0)
            total = c.ak_surplus
            if since.year < NEW_AK_SYSTEM_YEAR:
                for year in range(since.year, NEW_AK_SYSTEM_YEAR):
                    months = _months_in(year, first, NEW_AK_SYSTEM_YEAR * 12)
                    total += coefficient * self._percent(c, year) * months / Decimal(1200)
                total = total.quantize(AK_PLACES)
                paks.append((INTEGRATION_DAY, total))
            for year in range(max(since.year, NEW_AK_SYSTEM_YEAR), self.last_skp_year + 1):
                day = dt.date(year, 12, 31)
                if day > self.as_of:
                    break
                months = _months_in(year, first, (year + 1) * 12)
                total = (total + coefficient * self._percent(c, year) * months / Decimal(1200)).quantize(AK_PLACES)
                paks.append((day, total))
        c.ak = paks
        return paks

    def _credit_rows(self, c: _Career) -> list[CreditRow]:
        return [CreditRow(c.nip, day, c.jenjang, total) for day, total in self._ak_state(c)]

    def _ak_on(self, c: _Career, period: dt.date) -> Decimal:
        """The AK `careers.credits` finds for `period`: the latest PAK, then the predikat of
        each month after it up to the month before the period."""
        paks = self._ak_state(c)
        if period in c.ak_on:
            return c.ak_on[period]
        if paks:
            start, total = _index(paks[-1][0]) + 1, paks[-1][1]
        else:
            start, total = _index(c.jf_since) + (1 if c.jf_since.day > 1 else 0), Decimal(0)
        coefficient = self.ref.coefficients.get(c.jenjang, Decimal(0))
        until = _index(period)
        for year, predikat in c.ratings.items():
            months = _months_in(year, start, until)
            if months:
                total += coefficient * self.ref.rates.get(predikat, 0) * months / Decimal(1200)
        c.ak_on[period] = total
        return total

    # -- the outlook ---------------------------------------------------------------------------------------

    def _blocked(self, c: _Career, day: dt.date) -> bool:
        """A sedang/berat sanction in force or an examination open on `day` (DOMAIN.md §8.3):
        what `integrity.services` answered for the coming periods, else the sanctions."""
        if day in self.not_in_good_standing:
            return c.nip in self.not_in_good_standing[day]
        return any(
            level in BLOCKING_LEVELS and starts <= day and (ends is None or ends > day)
            for level, starts, ends in c.sanctions
        )

    def _kind_of(self, c: _Career, period: dt.date) -> str | None:
        """The kind the engine decides for `c` (careers.eligibility.situation): penyesuaian
        ijazah with a new diploma above the rank, else by the post; None for who is never
        promoted (CPNS, PPPK, suspended or on leave)."""
        spec = c.spec
        if spec.employment_type != "pns" or spec.rank is None or spec.status not in PROMOTABLE:
            return None
        diploma = c.pending
        if (
            diploma is not None
            and diploma.graduated_on <= period
            and self.education[diploma.level].starting_rank > spec.rank
        ):
            return IJAZAH
        if c.post_kind in STRUCTURAL:
            return STRUKTURAL
        if c.post_kind in FUNCTIONAL:
            return FUNGSIONAL
        return REGULER

    def _outlook(self, c: _Career, kind: str, period: dt.date) -> tuple[bool, tuple[str, ...]] | None:
        """Whether `c` meets each criterion of `kind` for `period`, criteria as
        `careers.eligibility` reads them (DOMAIN.md §3.1; leadership training as an exemption
        from ujian dinas is left out): None when `kind` is not `c`'s, else (eligible, the
        criteria missed)."""
        if self._kind_of(c, period) != kind:
            return None
        spec = c.spec
        rank, tmt = spec.rank, spec.rank_tmt_on
        years, skp_years, below_rank_years, below_post_years = self.ref.rules[kind]
        position = self.position_specs.get(spec.position_key) if spec.position_key else None
        reasons: list[str] = []
        if add_years(spec.born_on, _retirement_age(c)) < period:
            reasons.append("status")
        due = add_years(tmt, years)
        if kind == STRUKTURAL and position and position.min_rank == rank + 1 and below_rank_years is not None:
            due = add_years(tmt, below_rank_years)
            if below_post_years is not None:
                since = c.post_since or spec.rank_tmt_on
                due = max(due, add_years(since, below_post_years))
        if due > period:
            reasons.append("time")
        for year in range(period.year - skp_years, period.year):
            if c.ratings.get(year) not in GOOD:
                reasons.append("performance")
                break
        if kind == REGULER:
            ceiling = self.education[spec.education].ceiling
        elif kind in (STRUKTURAL, FUNGSIONAL) and position and position.max_rank:
            ceiling = position.max_rank
        else:
            ceiling = 17
        if rank + 1 > ceiling:
            reasons.append("ceiling")
        if kind == FUNGSIONAL:
            needed = self.ref.requirements.get((c.jenjang, rank), (None, None))[0]
            if needed is None or c.jf_since is None or self._ak_on(c, period) < needed:
                reasons.append("credit")
        if kind != IJAZAH and rank in CROSSINGS and kind != FUNGSIONAL:
            exam, exempt_from = CROSSINGS[rank]
            exempt = self._order(spec.education) >= self._order(exempt_from)
            if not exempt and not self._has_exam(c, exam, until=period):
                reasons.append("exam")
        if (
            kind == IJAZAH
            and c.pending.path == IZIN_BELAJAR
            and not self._has_exam(c, UKPPI, after=c.pending.graduated_on, until=period)
        ):
            reasons.append("ukppi")
        if self._blocked(c, period):
            reasons.append("integrity")
        return not reasons, tuple(reasons)

    def _has_exam(self, c: _Career, kind: str, *, after: dt.date | None = None, until: dt.date) -> bool:
        return any(
            exam.kind == kind and exam.passed_on <= until and (after is None or exam.passed_on >= after)
            for exam in c.exams
        )

    def _candidates(self, kind: str) -> list[_Career]:
        """The employees whose kind is `kind` on the first coming period."""
        if kind not in self._applicable:
            self._applicable[kind] = [c for c in self.careers if self._kind_of(c, self.coming[0]) == kind]
        return self._applicable[kind]

    def _ensure_outlook(self) -> None:
        """Where chance left a kind and period without MIN_SHOWCASE eligible (or not eligible)
        employees, fix (or break) a few: never a persona or a penyesuaian ijazah candidate."""
        fixable = {"performance", "exam", "credit"}
        for _round in range(2):  # twice: a fix for one period can shift another's counts
            changed = self._ensure_round(fixable)
            if not changed:
                break

    def _ensure_round(self, fixable: set[str]) -> bool:
        changed = False
        for kind in ENGINE_KINDS:
            for period in self.coming:
                results = [(c, self._outlook(c, kind, period)) for c in self._candidates(kind)]
                results = [(c, outlook) for c, outlook in results if outlook is not None]
                eligible = [c for c, (ok, _reasons) in results if ok]
                if len(eligible) < MIN_SHOWCASE:
                    for c, (_ok, reasons) in results:
                        if len(eligible) >= MIN_SHOWCASE:
                            break
                        if c.locked or not set(reasons) <= fixable:
                            continue
                        if self._fix(c, kind, period, set(reasons)):
                            eligible.append(c)
                            changed = True
                not_eligible = [c for c, (ok, _reasons) in results if not ok]
                if len(not_eligible) < MIN_SHOWCASE:
                    for c in eligible:
                        if len(not_eligible) >= MIN_SHOWCASE:
                            break
                        if c.locked or len(eligible) <= MIN_SHOWCASE:
                            continue
                        year = period.year - 1
                        if (len(not_eligible) % 2) == 0:
                            c.ratings[year] = "butuh_perbaikan"
                        else:
                            c.ratings.pop(year, None)
                        c.ak = None
                        c.locked = True
                        eligible.remove(c)
                        not_eligible.append(c)
                        changed = True
        return changed

    def _fix(self, c: _Career, kind: str, period: dt.date, reasons: set[str]) -> bool:
        """Make `c` eligible for `kind` on `period` where an SKP, an ujian dinas or some AK is
        all it misses (the AK as a surplus the integration brought from the old system)."""
        rng = self.rng
        skp_years = self.ref.rules[kind][1]
        saved = (dict(c.ratings), list(c.exams), c.ak_surplus)
        for year in range(period.year - skp_years, period.year):
            if c.ratings.get(year) not in GOOD:
                c.ratings[year] = "baik"
        if "exam" in reasons:
            first = max(c.spec.rank_tmt_on + dt.timedelta(days=200), self.as_of - dt.timedelta(days=700))
            passed = _between(rng, first, self.as_of - dt.timedelta(days=20))
            c.exams.append(ExamRow(c.nip, CROSSINGS[c.spec.rank][0], passed))
        c.ak = None
        if "credit" in reasons:
            needed = self.ref.requirements.get((c.jenjang, c.spec.rank), (None, None))[0]
            if needed is not None and self._ak_state(c):
                short = needed - self._ak_on(c, self.coming[0])
                if short > 0:
                    c.ak_surplus += short.quantize(AK_PLACES) + rng.randint(1, 8)
                    c.ak = None
        outlook = self._outlook(c, kind, period)
        if outlook is None or not outlook[0]:
            c.ratings, c.exams, c.ak_surplus = saved
            c.ak = None
            return False
        c.locked = True
        return True

    def _outlook_counts(self) -> list[OutlookCount]:
        counts = []
        for kind in ENGINE_KINDS:
            years = self.ref.rules[kind][0]
            for period in self.coming:
                eligible = not_eligible = completing = 0
                for c in self._candidates(kind):
                    outlook = self._outlook(c, kind, period)
                    if outlook is None:
                        continue
                    if outlook[0]:
                        eligible += 1
                    else:
                        not_eligible += 1
                    due = add_years(c.spec.rank_tmt_on, years)
                    completing += self.as_of < due <= period
                counts.append(OutlookCount(kind, period, eligible, not_eligible, completing))
        return counts

    # -- personas --------------------------------------------------------------------------------------------

    def _persona(self, c: _Career, career: PersonaCareer) -> None:
        spec = c.spec
        c.locked = True
        first = spec.cpns_tmt_on
        for level, major, institution, day, path in career.diplomas:
            c.diplomas.append(DiplomaRow(c.nip, level, major, institution, day, self._diploma_number(level, day), path))
        start_rank = career.ranks[0][0] if career.ranks[0][2] == PNS else spec.rank
        rows = [(start_rank, first, CPNS), *career.ranks]
        previous = start_rank
        cut = 0
        for rank, tmt, kind in rows:
            cut += _cut_months(previous, rank)
            served = max(0, _index(tmt) - _index(first) - cut)
            prefix = {CPNS: "813.2", PNS: "813.3"}.get(kind, "823.3")
            decree_on = tmt - dt.timedelta(days=30)
            c.ranks.append(
                RankRow(c.nip, rank, tmt, str(kind), self._decree(prefix, decree_on), decree_on, *divmod(served, 12))
            )
            previous = rank
        since = self.position_since.get(c.nip) or career.post_since
        posts = list(career.posts)
        key = spec.position_key
        if not any(unit == "" and name == key[1] for _day, name, _kind, _jenjang, unit in posts):
            posts = [post for post in posts if since is None or post[0] < since]
            posts.append((since or posts[-1][0], key[1], key[2], key[3], ""))
        for index, (day, name, kind, jenjang, unit) in enumerate(posts):
            current = index == len(posts) - 1
            prefix = "821.2" if kind != "pelaksana" else ""
            c.positions.append(
                PositionRow(
                    c.nip,
                    key if current else None,
                    name,
                    kind,
                    jenjang,
                    unit or spec.unit_code,
                    day,
                    self._decree(prefix, day) if prefix else "",
                )
            )
        c.post_since = c.positions[-1].tmt_on
        if c.post_kind in FUNCTIONAL:
            c.jf_since = next(row.tmt_on for row in c.positions if row.kind in FUNCTIONAL and row.jenjang == c.jenjang)
        c.ak_surplus = career.ak_surplus
        appointed = c.appointed_on
        for year in range(max(appointed.year, self.first_skp_year), self.last_skp_year + 1):
            if year in career.ratings:
                c.ratings[year] = career.ratings[year]
        self._satyalancana(c)


def _months_in(year: int, start: int, end: int) -> int:
    """Months of `year` in the month indexes [start, end)."""
    return max(0, min((year + 1) * 12, end) - max(year * 12, start))


def _retirement_age(c: _Career) -> int:
    """BUP of the post (DOMAIN.md §11), as careers.eligibility.retirement_age reads it."""
    if c.post_name.lower().startswith("guru"):
        return 60
    if c.post_kind in ("jpt_utama", "jpt_madya", "jpt_pratama"):
        return 60
    if c.post_kind in FUNCTIONAL and c.jenjang in ("ahli_madya", "ahli_utama"):
        return 65 if c.jenjang == "ahli_utama" else 60
    return 58


@functools.cache
def _cut_months(before: int, after: int) -> int:
    """Masa kerja golongan lost moving from rank `before` to `after`."""
    return sum(
        months
        for (low, high), months in GOLONGAN_CUT_MONTHS.items()
        if _golongan(before) <= low < high <= _golongan(after)
    )


def _golongan(rank: int) -> int:
    return (rank - 1) // 4 + 1 if rank <= 16 else 4


def _appointed_on(employee: city_demo.EmployeeSpec) -> dt.date:
    """TMT CPNS; for PPPK the year in the NI PPPK (paruh waktu: December of that year), as the
    training demo reads it."""
    if employee.cpns_tmt_on:
        return employee.cpns_tmt_on
    year = int(employee.nip[8:12])
    return dt.date(year, 12, 1) if employee.employment_type == "pppk_paruh_waktu" else dt.date(year, 1, 1)


def build_careers(
    city: city_demo.DemoCity,
    *,
    as_of: dt.date | None = None,
    reference: Reference = DEFAULT_REFERENCE,
    position_since: Mapping[str, dt.date] | None = None,
    sanctions: Mapping[str, tuple[tuple[str, dt.date, dt.date | None], ...]] | None = None,
    not_in_good_standing: Mapping[dt.date, frozenset[str]] | None = None,
) -> CareerPlan:
    """The career records of `city` as plain data. `as_of` is the day of seeding
    (REFERENCE_DATE when None or earlier); `position_since` the posts' TMT by NIP the
    database holds, `sanctions` the (level, start, exclusive end) of each employee's
    sanctions (annulled ones left out) and `not_in_good_standing` the NIPs that
    `integrity.services` finds sanctioned or under examination on each coming period. The
    same arguments always give the same plan."""
    as_of = max(as_of or city_demo.REFERENCE_DATE, city_demo.REFERENCE_DATE)
    return _Planner(city, as_of, reference, position_since or {}, sanctions or {}, not_in_good_standing or {}).build()


def coming_periods(as_of: dt.date, reference: Reference = DEFAULT_REFERENCE) -> tuple[dt.date, ...]:
    """The promotion periods the plan looks at: the next three after `as_of` (or after
    REFERENCE_DATE when earlier)."""
    as_of = max(as_of, city_demo.REFERENCE_DATE)
    return Periods(reference.regimes).following(as_of, COMING_PERIODS)


# --- Writing ---------------------------------------------------------------------------------


def seed(city: city_demo.DemoCity, *, today: dt.date, log: Callable[[str], None] = lambda message: None) -> int:
    """Write the career records of `city` (already in the database, with the training and
    integrity demos' records); return how many records were created (0 when they exist or the
    database holds another city). Then the study-leave records (`careers.study_demo`), which
    keep their own guard: a database seeded before them gets them on the next run."""
    from careers import study_demo

    with transaction.atomic(), _gc_paused():
        created = _Writer(city, today, log).write()
        return created + study_demo.seed(city, today=today, log=log)


@contextlib.contextmanager
def _gc_paused():
    """The plan and the rows are hundreds of thousands of small objects that live until the
    end and form no cycles: Python's cyclic collector would walk them again and again (a
    third of the time for 15,000 employees). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    def __init__(self, city: city_demo.DemoCity, today: dt.date, log: Callable[[str], None]):
        self.city = city
        self.today = today
        self.log = log

    def write(self) -> int:
        persona_nips = [persona.nip for persona in city_demo.PERSONAS]
        if RankHistory.objects.filter(employee__nip__in=persona_nips).exists():
            self.log("Careers: the demo's career records are already in the database: nothing to add.")
            return 0
        nips = [employee.nip for employee in self.city.employees]
        employees: dict[str, tuple[int, dt.date | None]] = {}
        for chunk in _chunks(nips):
            rows = Employee.objects.filter(nip__in=chunk).values_list("nip", "pk", "position_since_on")
            employees.update((nip, (pk, since)) for nip, pk, since in rows)
        if len(employees) != len(nips):
            self.log("Careers: the database holds another demo city (seed or size): no career records added.")
            return 0
        position_since = {nip: since for nip, (_pk, since) in employees.items() if since is not None}
        reference = reference_from_db()
        plan = build_careers(
            self.city,
            as_of=self.today,
            reference=reference,
            position_since=position_since,
            sanctions=load_sanctions(),
            not_in_good_standing=load_standing(coming_periods(self.today, reference)),
        )
        ids = {nip: pk for nip, (pk, _since) in employees.items()}
        units = dict(OrgUnit.objects.filter(code__in=[unit.code for unit in self.city.units]).values_list("code", "pk"))
        code_of = {pk: code for code, pk in units.items()}
        positions = {
            (code_of.get(unit_id), name, kind, jenjang): pk
            for unit_id, name, kind, jenjang, pk in Position.objects.values_list(
                "unit_id", "name", "kind", "jenjang", "pk"
            )
        }
        levels = dict(EducationLevel.objects.values_list("code", "pk"))
        now = timezone.now()
        created = 0
        created += insert_rows(
            RankHistory,
            [
                {
                    "employee_id": ids[row.nip],
                    "rank_id": row.rank,
                    "tmt_on": row.tmt_on,
                    "decree_number": row.decree_number,
                    "decree_on": row.decree_on,
                    "kind": row.kind,
                    "service_years": row.service_years,
                    "service_months": row.service_months,
                    "created_at": now,
                }
                for row in plan.ranks
            ],
        )
        created += insert_rows(
            PositionHistory,
            [
                {
                    "employee_id": ids[row.nip],
                    "position_id": positions.get(row.position_key) if row.position_key else None,
                    "name": row.name,
                    "kind": row.kind,
                    "jenjang": row.jenjang,
                    "unit_id": units[row.unit_code],
                    "tmt_on": row.tmt_on,
                    "decree_number": row.decree_number,
                }
                for row in plan.positions
            ],
        )
        created += insert_rows(
            EducationHistory,
            [
                {
                    "employee_id": ids[row.nip],
                    "level_id": levels[row.level],
                    "major": row.major,
                    "institution": row.institution,
                    "graduated_on": row.graduated_on,
                    "diploma_number": row.diploma_number,
                    "path": row.path,
                }
                for row in plan.diplomas
            ],
        )
        created += insert_rows(
            PerformanceRating,
            [{"employee_id": ids[row.nip], "year": row.year, "predikat": row.predikat} for row in plan.ratings],
        )
        created += insert_rows(
            ExamResult,
            [{"employee_id": ids[row.nip], "kind": row.kind, "passed_on": row.passed_on} for row in plan.exams],
        )
        created += insert_rows(
            CreditAssessment,
            [
                {
                    "employee_id": ids[row.nip],
                    "assessed_on": row.assessed_on,
                    "jenjang": row.jenjang,
                    "total": row.total,
                }
                for row in plan.credits
            ],
        )
        created += insert_rows(
            Award,
            [
                {
                    "employee_id": ids[row.nip],
                    "kind": row.kind,
                    "name": row.name,
                    "awarded_on": row.awarded_on,
                    "issuer": row.issuer,
                    "decree_number": row.decree_number,
                }
                for row in plan.awards
            ],
        )
        created += insert_rows(
            Innovation,
            [
                {
                    "employee_id": ids[row.nip],
                    "title": row.title,
                    "year": row.year,
                    "unit_id": units[row.unit_code],
                    "description": row.description,
                    "recognition": row.recognition,
                }
                for row in plan.innovations
            ],
        )
        updated = self._position_since(ids)
        self._education(plan, ids, levels)
        self._report(plan, updated)
        created += _Proposals(self.city, self.today, self.log).write()
        return created

    def _education(self, plan: CareerPlan, ids: Mapping[str, int], levels: Mapping[str, int]) -> None:
        """The highest education of those awaiting a penyesuaian ijazah becomes their new
        diploma's, as `careers.history.record_education` keeps it (the rank stays below its
        starting rank until the promotion: that is what makes them candidates)."""
        by_level: dict[str, list[int]] = defaultdict(list)
        for nip, level in plan.pending_ijazah:
            by_level[level].append(ids[nip])
        for level, employee_ids in sorted(by_level.items()):
            Employee.objects.filter(pk__in=employee_ids).update(education_id=levels[level])

    def _position_since(self, ids: Mapping[str, int]) -> int:
        """`position_since_on` of employees with a post and none recorded: their latest post's
        TMT, as `careers.history.record_position` sets it (one UPDATE)."""
        latest = PositionHistory.objects.filter(employee_id=OuterRef("pk")).order_by("-tmt_on").values("tmt_on")[:1]
        updated = 0
        for chunk in _chunks(list(ids.values()), 5 * CHUNK):
            updated += Employee.objects.filter(
                pk__in=chunk, position__isnull=False, position_since_on__isnull=True
            ).update(position_since_on=Subquery(latest))
        return updated

    def _report(self, plan: CareerPlan, updated: int) -> None:
        kinds = Counter(row.kind for row in plan.ranks)
        self.log(
            f"Careers: {len(plan.ranks)} rank rows ({kinds[REGULER]} reguler, {kinds[FUNGSIONAL]} fungsional, "
            f"{kinds[STRUKTURAL]} struktural, {kinds[IJAZAH]} penyesuaian ijazah), {len(plan.positions)} posts, "
            f"{len(plan.diplomas)} diplomas ({len(plan.pending_ijazah)} awaiting penyesuaian ijazah), "
            f"{len(plan.ratings)} SKP ratings, {len(plan.exams)} exams, {len(plan.credits)} PAK, "
            f"{len(plan.awards)} awards, {len(plan.innovations)} innovations; {updated} employees got their "
            "post's TMT."
        )
        for count in plan.outlook:
            self.log(
                f"Careers: {count.kind} for {count.period:%Y-%m-%d}: {count.eligible} eligible, "
                f"{count.not_eligible} not eligible, {count.completing} completing their time in rank."
            )


# --- Promotion proposals ---------------------------------------------------------------------

# state -> how many; the live states on the open period (first the ones the operator persona
# acts on: waiting for the supervisor, returned to her), the final ones on the past period.
LIVE_PROPOSALS = {"proposed": 3, "returned": 2, "supervisor_approved": 3, "submitted": 3, "verified": 2}
PAST_PROPOSALS = {"approved": 3, "rejected": 1}
RETURN_REASONS = (  # SK pangkat missing, SKP missing
    "SK pangkat terakhir belum dilampirkan; mohon dilengkapi.",
    "SKP dua tahun terakhir belum diunggah; mohon dilengkapi.",
)
REJECT_REASON = "BKN: masa kerja dalam pangkat belum memenuhi menurut data SIASN."
SUPERVISOR_NOTE = "Kinerja yang bersangkutan baik; disetujui."


class _Proposals:
    """Promotion proposals at every step of the workflow, through `careers.proposals`."""

    def __init__(self, city: city_demo.DemoCity, today: dt.date, log: Callable[[str], None]):
        self.city = city
        self.today = today
        self.log = log

    def write(self) -> int:
        from asn_portal.models import User
        from careers import eligibility, periods

        admin_name = next(account.username for account in self.city.accounts if account.role == "admin_bkpp")
        self.admin = User.objects.filter(username=admin_name).first()
        operator = Employee.objects.filter(nip=city_demo.PERSONA_OPERATOR.nip).values_list("opd_id", "user_id").first()
        supervisor_id = (
            Employee.objects.filter(nip=city_demo.PERSONA_SUPERVISOR.nip).values_list("pk", flat=True).first()
        )
        if self.admin is None or operator is None:
            return 0
        self.opd_id, operator_user_id = operator
        self.operator = User.objects.filter(pk=operator_user_id).first() if operator_user_id else None
        open_periods = periods.open_for(self.today)
        current = open_periods[0] if open_periods else periods.next_period(self.today)
        past = periods.periods_between(self.today - dt.timedelta(days=400), self.today - dt.timedelta(days=1))
        persona_nips = [persona.nip for persona in city_demo.PERSONAS]
        base = Employee.objects.filter(supervisor__user__isnull=False).exclude(nip__in=persona_nips)
        used: set[int] = set()
        counts: Counter[str] = Counter()

        def pick(period: dt.date, wanted: int) -> list[Employee]:
            found = list(eligibility.eligible(base, period).select_related("supervisor__user").order_by("nip"))

            def order(employee: Employee) -> tuple[int, int, str]:
                return (employee.opd_id != self.opd_id, employee.supervisor_id != supervisor_id, employee.nip)

            chosen = [employee for employee in sorted(found, key=order) if employee.pk not in used][:wanted]
            used.update(employee.pk for employee in chosen)
            return chosen

        if current is not None:
            # The atasan persona's staff first go to "proposed": they wait in his inbox.
            candidates = pick(current, sum(LIVE_PROPOSALS.values()))
            # Round robin, so the first ones (the operator persona's OPD) have one of each.
            states = [
                state
                for n in range(max(LIVE_PROPOSALS.values()))
                for state, count in LIVE_PROPOSALS.items()
                if n < count
            ]
            for employee, state in zip(candidates, states, strict=False):
                self._through(employee, current, state, today=self.today if current in open_periods else None)
                counts[state] += 1
        if past:
            period = past[-1]
            candidates = pick(period, sum(PAST_PROPOSALS.values()))
            states = [state for state, count in PAST_PROPOSALS.items() for _n in range(count)]
            for employee, state in zip(candidates, states, strict=False):
                self._through(employee, period, state, today=None)
                counts[state] += 1
        self.log(
            "Careers: promotion proposals "
            + ", ".join(f"{counts[state]} {state}" for state in [*LIVE_PROPOSALS, *PAST_PROPOSALS])
            + (f" (period {current:%Y-%m-%d}" if current else " (")
            + (f"; decided: period {past[-1]:%Y-%m-%d})." if past else ").")
        )
        return sum(counts.values())

    def _through(self, employee: Employee, period: dt.date, state: str, *, today: dt.date | None) -> None:
        """Propose `employee` for `period` and take the proposal on to `state`."""
        from careers import proposals

        proposer = self.operator if employee.opd_id == self.opd_id and self.operator else self.admin
        supervisor = employee.supervisor.user
        number = self._number(employee, period)
        documents = list(DocumentKind.values)  # the whole dossier (the proposal keeps its kind's)
        if state == "returned":  # what the supervisor sends it back for
            documents.remove(DocumentKind.SKP if number % 2 else DocumentKind.SK_PANGKAT)
        proposal = proposals.propose(employee, period_on=period, by=proposer, documents=documents, today=today)
        if state == "returned":
            reason = RETURN_REASONS[number % 2]
            proposals.return_to_opd(proposal, by=supervisor, reason=reason)
            return
        if state == "proposed":
            return
        proposals.approve_as_supervisor(proposal, by=supervisor, note=SUPERVISOR_NOTE)
        if state == "supervisor_approved":
            return
        proposals.verify(proposal, by=self.admin, documents=documents)
        if state == "verified":
            return
        proposals.submit_to_bkn(proposal, by=self.admin, reference=f"KP-{period:%Y%m}-{number:06d}")
        if state == "rejected":
            proposals.reject(proposal, by=self.admin, reason=REJECT_REASON)
        elif state == "approved":
            decree_on = period - dt.timedelta(days=20)
            proposals.record_decree(
                proposal,
                by=self.admin,
                decree_number=f"823.3/{number % 10000:04d}/BKPP/{period.year}",
                decree_on=decree_on,
                tmt_on=period,
            )

    @staticmethod
    def _number(employee: Employee, period: dt.date) -> int:
        return (int(employee.nip[-6:]) * 31 + period.toordinal()) % 1_000_000


def load_standing(periods: tuple[dt.date, ...]) -> dict[dt.date, frozenset[str]]:
    """NIPs sanctioned (sedang/berat) or under examination on each period, as
    `integrity.services` answers careers (one query per period)."""
    from integrity.services import with_standing

    return {
        period: frozenset(
            with_standing(Employee.objects.all(), period).filter(integrity_good=False).values_list("nip", flat=True)
        )
        for period in periods
    }


def load_sanctions() -> dict[str, tuple[tuple[str, dt.date, dt.date | None], ...]]:
    from integrity.models import Sanction

    found: dict[str, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    rows = Sanction.objects.filter(is_annulled=False).values_list(
        "employee__nip", "type__level", "starts_on", "ends_on"
    )
    for nip, level, starts_on, ends_on in rows.order_by("employee__nip", "starts_on", "pk"):
        found[nip].append((level, starts_on, ends_on))
    return {nip: tuple(items) for nip, items in found.items()}
