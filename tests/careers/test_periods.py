"""Promotion periods as reference data (DOMAIN.md §3.2): the 1st of every month since
1 October 2025, six a year before, twice a year before 2023; the proposal window from the 16th of
M-2 to the 15th of M-1 with BKPP's internal deadline before it."""

import datetime as dt

import pytest
from django.utils import translation

from asn_portal.services import ServiceError
from careers import periods
from careers.models import PromotionRegime

pytestmark = pytest.mark.django_db


def test_the_regime_in_force_is_the_latest_that_started():
    assert periods.regime_on(dt.date(2025, 10, 1)).regulation == "Peraturan BKN 4/2025"
    assert periods.regime_on(dt.date(2025, 9, 30)).regulation == "Peraturan BKN 4/2023"
    assert periods.regime_on(dt.date(2021, 1, 1)).regulation == "PP 99/2000"
    assert periods.regime_on(dt.date(1999, 1, 1)) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 1), True),  # every month now
        (dt.date(2025, 11, 1), True),
        (dt.date(2026, 3, 2), False),  # only the 1st
        (dt.date(2025, 9, 1), False),  # six a year then: not September
        (dt.date(2025, 8, 1), True),
        (dt.date(2022, 4, 1), True),  # April and October before 2023
        (dt.date(2022, 5, 1), False),
    ],
)
def test_a_period_is_the_first_of_a_month_of_the_regime(day, expected):
    assert periods.is_period(day) is expected


def test_a_date_that_is_not_a_period_is_refused_with_the_next_one():
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        periods.check_period(dt.date(2026, 3, 15))

    assert refused.value.code == "not_a_period"
    assert refused.value.message == "15 March 2026 is not a promotion period; the next period is 1 April 2026."


def test_the_refusal_is_in_the_users_language():
    with pytest.raises(ServiceError) as refused:
        periods.check_period(dt.date(2025, 9, 1))

    assert refused.value.code == "not_a_period"
    assert "1 Oktober 2025" in refused.value.message  # dates follow the active language (Indonesian)


def test_check_period_returns_a_good_date():
    assert periods.check_period(dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)


def test_the_next_period_follows_the_regime_of_its_date():
    assert periods.next_period(dt.date(2025, 9, 15)) == dt.date(2025, 10, 1)
    assert periods.next_period(dt.date(2025, 6, 2)) == dt.date(2025, 8, 1)
    assert periods.next_period(dt.date(2025, 10, 1)) == dt.date(2025, 11, 1)
    assert periods.next_period(dt.date(2025, 10, 1), inclusive=True) == dt.date(2025, 10, 1)
    assert periods.next_period(dt.date(2022, 4, 1)) == dt.date(2022, 10, 1)


def test_periods_between_switch_from_six_a_year_to_every_month():
    assert periods.periods_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31)) == [
        dt.date(2025, 8, 1),
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
    ]
    assert periods.periods_between(dt.date(2026, 1, 2), dt.date(2026, 3, 1)) == [
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]


def test_the_window_runs_from_the_16th_of_m_minus_2_to_the_15th_of_m_minus_1():
    assert periods.window(dt.date(2026, 1, 1)) == (dt.date(2025, 11, 16), dt.date(2025, 12, 15), dt.date(2025, 12, 15))
    assert periods.window(dt.date(2026, 7, 1))[:2] == (dt.date(2026, 5, 16), dt.date(2026, 6, 15))


def test_bkpp_can_close_its_internal_window_earlier():
    PromotionRegime.objects.filter(valid_from=dt.date(2025, 10, 1)).update(internal_deadline_days=5)

    opens, closes, internal = periods.window(dt.date(2026, 1, 1))

    assert (opens, closes, internal) == (dt.date(2025, 11, 16), dt.date(2025, 12, 15), dt.date(2025, 12, 10))


def test_an_edited_regime_applies_at_once():
    PromotionRegime.objects.create(
        name="Empat periode (contoh)", regulation="-", valid_from=dt.date(2027, 1, 1), months=[1, 4, 7, 10]
    )

    assert periods.is_period(dt.date(2027, 4, 1))
    assert not periods.is_period(dt.date(2027, 5, 1))
    assert periods.is_period(dt.date(2026, 12, 1))  # the monthly regime still holds before
    assert periods.next_period(dt.date(2027, 1, 1)) == dt.date(2027, 4, 1)


def test_the_window_of_a_date_that_is_not_a_period_is_refused():
    with pytest.raises(ServiceError) as refused:
        periods.window(dt.date(2026, 1, 15))

    assert refused.value.code == "not_a_period"


def test_the_open_window_on_a_day():
    assert periods.open_for(dt.date(2025, 11, 20)) == [dt.date(2026, 1, 1)]
    assert periods.open_for(dt.date(2025, 12, 15)) == [dt.date(2026, 1, 1)]
    assert periods.open_for(dt.date(2025, 12, 16)) == [dt.date(2026, 2, 1)]
