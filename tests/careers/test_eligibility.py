"""The promotion eligibility engine (DOMAIN.md §3.1–3.3, §4, §5, §8.3, §11): worked cases of
each kind and each criterion at their boundaries. Every case is judged twice — the
per-employee explanation and the set-based run — and `judge` checks they agree."""

import ast
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from asn_portal.models import EducationLevel, Employee, EmployeeStatus, EmploymentType, Position, PositionKind, Rank
from asn_portal.services import ServiceError
from careers import eligibility
from careers.models import (
    CreditAssessment,
    EducationHistory,
    ExamResult,
    PerformanceRating,
    PromotionRule,
)
from tests.factories import EmployeeFactory
from tests.integrity.factories import case, sanction
from training.models import OutsideLearning, Program, Registration, Session

pytestmark = pytest.mark.django_db

PERIOD = dt.date(2026, 10, 1)  # SKP years 2024 and 2025
ROOT = Path(__file__).resolve().parents[2]
PENDING = ROOT / "locale" / "pending" / "careers_eligibility.po"


def rank(code: str) -> Rank:
    return Rank.objects.get(code=code)


def post(city, kind=PositionKind.PELAKSANA, *, jenjang="", lowest=None, highest=None, name="Pengadministrasi Umum"):
    position, _ = Position.objects.get_or_create(
        unit=city.dinkes_bidang,
        name=name,
        kind=kind,
        jenjang=jenjang,
        defaults={
            "min_rank": rank(lowest) if lowest else None,
            "max_rank": rank(highest) if highest else None,
        },
    )
    return position


def pns(
    city,
    rank_code="III/a",
    tmt=dt.date(2022, 10, 1),
    *,
    education="S1",
    position=None,
    since=None,
    skp=(2024, 2025),
    predikat="baik",
    **fields,
):
    employee = EmployeeFactory(
        unit=city.dinkes_bidang,
        user=None,
        rank=rank(rank_code),
        rank_tmt_on=tmt,
        education=EducationLevel.objects.get(code=education),
        position=position,
        position_since_on=since,
        **fields,
    )
    for year in skp:
        PerformanceRating.objects.create(employee=employee, year=year, predikat=predikat)
    return employee


def judge(employee, period=PERIOD) -> eligibility.Outlook:
    """The explanation (in English), after checking the set-based run agrees with it."""
    with translation.override("en"):
        outlook = eligibility.explain(employee, period)
    row = eligibility.candidates(Employee.objects.filter(pk=employee.pk), period).get()
    assert (row.promotion_kind, row.target_rank_id) == (outlook.kind, outlook.target_rank_id)
    for code in eligibility.CODES:
        check = outlook.check(code)
        assert getattr(row, eligibility.flag_name(code)) == (check.ok if check else True), code
    assert row.is_eligible == outlook.eligible
    in_eligible = eligibility.eligible(Employee.objects.filter(pk=employee.pk), period).exists()
    assert in_eligible == outlook.eligible
    return outlook


def message(outlook, code: str) -> str:
    return outlook.check(code).message


# --- Reguler ------------------------------------------------------------------------------------


def test_a_pelaksana_with_exactly_four_years_in_rank_on_the_period_date_is_eligible(city):
    employee = pns(city, "III/a", dt.date(2022, 10, 1), position=post(city))

    outlook = judge(employee)

    assert outlook.eligible
    assert outlook.kind == "reguler"
    assert outlook.target_rank.code == "III/b"
    assert outlook.rule_version == "reguler-2025.1"
    assert message(outlook, "time") == "Time in rank 4 years, needs 4 years."
    assert outlook.next_date is None


def test_one_day_short_of_four_years_fails_and_names_the_next_period(city):
    employee = pns(city, "III/a", dt.date(2022, 10, 2))

    outlook = judge(employee)

    assert outlook.failing == ("time",)
    assert message(outlook, "time") == "Time in rank 3 years 11 months, needs 4 years. Met on 2 October 2026."
    assert outlook.next_date == dt.date(2026, 11, 1)


def test_the_time_message_counts_years_and_months(city):
    employee = pns(city, "III/a", dt.date(2023, 8, 1))

    outlook = judge(employee)

    assert message(outlook, "time").startswith("Time in rank 3 years 2 months, needs 4 years.")
    assert outlook.check("time").values["years"] == 3 and outlook.check("time").values["months"] == 2
    assert outlook.next_date == dt.date(2027, 8, 1)


def test_skp_butuh_perbaikan_in_one_of_the_two_years_fails(city):
    employee = pns(city, skp=(2025,))
    PerformanceRating.objects.create(employee=employee, year=2024, predikat="butuh_perbaikan")

    outlook = judge(employee)

    assert outlook.failing == ("performance",)
    assert message(outlook, "performance") == "SKP 2024: Butuh Perbaikan; at least Baik is needed. SKP 2025: Baik."


def test_a_missing_skp_year_fails_with_its_own_message(city):
    employee = pns(city, skp=(2025,))

    outlook = judge(employee)

    assert outlook.failing == ("performance",)
    assert message(outlook, "performance") == "No SKP recorded for 2024. SKP 2025: Baik."


def test_sangat_baik_counts_and_older_years_do_not(city):
    employee = pns(city, skp=(2024, 2025), predikat="sangat_baik")
    PerformanceRating.objects.create(employee=employee, year=2023, predikat="sangat_kurang")

    assert judge(employee).eligible


def test_the_education_ceiling_is_reached(city):
    at_ceiling = pns(city, "III/b", education="SLTA")  # SLTA: regular promotion up to III/b
    below = pns(city, "III/a", education="SLTA")

    stopped, allowed = judge(at_ceiling), judge(below)

    assert stopped.failing == ("ceiling",)
    assert message(stopped, "ceiling") == (
        "Ceiling reached: SLTA / SMA allows regular promotion up to III/b, III/c is above it."
    )
    assert allowed.eligible and allowed.target_rank.code == "III/b"


def test_the_top_rank_has_nowhere_to_go(city):
    employee = pns(city, "IV/e", education="S3", position=post(city, PositionKind.JPT_PRATAMA, name="Kepala Dinas"))

    outlook = judge(employee)

    assert outlook.target_rank is None
    assert message(outlook, "ceiling") == "Already at the highest rank."


# --- Ujian dinas (crossing a golongan) ------------------------------------------------------------


def test_crossing_from_ii_d_to_iii_a_needs_ujian_dinas_i(city):
    employee = pns(city, "II/d", education="D3")

    without = judge(employee)
    ExamResult.objects.create(employee=employee, kind="UD1", passed_on=dt.date(2025, 11, 20))
    passed = judge(employee)

    assert without.failing == ("exam",)
    assert message(without, "exam") == (
        "II/d → III/a crosses a golongan and needs Ujian Dinas Tingkat I: not passed and not exempt."
    )
    assert passed.eligible and not passed.check("exam").exempt
    assert "passed on 20 November 2025" in message(passed, "exam")


def test_an_exam_passed_after_the_period_does_not_count_yet(city):
    employee = pns(city, "II/d", education="D3")
    ExamResult.objects.create(employee=employee, kind="UD1", passed_on=dt.date(2026, 10, 2))

    assert judge(employee).failing == ("exam",)


def test_a_degree_exempts_from_ujian_dinas_i(city):
    employee = pns(city, "II/d", education="D4")

    outlook = judge(employee)

    assert outlook.eligible
    assert outlook.check("exam").exempt
    assert "exempt from Ujian Dinas Tingkat I by education (Diploma IV)" in message(outlook, "exam")


def test_leadership_training_exempts_from_ujian_dinas_with_and_without(city):
    trained = pns(city, "II/d", education="D3")
    late = pns(city, "II/d", education="D3")
    elsewhere = pns(city, "II/d", education="D3")
    program = Program.objects.create(
        code="PKP-01",
        title="Pelatihan Kepemimpinan Pengawas",
        category="pkp",
        method="blended",
        default_jp=400,
        organiser="bkpp",
    )

    def attended(employee, ends_on, batch):
        session = Session.objects.create(
            program=program,
            batch=batch,
            starts_on=ends_on - dt.timedelta(days=90),
            ends_on=ends_on,
            jp=400,
            capacity=30,
            registration_opens_on=dt.date(2024, 1, 1),
            registration_closes_on=dt.date(2024, 2, 1),
            cancellation_deadline=dt.date(2024, 2, 1),
        )
        Registration.objects.create(session=session, employee=employee, opd=employee.opd, state="completed")

    attended(trained, dt.date(2025, 6, 30), 1)
    attended(late, dt.date(2026, 10, 2), 2)  # finishes after the period
    OutsideLearning.objects.create(
        employee=elsewhere,
        opd=elsewhere.opd,
        title="PKP Angkatan IV BPSDMD Jawa Tengah",
        organiser="BPSDMD Provinsi Jawa Tengah",
        category="pkp",
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 6, 30),
        jp=400,
        certificate="training/outside/pkp.pdf",
        certificate_type="STTPP",
        status="verified",
    )

    assert judge(trained).eligible and judge(trained).check("exam").exempt
    assert "by leadership training (Leadership: PKP (pengawas))" in message(judge(trained), "exam")
    assert judge(late).failing == ("exam",)
    assert judge(elsewhere).eligible


def test_crossing_from_iii_d_to_iv_a_needs_ujian_dinas_ii_unless_a_masters_degree(city):
    administrator = post(city, PositionKind.ADMINISTRATOR, lowest="III/d", highest="IV/a", name="Sekretaris Dinas")
    sarjana = pns(city, "III/d", education="S1", position=administrator, since=dt.date(2020, 1, 1))
    magister = pns(city, "III/d", education="S2", position=administrator, since=dt.date(2020, 1, 1))

    outlook = judge(sarjana)

    assert outlook.kind == "pilihan_struktural"
    assert outlook.failing == ("exam",)
    assert "needs Ujian Dinas Tingkat II" in message(outlook, "exam")
    assert judge(magister).eligible and judge(magister).check("exam").exempt


def test_a_functional_post_holder_is_exempt_from_ujian_dinas(city):
    terampil = post(city, PositionKind.FUNGSIONAL_KETERAMPILAN, jenjang="terampil", name="Perawat", highest="III/a")
    employee = pns(city, "II/d", tmt=dt.date(2023, 1, 1), education="D3", position=terampil, since=dt.date(2020, 1, 1))
    CreditAssessment.objects.create(employee=employee, assessed_on=dt.date(2025, 12, 31), jenjang="terampil", total=25)

    outlook = judge(employee)

    assert outlook.eligible
    assert outlook.check("exam").exempt
    assert "as a functional post holder" in message(outlook, "exam")


# --- Pilihan struktural -----------------------------------------------------------------------------


def test_a_structural_official_within_the_posts_range_is_eligible_after_four_years(city):
    pengawas = post(city, PositionKind.PENGAWAS, lowest="III/b", highest="III/c", name="Kepala Seksi")
    employee = pns(city, "III/b", position=pengawas, since=dt.date(2021, 1, 1))
    short = pns(city, "III/b", tmt=dt.date(2023, 10, 1), position=pengawas, since=dt.date(2021, 1, 1))

    outlook = judge(employee)

    assert outlook.eligible and outlook.kind == "pilihan_struktural" and outlook.target_rank.code == "III/c"
    assert outlook.rule_version == "pilihan_struktural-2025.1"
    assert judge(short).failing == ("time",)


def test_the_posts_highest_rank_is_the_ceiling(city):
    pengawas = post(city, PositionKind.PENGAWAS, lowest="III/b", highest="III/c", name="Kepala Seksi")
    employee = pns(city, "III/c", position=pengawas, since=dt.date(2021, 1, 1))

    outlook = judge(employee)

    assert outlook.failing == ("ceiling",)
    assert message(outlook, "ceiling") == "III/d is above the post's highest rank (III/c)."


def test_one_below_the_posts_lowest_rank_needs_a_year_in_rank_and_a_year_in_post(city):
    pengawas = post(city, PositionKind.PENGAWAS, lowest="III/c", highest="III/d", name="Kepala Subbagian Umum")
    ready = pns(city, "III/b", tmt=dt.date(2025, 10, 1), position=pengawas, since=dt.date(2025, 10, 1))
    new_in_post = pns(city, "III/b", tmt=dt.date(2025, 10, 1), position=pengawas, since=dt.date(2025, 11, 1))

    outlook, waiting = judge(ready), judge(new_in_post)

    assert outlook.eligible and outlook.target_rank.code == "III/c"
    assert waiting.failing == ("time",)
    assert message(waiting, "time") == (
        "One rank below the post's lowest rank (III/c): time in rank 1 year, needs 1 year. "
        "Time in post 11 months, needs 1 year. Met on 1 November 2026."
    )
    assert waiting.next_date == dt.date(2026, 11, 1)


# --- Pilihan fungsional -----------------------------------------------------------------------------


def _ahli_pertama(city, tmt=dt.date(2024, 10, 1), rank_code="III/a"):
    epidemiolog = post(city, PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="ahli_pertama", name="Epidemiolog Kesehatan")
    return pns(city, rank_code, tmt=tmt, position=epidemiolog, since=dt.date(2020, 1, 1))


def test_a_jf_holder_with_two_years_and_just_enough_angka_kredit_is_eligible(city):
    employee = _ahli_pertama(city)
    CreditAssessment.objects.create(
        employee=employee, assessed_on=dt.date(2024, 12, 31), jenjang="ahli_pertama", total=Decimal("37.5")
    )

    outlook = judge(employee)  # 37,5 + 12 months of Baik × 12,5 = 50

    assert outlook.eligible and outlook.kind == "pilihan_fungsional" and outlook.target_rank.code == "III/b"
    assert message(outlook, "credit") == (
        "Angka kredit 50 in Ahli Pertama, needs 50 for the next rank. The next jenjang needs 100."
    )
    assert message(outlook, "time") == "Time in rank 2 years, needs 2 years."


def test_angka_kredit_just_short_fails_with_the_shortfall(city):
    employee = _ahli_pertama(city)
    CreditAssessment.objects.create(
        employee=employee, assessed_on=dt.date(2024, 12, 31), jenjang="ahli_pertama", total=Decimal("37.499")
    )

    outlook = judge(employee)

    assert outlook.failing == ("credit",)
    assert message(outlook, "credit") == (
        "Angka kredit 49.999 in Ahli Pertama, needs 50 for the next rank. Short by 0.001. The next jenjang needs 100."
    )


def test_the_top_of_the_jenjang_needs_a_move_to_the_next_jenjang(city):
    employee = _ahli_pertama(city, rank_code="III/b")
    CreditAssessment.objects.create(
        employee=employee, assessed_on=dt.date(2025, 12, 31), jenjang="ahli_pertama", total=80
    )

    outlook = judge(employee)

    assert outlook.failing == ("ceiling",)
    assert message(outlook, "ceiling") == (
        "III/c is above the highest rank of Ahli Pertama (III/b): a move to the next jenjang is needed first."
    )


def test_a_jf_holder_one_day_short_of_two_years_waits(city):
    employee = _ahli_pertama(city, tmt=dt.date(2024, 10, 2))
    CreditAssessment.objects.create(
        employee=employee, assessed_on=dt.date(2025, 12, 31), jenjang="ahli_pertama", total=60
    )

    outlook = judge(employee)

    assert outlook.failing == ("time",)
    assert outlook.next_date == dt.date(2026, 11, 1)


# --- Penyesuaian ijazah ---------------------------------------------------------------------------


def _diploma(employee, code="S1", graduated_on=dt.date(2025, 2, 1), path="tugas_belajar"):
    level = EducationLevel.objects.get(code=code)
    EducationHistory.objects.create(
        employee=employee, level=level, institution="Universitas Diponegoro", graduated_on=graduated_on, path=path
    )
    employee.education = level
    employee.save(update_fields=["education"])


def test_a_degree_after_the_rank_tmt_means_penyesuaian_ijazah_to_its_starting_rank(city):
    employee = pns(city, "II/c", tmt=dt.date(2024, 4, 1), education="D3", skp=(2025,))
    _diploma(employee)

    outlook = judge(employee)

    assert outlook.eligible
    assert outlook.kind == "penyesuaian_ijazah"
    assert outlook.target_rank.code == "III/a"  # S1 starts at III/a
    assert outlook.rule_version == "penyesuaian_ijazah-2025.1"
    assert message(outlook, "time") == "Time in rank 2 years 6 months, needs 1 year."
    assert message(outlook, "performance") == "SKP 2025: Baik."
    assert {c.code for c in outlook.criteria} == {"employment", "status", "time", "performance", "integrity"}


def test_exactly_one_year_in_rank_is_enough_for_penyesuaian_ijazah(city):
    employee = pns(city, "II/c", tmt=dt.date(2025, 10, 1), education="D3", skp=(2025,))
    later = pns(city, "II/c", tmt=dt.date(2025, 10, 2), education="D3", skp=(2025,))
    _diploma(employee, graduated_on=dt.date(2026, 2, 1))
    _diploma(later, graduated_on=dt.date(2026, 2, 1))

    assert judge(employee).eligible
    assert judge(later).failing == ("time",)


def test_izin_belajar_needs_the_ukppi_passed_after_graduation(city):
    employee = pns(city, "II/c", tmt=dt.date(2024, 4, 1), education="D3", skp=(2025,))
    _diploma(employee, path="izin_belajar")
    ExamResult.objects.create(employee=employee, kind="UKPPI", passed_on=dt.date(2025, 1, 10))  # before graduating

    without = judge(employee)
    ExamResult.objects.create(employee=employee, kind="UKPPI", passed_on=dt.date(2026, 3, 10))
    passed = judge(employee)

    assert without.failing == ("ukppi",)
    assert message(without, "ukppi") == "Sarjana (S1) earned through izin belajar: UKPPI not passed yet."
    assert passed.eligible


def test_a_degree_from_before_the_rank_tmt_is_no_adjustment(city):
    employee = pns(city, "II/c", tmt=dt.date(2022, 4, 1), education="D3")
    _diploma(employee, graduated_on=dt.date(2021, 8, 1))

    outlook = judge(employee)

    assert outlook.kind == "reguler" and outlook.target_rank.code == "II/d"


# --- Discipline ---------------------------------------------------------------------------------------


def test_a_sanction_ending_the_day_before_the_period_no_longer_blocks(city):
    employee = pns(city)
    sanction(employee, "potong_tukin_25_6_bulan", dt.date(2026, 4, 1))  # in force to 30 September 2026

    assert judge(employee).eligible


def test_a_sanction_in_force_on_the_period_date_blocks(city):
    employee = pns(city)
    sanction(employee, "potong_tukin_25_6_bulan", dt.date(2026, 4, 2))  # in force to 1 October 2026

    outlook = judge(employee)

    assert outlook.failing == ("integrity",)
    assert outlook.check("integrity").values["sanction_until"] == "2026-10-01"


def test_being_under_examination_blocks(city):
    employee = pns(city)
    case(employee, level="berat", opened_on=dt.date(2026, 9, 1))

    outlook = judge(employee)

    assert outlook.failing == ("integrity",)
    assert outlook.check("integrity").values["under_examination"]


def test_a_light_sanction_does_not_block(city):
    employee = pns(city)
    sanction(employee, "teguran_tertulis", dt.date(2026, 9, 1))

    assert judge(employee).eligible


# --- Who can be promoted at all ----------------------------------------------------------------------


def test_cpns_and_pppk_are_never_eligible(city):
    cpns = pns(city, employment_type=EmploymentType.CPNS)
    pppk = EmployeeFactory(unit=city.dinkes_bidang, user=None, employment_type=EmploymentType.PPPK, pppk_grade=9)
    for year in (2024, 2025):
        PerformanceRating.objects.create(employee=pppk, year=year, predikat="baik")

    first, second = judge(cpns), judge(pppk)

    assert first.failing == ("employment",)
    assert message(first, "employment") == "CPNS cannot be promoted; only PNS can."
    assert not second.eligible and "employment" in second.failing
    assert second.target_rank is None


def test_reaching_the_retirement_age_before_the_period_rules_out(city):
    retired = pns(city, born_on=dt.date(1968, 9, 15))  # 58 on 15 September 2026
    last_month = pns(city, born_on=dt.date(1968, 10, 1))  # 58 on the period date itself

    outlook = judge(retired)

    assert outlook.failing == ("status",)
    assert message(outlook, "status") == "Reaches the retirement age of 58 on 15 September 2026, before the period."
    assert judge(last_month).eligible


def test_the_retirement_age_follows_the_post(city):
    madya = post(city, PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="ahli_madya", name="Dokter")
    teacher = post(city, PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="ahli_pertama", name="Guru Kelas")
    born = dt.date(1967, 6, 1)  # 59 on the period date
    in_madya = pns(city, "IV/a", tmt=dt.date(2023, 1, 1), position=madya, since=dt.date(2020, 1, 1), born_on=born)
    in_teaching = pns(city, "III/a", position=teacher, since=dt.date(2020, 1, 1), born_on=born)
    pelaksana = pns(city, born_on=born)

    assert judge(in_madya).check("status").ok
    assert judge(in_teaching).check("status").ok
    assert not judge(pelaksana).check("status").ok


def test_suspended_employees_are_not_eligible_but_those_on_study_assignment_are(city):
    suspended = pns(city, status=EmployeeStatus.DIBERHENTIKAN_SEMENTARA)
    studying = pns(city, status=EmployeeStatus.TUGAS_BELAJAR)

    outlook = judge(suspended)

    assert outlook.failing == ("status",)
    assert message(outlook, "status") == "Status is “Temporarily suspended”; only active employees can be promoted."
    assert judge(studying).eligible


# --- Bad input, rules as data --------------------------------------------------------------------


def test_a_date_that_is_not_a_period_is_refused(city):
    employee = pns(city)

    with pytest.raises(ServiceError) as refused:
        eligibility.explain(employee, dt.date(2026, 10, 15))
    with pytest.raises(ServiceError) as refused_set:
        eligibility.candidates(Employee.objects.all(), dt.date(2026, 10, 15))

    assert refused.value.code == refused_set.value.code == "not_a_period"
    assert "1 November 2026" in refused.value.message


def test_a_changed_rule_changes_the_outcome_and_its_version(city):
    employee = pns(city, "III/a", dt.date(2023, 10, 1))
    PromotionRule.objects.create(
        kind="reguler", valid_from=dt.date(2026, 1, 1), version="reguler-2026.1", years_in_rank=3, skp_years=2
    )

    outlook = judge(employee)

    assert outlook.eligible and outlook.rule_version == "reguler-2026.1"


# --- The set-based run --------------------------------------------------------------------------------


def test_the_set_based_run_costs_the_same_queries_for_few_and_many(city, django_assert_max_num_queries):
    for _ in range(3):
        pns(city)
    with django_assert_max_num_queries(12) as few:
        list(eligibility.candidates(Employee.objects.all(), PERIOD).values_list("pk", "is_eligible"))
    for index in range(30):
        pns(city, "II/d" if index % 3 else "III/a", education="D3" if index % 2 else "S1")
    for index, employee in enumerate(Employee.objects.all()[:10]):
        sanction(employee, "potong_tukin_25_6_bulan", dt.date(2026, 5, 1 + index))

    with django_assert_max_num_queries(12) as many:
        rows = list(eligibility.candidates(Employee.objects.all(), PERIOD).values_list("pk", "is_eligible"))

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(rows) == Employee.objects.count()


def test_only_failing_lists_who_misses_just_one_criterion(city):
    eligible = pns(city)
    waiting = pns(city, tmt=dt.date(2023, 1, 1))
    waiting_and_bad_skp = pns(city, tmt=dt.date(2023, 1, 1), predikat="kurang")

    rows = eligibility.candidates(Employee.objects.filter(opd=city.dinkes), PERIOD)

    assert set(eligibility.only_failing(rows, "time")) == {waiting}
    assert set(eligibility.eligible(Employee.objects.filter(opd=city.dinkes), PERIOD)) >= {eligible}
    assert waiting_and_bad_skp not in set(eligibility.eligible(Employee.objects.all(), PERIOD))
    with pytest.raises(ValueError):
        eligibility.only_failing(rows, "nonsense")


def test_the_snapshot_is_json_and_keeps_rules_and_numbers(city):
    employee = pns(city, "II/d", education="D4")

    with translation.override("en"):
        data = eligibility.snapshot(eligibility.explain(employee, PERIOD))

    assert json.loads(json.dumps(data)) == data
    assert data["eligible"] and data["kind"] == "reguler"
    assert (data["current_rank"], data["target_rank"], data["rule_version"]) == ("II/d", "III/a", "reguler-2025.1")
    exam = next(c for c in data["criteria"] if c["code"] == "exam")
    assert exam["ok"] and exam["exempt"] and exam["label"] == "Ujian dinas"
    assert next(c for c in data["criteria"] if c["code"] == "time")["values"]["required_years"] == 4


# --- Messages: English msgids with an Indonesian translation waiting in locale/pending ------------------

SOURCES = ["careers/periods.py", "careers/credits.py", "careers/eligibility.py"]


def _msgids() -> set:
    found = set()
    for source in SOURCES:
        tree = ast.parse((ROOT / source).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"_", "gettext_lazy", "ngettext"}:
                texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if texts:
                    found.add(texts[0])
    return found


def _pending() -> dict:
    with PENDING.open("rb") as handle:
        catalogue = read_po(handle, locale="id")
    return {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalogue if m.id}


def test_every_message_of_the_engine_has_a_pending_indonesian_translation():
    pending = _pending()
    placeholder = re.compile(r"%\(\w+\)[sd]")

    missing = sorted(msgid for msgid in _msgids() if not pending.get(msgid))
    broken = [
        msgid
        for msgid in _msgids()
        if msgid in pending
        and sorted(placeholder.findall(msgid))
        != sorted(placeholder.findall(pending[msgid] if isinstance(pending[msgid], str) else pending[msgid][0]))
    ]

    assert missing == []
    assert broken == []


def test_the_time_message_reads_naturally_in_indonesian():
    pending = _pending()
    year = pending["%(count)s year"][0] % {"count": 4}
    duration = f"{pending['%(count)s year'][0] % {'count': 3}} {pending['%(count)s month'][0] % {'count': 2}}"

    text = pending["Time in rank %(duration)s, needs %(required)s."] % {"duration": duration, "required": year}

    assert text == "Masa kerja golongan 3 tahun 2 bulan, perlu 4 tahun."
