"""The history services (careers.history): the rank history's order, demotions and promotion
period dates, and the employee's current rank, position and education following the histories;
the rules of SKP, service exams, PAK, awards and innovations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from asn_portal.models import EmploymentType, Jenjang, PositionKind
from asn_portal.services import ServiceError
from careers import history
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    EducationHistory,
    ExamKind,
    ExamResult,
    PerformanceRating,
    Predikat,
    PromotionRegime,
    RankEntryKind,
    RankHistory,
)
from tests.careers.factories import (
    TODAY,
    appoint,
    award,
    diploma,
    exam,
    pak,
    position_history,
    rank,
    rank_history,
    skp,
)
from tests.factories import EmployeeFactory, PositionFactory
from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as raised:
        call(*args, **kwargs)
    return raised.value


def current(employee) -> tuple[str, dt.date]:
    employee.refresh_from_db()
    return employee.rank.code, employee.rank_tmt_on


@pytest.fixture
def promoted(city):
    """Budi: CPNS III/a 2015-03-01, PNS 2016-03-01, III/b 2019-04-01, III/c 2023-04-01."""
    employee = city.staff_a
    appoint(employee)
    rank_history(employee, "III/b", dt.date(2019, 4, 1))
    rank_history(employee, "III/c", dt.date(2023, 4, 1))
    return employee


# --- Current rank follows the history ---------------------------------------------------------------


def test_the_appointment_rows_make_the_rank_held_since_tmt_cpns(city):
    employee = city.staff_a  # the registry says III/a since 2020-04-01

    appoint(employee)

    # The appointment as PNS in the same rank does not restart the time in rank (DOMAIN.md §3.1).
    assert current(employee) == ("III/a", dt.date(2015, 3, 1))
    assert list(RankHistory.objects.filter(employee=employee).values_list("kind", flat=True).order_by("tmt_on")) == [
        "cpns",
        "pns",
    ]


def test_a_promotion_becomes_the_current_rank_and_its_tmt(promoted):
    assert current(promoted) == ("III/c", dt.date(2023, 4, 1))


def test_the_callers_employee_object_sees_the_new_rank(city):
    employee = city.staff_a

    rank_history(employee, "III/b", dt.date(2019, 4, 1))

    assert (employee.rank.code, employee.rank_tmt_on) == ("III/b", dt.date(2019, 4, 1))


def test_a_row_put_between_two_others_keeps_the_latest_as_the_current_rank(city):
    employee = city.staff_a
    appoint(employee)
    rank_history(employee, "III/c", dt.date(2023, 4, 1))

    rank_history(employee, "III/b", dt.date(2019, 4, 1))

    assert current(employee) == ("III/c", dt.date(2023, 4, 1))
    assert RankHistory.objects.filter(employee=employee).count() == 4


def test_sync_puts_back_the_rank_the_history_gives(promoted):
    type(promoted).objects.filter(pk=promoted.pk).update(rank=rank("IV/a"), rank_tmt_on=dt.date(2024, 1, 1))

    history.sync_current_rank(promoted)

    assert (promoted.rank.code, promoted.rank_tmt_on) == ("III/c", dt.date(2023, 4, 1))
    assert current(promoted) == ("III/c", dt.date(2023, 4, 1))


def test_sync_without_rank_history_keeps_the_registry_rank(city):
    employee = city.staff_a

    history.sync_current_rank(employee)

    assert current(employee) == ("III/a", dt.date(2020, 4, 1))


def test_recording_a_rank_is_audited_with_who_recorded_it(city):
    rank_history(city.staff_a, "III/b", dt.date(2019, 4, 1), by=city.admin)

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(RankHistory))
    employee_entries = LogEntry.objects.filter(
        content_type__model="employee", object_pk=str(city.staff_a.pk), action=LogEntry.Action.UPDATE
    )
    assert [(e.action, e.actor) for e in entries] == [(LogEntry.Action.CREATE, city.admin)]
    assert employee_entries.filter(actor=city.admin, changes__has_key="rank").exists()


# --- Order ------------------------------------------------------------------------------------------


def test_a_rank_lower_than_the_one_before_is_refused_without_a_demotion(promoted):
    error = refused(rank_history, promoted, "III/b", dt.date(2025, 4, 1))

    assert (error.code, error.field) == ("rank_goes_down", "rank")
    assert "III/b" in error.message and "III/c" in error.message
    assert current(promoted) == ("III/c", dt.date(2023, 4, 1))
    assert RankHistory.objects.filter(employee=promoted).count() == 4


def test_a_row_between_others_that_would_break_their_order_is_refused(promoted):
    # III/d in 2021 would come before III/c in 2023: the later row would go down.
    error = refused(rank_history, promoted, "III/d", dt.date(2021, 4, 1))

    assert (error.code, error.field) == ("rank_out_of_order", "tmt_on")
    assert current(promoted) == ("III/c", dt.date(2023, 4, 1))


def test_a_second_rank_on_the_same_tmt_is_refused(promoted):
    error = refused(rank_history, promoted, "III/d", dt.date(2023, 4, 1))

    assert error.code == "rank_tmt_taken"


def test_a_rank_before_tmt_cpns_is_refused(city):
    error = refused(rank_history, city.staff_a, "II/d", dt.date(2014, 4, 1))

    assert (error.code, error.field) == ("rank_before_cpns", "tmt_on")


def test_the_appointment_as_cpns_comes_first(promoted):
    later = refused(rank_history, promoted, "III/c", dt.date(2024, 4, 1), RankEntryKind.CPNS)

    assert later.code == "cpns_not_first"


def test_masa_kerja_months_are_0_to_11(city):
    error = refused(rank_history, city.staff_a, "III/b", dt.date(2019, 4, 1), service_months=12)

    assert error.code == "invalid_service_time"


def test_an_unknown_kind_is_refused(city):
    error = refused(rank_history, city.staff_a, "III/b", dt.date(2019, 4, 1), "naik_sendiri")

    assert error.code == "invalid_kind"


def test_pppk_have_no_rank_history(city):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)

    error = refused(rank_history, pppk, "III/a", dt.date(2024, 4, 1))

    assert (error.code, error.field) == ("pppk_no_rank", "rank")
    assert not RankHistory.objects.exists()


# --- Demotion ---------------------------------------------------------------------------------------


def test_a_demotion_backed_by_a_demotion_sanction_in_force_lowers_the_rank(promoted):
    sanction(promoted, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))

    rank_history(promoted, "III/b", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert current(promoted) == ("III/b", dt.date(2025, 6, 1))


def test_a_demotion_during_the_sanction_is_backed_too(promoted):
    sanction(promoted, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))

    rank_history(promoted, "III/b", dt.date(2025, 7, 1), RankEntryKind.DEMOTION)

    assert current(promoted) == ("III/b", dt.date(2025, 7, 1))


def test_a_demotion_without_a_sanction_is_refused(promoted):
    error = refused(rank_history, promoted, "III/b", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert (error.code, error.field) == ("demotion_without_sanction", "kind")
    assert current(promoted) == ("III/c", dt.date(2023, 4, 1))


@pytest.mark.parametrize(
    "code, starts_on",
    [
        ("penurunan_jabatan_12_bulan", dt.date(2024, 5, 1)),  # served: ended on 2025-05-01
        ("penurunan_jabatan_12_bulan", dt.date(2025, 7, 1)),  # starts after the TMT
        ("potong_tukin_25_12_bulan", dt.date(2025, 6, 1)),  # in force, but not a demotion
    ],
)
def test_only_a_demotion_sanction_in_force_on_the_tmt_backs_a_demotion(promoted, code, starts_on):
    sanction(promoted, code, starts_on)

    error = refused(rank_history, promoted, "III/b", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert error.code == "demotion_without_sanction"


def test_an_annulled_demotion_sanction_backs_nothing(promoted):
    from integrity import services as integrity_services

    decree = sanction(promoted, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))
    integrity_services.annul_sanction(
        decree, decree_number="800/1/BANDING", decree_on=dt.date(2025, 8, 1), by=None, today=TODAY
    )

    error = refused(rank_history, promoted, "III/b", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert error.code == "demotion_without_sanction"


def test_another_employees_sanction_backs_nothing(promoted, city):
    sanction(city.staff_b, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))

    error = refused(rank_history, promoted, "III/b", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert error.code == "demotion_without_sanction"


def test_a_demotion_must_lower_the_rank(promoted):
    sanction(promoted, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))

    error = refused(rank_history, promoted, "III/c", dt.date(2025, 6, 1), RankEntryKind.DEMOTION)

    assert (error.code, error.field) == ("demotion_not_lower", "rank")


# --- Promotion period dates (DOMAIN.md §3.2) ---------------------------------------------------------


@pytest.mark.parametrize(
    "tmt_on, allowed",
    [
        (dt.date(2019, 4, 1), True),  # two periods: April and October
        (dt.date(2019, 10, 1), True),
        (dt.date(2019, 6, 1), False),
        (dt.date(2019, 4, 2), False),
        (dt.date(2023, 6, 1), True),  # six periods from 1 June 2023
        (dt.date(2024, 2, 1), True),
        (dt.date(2024, 3, 1), False),
        (dt.date(2025, 9, 1), False),  # still six periods on 1 September 2025
        (dt.date(2025, 10, 1), True),  # every month from 1 October 2025
        (dt.date(2025, 11, 1), True),
        (dt.date(2025, 11, 15), False),
    ],
)
def test_a_promotion_takes_effect_on_a_period_date_of_the_regime_in_force(city, tmt_on, allowed):
    employee = city.staff_a

    if allowed:
        rank_history(employee, "III/b", tmt_on)
        assert current(employee) == ("III/b", tmt_on)
    else:
        error = refused(rank_history, employee, "III/b", tmt_on)
        assert (error.code, error.field) == ("not_a_period_date", "tmt_on")


@pytest.mark.parametrize(
    "kind",
    [RankEntryKind.FUNGSIONAL, RankEntryKind.PRESTASI, RankEntryKind.TUGAS_BELAJAR, RankEntryKind.ISTIMEWA],
)
def test_the_other_promotion_kinds_are_bound_to_period_dates_too(city, kind):
    error = refused(rank_history, city.staff_a, "III/b", dt.date(2024, 3, 1), kind)

    assert error.code == "not_a_period_date"


@pytest.mark.parametrize("kind", [RankEntryKind.ANUMERTA, RankEntryKind.PENGABDIAN, RankEntryKind.CORRECTION])
def test_anumerta_pengabdian_and_corrections_are_outside_the_periods(city, kind):
    rank_history(city.staff_a, "III/b", dt.date(2024, 3, 14), kind)

    assert current(city.staff_a) == ("III/b", dt.date(2024, 3, 14))


def test_the_periods_are_reference_data(city):
    PromotionRegime.objects.create(name="Uji: hanya Januari", valid_from=dt.date(2026, 1, 1), months=[1])

    refused_in_march = refused(rank_history, city.staff_a, "III/b", dt.date(2026, 3, 1))
    rank_history(city.staff_a, "III/b", dt.date(2026, 1, 1))

    assert refused_in_march.code == "not_a_period_date"
    assert "Uji: hanya Januari" in refused_in_march.message


def test_is_period_date_reads_the_regime_in_force():
    assert history._is_period_date(dt.date(2022, 10, 1))
    assert not history._is_period_date(dt.date(2022, 12, 1))
    assert history._is_period_date(dt.date(2023, 12, 1))
    assert history._is_period_date(dt.date(2026, 7, 1))
    assert not history._is_period_date(dt.date(2026, 7, 2))
    assert history._is_period_date(dt.date(1995, 7, 13))  # before any regime: nothing to check


# --- Position ---------------------------------------------------------------------------------------


def test_the_latest_post_sets_position_since_and_the_linked_position(city):
    employee = city.staff_a
    post = PositionFactory(unit=city.dinkes_bidang, name="Analis Kebijakan", kind=PositionKind.PELAKSANA)

    position_history(employee, "Pengadministrasi Umum", dt.date(2016, 3, 1))
    position_history(employee, "Analis Kebijakan", dt.date(2022, 1, 3), unit=city.dinkes_bidang, position=post)
    position_history(employee, "Pengadministrasi Perkantoran", dt.date(2019, 1, 2))  # an earlier post

    employee.refresh_from_db()
    assert (employee.position_id, employee.position_since_on) == (post.pk, dt.date(2022, 1, 3))


def test_a_linked_post_of_another_opd_does_not_become_the_employees_position(city):
    employee = city.staff_a
    before = employee.position_id
    post = PositionFactory(unit=city.disdik, name="Guru", kind=PositionKind.PELAKSANA)

    position_history(employee, "Guru", dt.date(2022, 1, 3), unit=city.disdik, position=post)

    employee.refresh_from_db()
    assert (employee.position_id, employee.position_since_on) == (before, dt.date(2022, 1, 3))


@pytest.mark.parametrize(
    "kind, jenjang, code",
    [
        (PositionKind.FUNGSIONAL_KEAHLIAN, "", "jenjang_required"),
        (PositionKind.FUNGSIONAL_KEAHLIAN, Jenjang.TERAMPIL, "jenjang_wrong_category"),
        (PositionKind.PELAKSANA, Jenjang.AHLI_MUDA, "jenjang_only_for_functional"),
        ("kepala_suku", "", "invalid_kind"),
    ],
)
def test_a_post_has_a_jenjang_only_when_functional_and_of_its_category(city, kind, jenjang, code):
    error = refused(position_history, city.staff_a, "Analis", dt.date(2022, 1, 3), kind=kind, jenjang=jenjang)

    assert error.code == code


def test_a_second_post_on_the_same_tmt_is_refused(city):
    position_history(city.staff_a, "Analis", dt.date(2022, 1, 3))

    error = refused(position_history, city.staff_a, "Pengelola", dt.date(2022, 1, 3))

    assert (error.code, error.field) == ("position_tmt_taken", "tmt_on")


def test_a_linked_post_must_be_in_the_unit_given(city):
    post = PositionFactory(unit=city.dinkes, name="Analis")

    error = refused(position_history, city.staff_a, "Analis", dt.date(2022, 1, 3), unit=city.disdik, position=post)

    assert error.code == "position_other_unit"


# --- Education --------------------------------------------------------------------------------------


def test_the_highest_diploma_is_the_employees_education(city):
    employee = city.staff_a

    diploma(employee, "S2", dt.date(2022, 9, 1))
    diploma(employee, "D3", dt.date(2008, 8, 1))

    employee.refresh_from_db()
    assert employee.education.code == "S2"


def test_the_education_follows_the_history_even_when_lower_than_the_registry(city):
    employee = city.staff_a  # S1 in the registry

    diploma(employee, "D3", dt.date(2008, 8, 1))

    employee.refresh_from_db()
    assert employee.education.code == "D3"


def test_the_same_diploma_again_updates_it(city):
    diploma(city.staff_a, "S1", dt.date(2012, 8, 25), major="Hukum")

    diploma(city.staff_a, "S1", dt.date(2012, 8, 25), major="Ilmu Hukum", path="izin_belajar")

    assert list(EducationHistory.objects.values_list("major", "path")) == [("Ilmu Hukum", "izin_belajar")]


@pytest.mark.parametrize(
    "extra, code",
    [
        ({"graduated_on": dt.date(2027, 1, 1)}, "date_in_future"),
        ({"path": "kursus"}, "invalid_path"),
        ({"institution": " "}, "required"),
    ],
)
def test_bad_diplomas_are_refused(city, extra, code):
    extra.setdefault("graduated_on", dt.date(2012, 8, 25))

    error = refused(diploma, city.staff_a, "S1", **extra)

    assert error.code == code
    assert not EducationHistory.objects.exists()


# --- SKP ----------------------------------------------------------------------------------------------


def test_an_skp_year_is_recorded_then_replaced(city):
    skp(city.staff_a, 2024, Predikat.BUTUH_PERBAIKAN)

    skp(city.staff_a, 2024, Predikat.SANGAT_BAIK)

    assert list(PerformanceRating.objects.values_list("year", "predikat")) == [(2024, "sangat_baik")]


def test_an_skp_year_before_the_tmt_cpns_year_is_refused(city):
    error = refused(skp, city.staff_a, 2014)  # TMT CPNS March 2015

    assert (error.code, error.field) == ("skp_before_cpns", "year")
    assert skp(city.staff_a, 2015).year == 2015


def test_an_skp_year_that_has_not_started_is_refused(city):
    error = refused(skp, city.staff_a, TODAY.year + 1)

    assert error.code == "skp_year_in_future"
    assert skp(city.staff_a, TODAY.year).year == TODAY.year


def test_a_pppk_skp_counts_from_the_year_of_the_ni_pppk(city):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)  # appointed 2015

    error = refused(skp, pppk, 2014)

    assert error.code == "skp_before_cpns"
    assert skp(pppk, 2015).year == 2015


def test_an_unknown_predikat_is_refused(city):
    assert refused(skp, city.staff_a, 2024, "cukup").code == "invalid_predikat"


# --- Exams, PAK, awards, innovations ------------------------------------------------------------------


def test_the_same_exam_pass_twice_is_one_record(city):
    exam(city.staff_a, ExamKind.UD1, dt.date(2020, 11, 20))

    exam(city.staff_a, ExamKind.UD1, dt.date(2020, 11, 20))

    assert ExamResult.objects.count() == 1


def test_pppk_sit_no_service_exam(city):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)

    assert refused(exam, pppk).code == "pppk_no_exam"


def test_an_exam_in_the_future_is_refused(city):
    assert refused(exam, city.staff_a, passed_on=dt.date(2027, 1, 1)).code == "date_in_future"


def test_a_pak_of_the_same_day_is_replaced(city):
    pak(city.staff_a, dt.date(2025, 1, 31), Jenjang.AHLI_PERTAMA, "37.5")

    pak(city.staff_a, dt.date(2025, 1, 31), Jenjang.AHLI_PERTAMA, "50")

    assert list(CreditAssessment.objects.values_list("total", flat=True)) == [Decimal("50.000")]


@pytest.mark.parametrize(
    "total, code", [("-0.5", "negative_credit"), ("100000", "invalid_credit"), ("1.2345", "invalid_credit")]
)
def test_a_bad_angka_kredit_is_refused(city, total, code):
    error = refused(pak, city.staff_a, dt.date(2025, 1, 31), Jenjang.AHLI_PERTAMA, total)

    assert (error.code, error.field) == (code, "total")
    assert not CreditAssessment.objects.exists()


def test_a_pak_needs_a_known_jenjang(city):
    assert refused(pak, city.staff_a, dt.date(2025, 1, 31), "ahli_super", 10).code == "invalid_jenjang"


def test_a_satyalancana_is_recorded_once_with_its_name(city):
    first = award(city.staff_a, AwardKind.SATYALANCANA_X)

    error = refused(award, city.staff_a, AwardKind.SATYALANCANA_X, dt.date(2026, 8, 17))

    assert first.name
    assert error.code == "award_already_given"
    assert Award.objects.count() == 1


def test_another_award_needs_a_name(city):
    error = refused(award, city.staff_a, AwardKind.OTHER)

    award(city.staff_a, AwardKind.OTHER, name="Pegawai Teladan")
    award(city.staff_a, AwardKind.OTHER, name="Pegawai Teladan", awarded_on=dt.date(2026, 8, 17))

    assert error.code == "required"
    assert Award.objects.count() == 2


def test_an_innovation_is_recorded_and_not_for_a_future_year(city):
    record = history.record_innovation(
        city.staff_a, title="  Antrean  daring ", year=2025, unit=city.dinkes_bidang, today=TODAY
    )
    error = refused(
        history.record_innovation, city.staff_a, title="Nanti", year=2027, unit=city.dinkes_bidang, today=TODAY
    )

    assert record.title == "Antrean daring"
    assert error.code == "year_in_future"


def test_rank_helper_is_the_reference_rank(city):
    assert rank("IV/e").pk == 17
