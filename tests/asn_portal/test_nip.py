"""NIP, NI PPPK and NIK parsing (DOMAIN.md §1): examples and properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asn_portal.nip import (
    FEMALE,
    MALE,
    IdentifierError,
    check_nik_matches_nip,
    format_nip,
    normalize_digits,
    parse_nik,
    parse_nip,
)


def test_the_example_from_the_regulation_parses_into_its_parts():
    info = parse_nip("19860926 201505 1 001")

    assert info.nip == "198609262015051001"
    assert info.born_on == dt.date(1986, 9, 26)
    assert info.cpns_tmt_on == dt.date(2015, 5, 1)
    assert info.gender == MALE
    assert info.serial == 1


def test_a_woman_has_gender_digit_two():
    assert parse_nip("199002142019032005").gender == FEMALE


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "nip_required"),
        ("12345", "nip_format"),
        ("19860926201505100", "nip_format"),  # 17 digits
        ("1986092620150510011", "nip_format"),  # 19 digits
        ("19860926A01505 1001", "nip_format"),
        ("１９８６０９２６２０１５０５１００１", "nip_format"),  # full-width digits are not ASCII
        ("198602302015051001", "nip_birth_date"),  # 30 February
        ("189912312015051001", "nip_birth_date"),
        ("198609261985051001", "nip_tmt_year"),  # appointed before born
        ("198609262015131001", "nip_tmt_month"),
        ("198609262015001001", "nip_tmt_month"),
        ("198609262015053001", "nip_gender"),
        ("198609262015050001", "nip_gender"),
        ("198609262015051000", "nip_serial"),
    ],
)
def test_malformed_nips_are_refused_with_a_stable_code(value, code):
    with pytest.raises(IdentifierError) as error:
        parse_nip(value)

    assert error.value.code == code
    assert error.value.message


def test_a_future_appointment_is_refused_when_today_is_given():
    with pytest.raises(IdentifierError) as error:
        parse_nip("199001012027011001", today=dt.date(2026, 11, 28))

    assert error.value.code == "nip_tmt_future"


def test_ni_pppk_does_not_require_a_month_in_digits_13_and_14():
    info = parse_nip("199205172021211003", pppk=True)

    assert info.appointed_year == 2021
    assert info.appointed_month is None
    assert info.cpns_tmt_on is None


def test_the_same_number_is_refused_as_a_pns_nip():
    with pytest.raises(IdentifierError):
        parse_nip("199205172021211003")


def test_pppk_numbers_still_need_a_birth_date_and_gender_digit():
    with pytest.raises(IdentifierError) as bad_date:
        parse_nip("199213172021211003", pppk=True)
    with pytest.raises(IdentifierError) as bad_gender:
        parse_nip("199205172021219003", pppk=True)

    assert bad_date.value.code == "nip_birth_date"
    assert bad_gender.value.code == "nip_gender"


def test_message_is_indonesian_by_default():
    with pytest.raises(IdentifierError) as error:
        parse_nip("123")

    assert "NIP harus" in error.value.message


# --- Properties --------------------------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2005, 12, 31))


@st.composite
def valid_nips(draw):
    born = draw(birth_dates)
    year = draw(st.integers(min_value=born.year + 1, max_value=2026))
    month = draw(st.integers(min_value=1, max_value=12))
    gender = draw(st.sampled_from("12"))
    serial = draw(st.integers(min_value=1, max_value=999))
    return born, year, month, gender, serial, f"{born:%Y%m%d}{year:04d}{month:02d}{gender}{serial:03d}"


@given(valid_nips())
def test_every_well_formed_nip_parses_back_into_the_parts_it_was_built_from(parts):
    born, year, month, gender, serial, nip = parts

    info = parse_nip(nip)

    assert info.born_on == born
    assert info.cpns_tmt_on == dt.date(year, month, 1)
    assert info.gender == (MALE if gender == "1" else FEMALE)
    assert info.serial == serial


@given(valid_nips())
def test_formatting_with_spaces_round_trips(parts):
    nip = parts[-1]

    formatted = format_nip(nip)

    assert formatted.count(" ") == 3
    assert parse_nip(formatted).nip == nip
    assert normalize_digits(formatted) == nip


@given(valid_nips())
def test_a_pns_nip_is_also_a_valid_ni_pppk(parts):
    assert parse_nip(parts[-1], pppk=True).born_on == parts[0]


@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_any_18_digit_string_either_parses_or_raises_identifier_error(nip):
    try:
        info = parse_nip(nip)
    except IdentifierError as error:
        assert error.code.startswith("nip_")
    else:
        assert info.nip == nip
        assert info.serial != 0


@given(valid_nips(), st.sampled_from("0345"))
def test_any_gender_digit_other_than_1_or_2_is_refused(parts, digit):
    nip = parts[-1]
    broken = nip[:14] + digit + nip[15:]

    with pytest.raises(IdentifierError) as error:
        parse_nip(broken)

    assert error.value.code == "nip_gender"


@given(st.text(min_size=0, max_size=30))
def test_arbitrary_text_is_either_a_nip_of_18_digits_or_a_stable_error(text):
    try:
        info = parse_nip(text)
    except IdentifierError as error:
        assert error.code.startswith("nip_")
    else:
        assert len(info.nip) == 18
        assert info.nip.isdigit()


# --- NIK ------------------------------------------------------------------------------------------


def test_nik_of_a_woman_has_forty_added_to_the_birth_day():
    info = parse_nik("3374065708900002")  # born 17-08-1990, woman (57 = 17 + 40)

    assert info.birth_day == 17
    assert info.birth_month == 8
    assert info.birth_year_2 == 90
    assert info.gender == FEMALE
    assert info.province_code == "33"
    assert info.regency_code == "74"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("337406570890000", "nik_format"),
        ("0074061708900002", "nik_region"),
        ("3374063208900002", "nik_birth_date"),  # day 32
        ("3374067208900002", "nik_birth_date"),  # day 72 - 40 = 32
        ("3374061713900002", "nik_birth_date"),  # month 13
        ("3374061708900000", "nik_serial"),
    ],
)
def test_malformed_niks_are_refused(value, code):
    with pytest.raises(IdentifierError) as error:
        parse_nik(value)

    assert error.value.code == code


def test_nik_and_nip_must_agree_on_gender():
    woman_nik = parse_nik("3374065708900002")
    man_nip = parse_nip("199008172015031001")

    with pytest.raises(IdentifierError) as error:
        check_nik_matches_nip(woman_nik, man_nip)

    assert error.value.code == "nik_gender_mismatch"


def test_nik_with_another_birth_date_than_the_nip_is_accepted():
    # DOMAIN.md §1.3: a NIK is never changed even when it disagrees with the birth date.
    nik = parse_nik("3374061708910001")
    nip = parse_nip("199008172015031001")

    check_nik_matches_nip(nik, nip)


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2005, 12, 31)),
    st.sampled_from([MALE, FEMALE]),
    st.integers(min_value=1, max_value=9999),
)
def test_every_well_formed_nik_round_trips(born, gender, serial):
    day = born.day + (40 if gender == FEMALE else 0)
    nik = f"337406{day:02d}{born:%m}{born:%y}{serial:04d}"

    info = parse_nik(nik)

    assert (info.birth_day, info.birth_month, info.birth_year_2) == (born.day, born.month, born.year % 100)
    assert info.gender == gender
