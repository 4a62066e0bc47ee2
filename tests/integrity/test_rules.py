"""Pure integrity rules: sanction ends, filing due dates, LHKPN obligation (DOMAIN.md §8–9)."""

import datetime as dt

import pytest

from integrity import rules
from integrity.models import SanctionType

S = dt.date(2026, 3, 15)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "expected_end"),
    [
        ("teguran_lisan", S),
        ("teguran_tertulis", S),
        ("pernyataan_tidak_puas", S),
        ("potong_tukin_25_6_bulan", dt.date(2026, 9, 15)),
        ("potong_tukin_25_9_bulan", dt.date(2026, 12, 15)),
        ("potong_tukin_25_12_bulan", dt.date(2027, 3, 15)),
        ("penurunan_jabatan_12_bulan", dt.date(2027, 3, 15)),
        ("pembebasan_jabatan_12_bulan", dt.date(2027, 3, 15)),
        ("pemberhentian", None),
    ],
)
def test_every_sanction_type_ends_as_pp_94_2021_says(code, expected_end):
    sanction_type = SanctionType.objects.get(code=code)

    end = rules.sanction_ends_on(S, sanction_type.duration_months, is_dismissal=sanction_type.is_dismissal)

    assert end == expected_end


@pytest.mark.django_db
def test_the_catalogue_has_the_nine_types_at_their_levels():
    levels = dict(SanctionType.objects.values_list("code", "level"))

    assert len(levels) == 9
    assert {c for c, level in levels.items() if level == "ringan"} == {
        "teguran_lisan",
        "teguran_tertulis",
        "pernyataan_tidak_puas",
    }
    assert {c for c, level in levels.items() if level == "berat"} == {
        "penurunan_jabatan_12_bulan",
        "pembebasan_jabatan_12_bulan",
        "pemberhentian",
    }


def test_a_six_month_sanction_from_the_31st_ends_at_the_month_s_last_day():
    assert rules.sanction_ends_on(dt.date(2026, 8, 31), 6, is_dismissal=False) == dt.date(2027, 2, 28)


def test_the_annual_filing_is_due_on_31_march_of_the_next_year():
    assert rules.annual_due_on(2025) == dt.date(2026, 3, 31)
    assert rules.filing_due_on(2025) == dt.date(2026, 3, 31)


def test_a_new_obligee_has_three_months_from_appointment_when_that_is_later():
    assert rules.filing_due_on(2025, dt.date(2025, 12, 15)) == dt.date(2026, 3, 31)
    assert rules.filing_due_on(2026, dt.date(2027, 2, 1)) == dt.date(2027, 5, 1)


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (dt.date(2026, 3, 31), 2024),  # the 2025 filing is still due today
        (dt.date(2026, 4, 1), 2025),
        (dt.date(2026, 11, 28), 2025),
        (dt.date(2027, 1, 5), 2025),
    ],
)
def test_the_last_due_year_is_the_latest_whose_deadline_has_passed(on, year):
    assert rules.last_due_year(on) == year


@pytest.mark.parametrize(
    ("kind", "corruption_prone", "designation", "expected"),
    [
        ("jpt_pratama", False, None, True),
        ("administrator", False, None, True),
        ("pengawas", False, None, False),
        ("pengawas", True, None, True),
        ("pelaksana", True, None, True),
        ("fungsional_keahlian", False, None, False),
        (None, False, None, False),
        ("pelaksana", False, True, True),
        ("administrator", False, False, False),
    ],
)
def test_who_files_lhkpn_follows_the_position_unless_a_decree_says_otherwise(
    kind, corruption_prone, designation, expected
):
    assert rules.must_file_lhkpn(kind, corruption_prone, designation) is expected
