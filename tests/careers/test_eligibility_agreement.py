"""The per-employee explanation and the set-based run are the same rules (careers/eligibility.py):
on generated populations — every employment type and status, ages around the retirement age,
every rank, posts of each kind with and without rank ranges, diplomas, SKP years, exams, PAKs,
position moves, sanctions, cases and leadership training, on periods of two regimes — both give
every employee the same kind, target, per-criterion verdict and overall answer.

Each example runs inside a savepoint of the test's transaction and is rolled back, so the
examples share one database without seeing each other's rows."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asn_portal.models import EducationLevel, Employee, EmploymentType, Position, PositionKind, Rank
from careers import eligibility
from careers.models import CreditAssessment, EducationHistory, ExamResult, PerformanceRating, PositionHistory
from integrity import services as integrity
from integrity.models import CaseStatus, SanctionType
from tests.factories import EmployeeFactory
from training.models import OutsideLearning, Program, Registration, Session

pytestmark = pytest.mark.django_db

PERIODS = [dt.date(2025, 8, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 10, 1)]
FAR = dt.date(2035, 1, 1)  # "today" for the services: nothing generated is in its future
EDUCATION = ["SD", "SLTP", "SLTA", "D3", "D4", "S1", "PROFESI", "S2", "S3"]
JENJANG = ["", "terampil", "mahir", "ahli_pertama", "ahli_muda", "ahli_madya"]
PREDIKAT = ["sangat_baik", "baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]
SANCTIONS = ["teguran_lisan", "potong_tukin_25_6_bulan", "potong_tukin_25_12_bulan", "penurunan_jabatan_12_bulan"]
# key: kind, jenjang, lowest, highest, name
POSTS = {
    "pelaksana": (PositionKind.PELAKSANA, "", None, None, "Pengadministrasi Umum"),
    "pengawas": (PositionKind.PENGAWAS, "", "III/b", "III/c", "Kepala Seksi"),
    "pengawas_open": (PositionKind.PENGAWAS, "", None, None, "Kepala Subbagian"),
    "administrator": (PositionKind.ADMINISTRATOR, "", "III/d", "IV/a", "Sekretaris Dinas"),
    "jpt": (PositionKind.JPT_PRATAMA, "", "IV/b", "IV/c", "Kepala Dinas"),
    "ahli_pertama": (PositionKind.FUNGSIONAL_KEAHLIAN, "ahli_pertama", None, None, "Epidemiolog Kesehatan"),
    "ahli_muda": (PositionKind.FUNGSIONAL_KEAHLIAN, "ahli_muda", None, None, "Epidemiolog Kesehatan"),
    "ahli_madya": (PositionKind.FUNGSIONAL_KEAHLIAN, "ahli_madya", None, None, "Dokter"),
    "terampil": (PositionKind.FUNGSIONAL_KETERAMPILAN, "terampil", None, "III/a", "Perawat"),
    "mahir": (PositionKind.FUNGSIONAL_KETERAMPILAN, "mahir", None, None, "Perawat"),
    "guru": (PositionKind.FUNGSIONAL_KEAHLIAN, "ahli_pertama", None, None, "Guru Kelas"),
    "jf_without_jenjang": (PositionKind.FUNGSIONAL_KEAHLIAN, "", None, None, "Analis Kebijakan"),
}

before = st.integers(min_value=-60, max_value=2600)  # days before the period (negative: after)
# Years before the period, and days off it: most often right at the 1-, 2- and 4-year boundaries.
years_back = st.tuples(st.integers(min_value=0, max_value=6), st.one_of(st.integers(-2, 2), st.integers(-400, 400)))
total = st.one_of(
    st.sampled_from(["0", "12.5", "19.999", "20", "37.499", "37.5", "49.999", "50", "100", "150"]).map(Decimal),
    st.integers(0, 120_000).map(lambda n: Decimal(n) / 1000),
)
person = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["pns"] * 8 + ["cpns", "pppk"]),
        "status": st.sampled_from(["aktif"] * 6 + ["tugas_belajar", "diberhentikan_sementara", "cltn"]),
        "age": st.tuples(st.sampled_from([35, 40, 45, 50, 55, 57, 58, 59, 60, 64, 65]), st.integers(-45, 45)),
        "rank": st.sampled_from([8, 12, *range(5, 18)]),
        "tmt": years_back,
        "education": st.sampled_from(EDUCATION),
        "post": st.sampled_from([None, *POSTS]),
        "since": st.one_of(st.none(), years_back),
        # Baik in each of the last three years unless overridden (None: no SKP that year).
        "ratings": st.dictionaries(st.integers(1, 4), st.sampled_from([*PREDIKAT, None]), max_size=2),
        "exams": st.lists(st.tuples(st.sampled_from(["UD1", "UD2", "UKPPI"]), before), max_size=2),
        "diplomas": st.lists(
            st.tuples(st.sampled_from(EDUCATION), before, st.sampled_from(["", "tugas_belajar", "izin_belajar"])),
            max_size=2,
        ),
        "sync_education": st.booleans(),
        "history": st.lists(st.tuples(before, st.sampled_from(JENJANG)), max_size=3),
        "paks": st.lists(st.tuples(before, st.sampled_from(JENJANG[1:]), total), max_size=2),
        "sanction": st.tuples(st.sampled_from([None] * 6 + SANCTIONS), st.integers(-30, 420)),
        "case": st.tuples(st.sampled_from([None] * 6 + ["ringan", "sedang", "berat"]), before, st.booleans()),
        "training": st.sampled_from([None, None, "pkp", "pka_late", "outside_pka", "failed_pkp"]),
    }
)


def _build(spec: dict, period: dt.date, city, posts: dict, sessions: dict) -> Employee:
    def day(offset: int) -> dt.date:
        return period - dt.timedelta(days=offset)

    def back(value: tuple[int, int]) -> dt.date:
        years, days = value
        return period - relativedelta(years=years) + dt.timedelta(days=days)

    age, shift = spec["age"]
    employment_type = spec["type"]
    pppk = employment_type == EmploymentType.PPPK
    post = posts[spec["post"]] if spec["post"] else None
    diplomas = {(code, day(offset)): path for code, offset, path in spec["diplomas"]}
    education = EducationLevel.objects.get(code=spec["education"])
    if spec["sync_education"] and diplomas:  # as careers.history keeps it: the highest diploma
        education = max((EducationLevel.objects.get(code=code) for code, _ in diplomas), key=lambda e: e.order)
    employee = EmployeeFactory(
        unit=city.dinkes_bidang,
        user=None,
        employment_type=employment_type,
        status=spec["status"],
        born_on=period - relativedelta(years=age) + dt.timedelta(days=shift),
        rank=None if pppk else Rank.objects.get(pk=spec["rank"]),
        rank_tmt_on=None if pppk else back(spec["tmt"]),
        pppk_grade=9 if pppk else None,
        education=education,
        position=post,
        position_since_on=None if spec["since"] is None else back(spec["since"]),
    )
    ratings = {1: "baik", 2: "baik", 3: "baik"} | spec["ratings"]
    for years_ago, predikat in ratings.items():
        if predikat is not None:
            PerformanceRating.objects.create(employee=employee, year=period.year - years_ago, predikat=predikat)
    for kind, passed_on in {(kind, day(offset)) for kind, offset in spec["exams"]}:
        ExamResult.objects.create(employee=employee, kind=kind, passed_on=passed_on)
    for (code, graduated_on), path in diplomas.items():
        EducationHistory.objects.create(
            employee=employee,
            level=EducationLevel.objects.get(code=code),
            institution="Universitas Negeri Semarang",
            graduated_on=graduated_on,
            path=path,
        )
    for tmt_on, jenjang in {day(offset): jenjang for offset, jenjang in spec["history"]}.items():
        kind = PositionKind.PELAKSANA
        if jenjang:
            kind = (
                PositionKind.FUNGSIONAL_KEAHLIAN if jenjang.startswith("ahli") else PositionKind.FUNGSIONAL_KETERAMPILAN
            )
        PositionHistory.objects.create(
            employee=employee, name="Jabatan", kind=kind, jenjang=jenjang, unit=city.dinkes_bidang, tmt_on=tmt_on
        )
    for assessed_on, (jenjang, total) in {day(offset): (j, t) for offset, j, t in spec["paks"]}.items():
        CreditAssessment.objects.create(employee=employee, assessed_on=assessed_on, jenjang=jenjang, total=total)
    code, offset = spec["sanction"]
    if code:
        integrity.record_sanction(
            employee=employee,
            type=SanctionType.objects.get(code=code),
            decree_number="800/1",
            decree_on=day(offset),
            issued_by="Wali Kota",
            starts_on=day(offset),
            violation="-",
            by=None,
            today=FAR,
        )
    level, offset, closed = spec["case"]
    if level:
        item = integrity.open_case(
            employee=employee,
            category="lainnya",
            source="lainnya",
            summary="-",
            alleged_level=level,
            opened_on=day(offset),
            by=None,
            today=FAR,
        )
        if closed:
            integrity.advance_case(
                item, status=CaseStatus.DITUTUP, by=None, on=day(offset) + dt.timedelta(days=90), today=FAR
            )
    training = spec["training"]
    if training in ("pkp", "pka_late", "failed_pkp"):
        state = "failed" if training == "failed_pkp" else "completed"
        Registration.objects.create(session=sessions[training], employee=employee, opd=employee.opd, state=state)
    elif training == "outside_pka":
        OutsideLearning.objects.create(
            employee=employee,
            opd=employee.opd,
            title="PKA",
            organiser="BPSDMD Jawa Tengah",
            category="pka",
            starts_on=day(200),
            ends_on=day(100),
            jp=900,
            certificate="training/outside/pka.pdf",
            certificate_type="STTPP",
            status="verified",
        )
    return employee


def _fixtures(city, period: dt.date):
    posts = {}
    for key, (kind, jenjang, lowest, highest, name) in POSTS.items():
        posts[key] = Position.objects.create(
            unit=city.dinkes_bidang,
            name=f"{name} {key}",
            kind=kind,
            jenjang=jenjang,
            min_rank=Rank.objects.get(code=lowest) if lowest else None,
            max_rank=Rank.objects.get(code=highest) if highest else None,
        )
    sessions = {}
    for key, category, ends_on in (
        ("pkp", "pkp", period - dt.timedelta(days=300)),
        ("failed_pkp", "pkp", period - dt.timedelta(days=300)),
        ("pka_late", "pka", period + dt.timedelta(days=10)),
    ):
        program = Program.objects.create(
            code=f"LEAD-{key}", title=key, category=category, method="blended", default_jp=400, organiser="bkpp"
        )
        sessions[key] = Session.objects.create(
            program=program,
            batch=1,
            starts_on=ends_on - dt.timedelta(days=90),
            ends_on=ends_on,
            jp=400,
            capacity=30,
            registration_opens_on=dt.date(2020, 1, 1),
            registration_closes_on=dt.date(2020, 2, 1),
            cancellation_deadline=dt.date(2020, 2, 1),
        )
    return posts, sessions


def _row_answer(row) -> tuple:
    return (
        row.promotion_kind,
        row.target_rank_id,
        {code: getattr(row, eligibility.flag_name(code)) for code in eligibility.CODES},
        row.is_eligible,
    )


def _outlook_answer(outlook) -> tuple:
    verdicts = dict.fromkeys(eligibility.CODES, True)
    verdicts.update({check.code: check.ok for check in outlook.criteria})
    return (outlook.kind, outlook.target_rank_id, verdicts, outlook.eligible)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=st.lists(person, min_size=1, max_size=6), period=st.sampled_from(PERIODS))
def test_the_explanation_and_the_set_based_run_agree_for_everyone(city, population, period):
    with transaction.atomic():
        savepoint = transaction.savepoint()
        posts, sessions = _fixtures(city, period)
        people = [_build(spec, period, city, posts, sessions) for spec in population]
        ids = [p.pk for p in people]
        context = eligibility.load_context(period)

        one_by_one = {pk: _outlook_answer(eligibility.explain(pk, period, context=context)) for pk in ids}
        together = {
            row.pk: _row_answer(row)
            for row in eligibility.candidates(Employee.objects.filter(pk__in=ids), period, context=context)
        }
        eligible_set = set(
            eligibility.eligible(Employee.objects.filter(pk__in=ids), period, context=context).values_list(
                "pk", flat=True
            )
        )

        transaction.savepoint_rollback(savepoint)
    assert together == one_by_one
    assert eligible_set == {pk for pk, answer in one_by_one.items() if answer[3]}
