"""The demo's career records: `seed_demo` calls `careers.demo.seed`, which plans with
`build_careers` and writes the histories in bulk. One small city (300 employees, seeded as of
AS_OF) for the whole module, inside a transaction rolled back at the end; each test runs in a
savepoint inside it. Files the other apps' demo records store go to a temporary MEDIA_ROOT.

The promotion checks here are deliberately simple readings of DOMAIN.md §3.1 (time in rank, SKP
of the years before the period's, the ceiling): the eligibility engine has its own tests."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from asn_portal import demo
from asn_portal.models import EducationLevel, Employee, Position, PositionKind
from asn_portal.nip import parse_nip
from careers import eligibility, periods
from careers.demo import (
    build_careers,
    coming_periods,
    load_sanctions,
    load_standing,
    reference_from_db,
)
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    EducationHistory,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    PromotionProposal,
    PromotionRegime,
    ProposalEvent,
    RankHistory,
)

SIZE = 300
AS_OF = dt.date(2026, 11, 28)
PERIODS = (dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1))
CAREER_MODELS = (
    RankHistory,
    PositionHistory,
    EducationHistory,
    PerformanceRating,
    ExamResult,
    CreditAssessment,
    Award,
    Innovation,
    PromotionProposal,
    ProposalEvent,
)
STRUCTURAL = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
FUNCTIONAL = ("fungsional_keahlian", "fungsional_keterampilan")
PROMOTIONS = ("reguler", "pilihan_struktural", "pilihan_fungsional", "penyesuaian_ijazah")
YEARS_IN_RANK = {"reguler": 4, "pilihan_struktural": 4, "pilihan_fungsional": 2, "penyesuaian_ijazah": 1}
SKP_YEARS = {"reguler": 2, "pilihan_struktural": 2, "pilihan_fungsional": 2, "penyesuaian_ijazah": 1}
GOOD = ("baik", "sangat_baik")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module (what the run printed is kept for the tests)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CAREER_MODELS}


def _granted() -> set[tuple[str, int, dt.date]]:
    """(NIP, rank, TMT) of the rank rows the seeded proposals' decrees wrote through
    `careers.proposals.record_decree` (which records no masa kerja golongan)."""
    return set(
        PromotionProposal.objects.filter(state="approved").values_list("employee__nip", "to_rank_id", "period_on")
    )


def _civil_servants():
    return Employee.objects.filter(employment_type__in=("pns", "cpns"))


def _rank_rows() -> dict[int, list[RankHistory]]:
    rows = defaultdict(list)
    for row in RankHistory.objects.order_by("employee_id", "tmt_on"):
        rows[row.employee_id].append(row)
    return rows


def _add_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _is_period(day: dt.date, regimes: list[PromotionRegime]) -> bool:
    """The 1st of a month of the regime in force (before the first regime: of its months)."""
    in_force = [regime for regime in regimes if regime.valid_from <= day] or regimes[:1]
    return day.day == 1 and day.month in in_force[-1].months


# --- The plan alone (no database) -----------------------------------------------------------------


def test_the_same_city_and_day_plan_the_same_careers():
    first = build_careers(demo.build_city(seed=7, employees=SIZE), as_of=AS_OF)
    second = build_careers(demo.build_city(seed=7, employees=SIZE), as_of=AS_OF)

    assert first == second


def test_another_seed_plans_other_careers():
    first = build_careers(demo.build_city(seed=7, employees=SIZE), as_of=AS_OF)
    other = build_careers(demo.build_city(seed=8, employees=SIZE), as_of=AS_OF)

    assert first.ranks != other.ranks


def test_the_plan_looks_at_the_next_three_monthly_periods():
    assert coming_periods(AS_OF) == PERIODS
    assert coming_periods(dt.date(2026, 1, 31)) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def _officials_who_could_be_promoted(city: demo.DemoCity, period: dt.date) -> int:
    """Structural officials whose four years in rank are over by `period`, below their post's
    highest rank and short of retirement: the plan cannot make anyone else eligible, as it
    never changes a rank or its TMT."""
    posts = {position.key: position for position in city.positions}
    count = 0
    for employee in city.employees:
        post = posts.get(employee.position_key) if employee.position_key else None
        if employee.employment_type != "pns" or post is None or post.kind not in STRUCTURAL:
            continue
        retires = _add_years(employee.born_on, 60 if post.kind.startswith("jpt") else 58)
        count += employee.rank < post.max_rank and _add_years(employee.rank_tmt_on, 4) <= period and retires >= period
    return count


@pytest.mark.parametrize("seed", [demo.DEFAULT_SEED, 3, 11])
def test_each_kind_has_eligible_and_not_eligible_employees_in_every_coming_period_of_any_city(seed):
    city = demo.build_city(seed=seed, employees=SIZE)
    plan = build_careers(city, as_of=AS_OF)

    found = {(count.kind, count.period): (count.eligible, count.not_eligible) for count in plan.outlook}

    assert set(found) == {(kind, period) for kind in PROMOTIONS for period in PERIODS}
    for (kind, period), (eligible, not_eligible) in found.items():
        possible = _officials_who_could_be_promoted(city, period) if kind == "pilihan_struktural" else 2
        assert eligible >= min(2, possible), (kind, period, eligible)
        assert not_eligible >= 2, (kind, period, not_eligible)


# --- The seeded database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeding_reports_the_career_records(seeded):
    assert "Careers: " in seeded
    assert "Demo records of careers" in seeded


@pytest.mark.django_db
def test_the_last_rank_row_is_each_civil_servants_current_rank_and_tmt(seeded):
    rows = _rank_rows()

    for employee in _civil_servants():
        history = rows[employee.pk]
        last = history[-1]
        assert last.rank_id == employee.rank_id, employee.nip
        if last.kind == "pns":
            # The appointment as PNS in the rank held as CPNS: the time in rank still counts
            # from the CPNS row (careers.history.current_rank).
            assert [row.kind for row in history] == ["cpns", "pns"], employee.nip
            assert history[0].tmt_on == employee.rank_tmt_on, employee.nip
        else:
            assert last.tmt_on == employee.rank_tmt_on, employee.nip


@pytest.mark.django_db
def test_rank_rows_start_at_the_cpns_appointment_and_never_go_down(seeded):
    rows = _rank_rows()
    starting = dict(EducationLevel.objects.values_list("code", "starting_rank_id"))
    diplomas = defaultdict(list)
    for employee_id, code, graduated_on in EducationHistory.objects.values_list(
        "employee_id", "level__code", "graduated_on"
    ):
        diplomas[employee_id].append((graduated_on, code))

    for employee in _civil_servants():
        history = rows[employee.pk]
        first = history[0]
        assert first.kind == "cpns"
        assert first.tmt_on == employee.cpns_tmt_on == parse_nip(employee.nip).cpns_tmt_on
        held_then = [code for graduated_on, code in diplomas[employee.pk] if graduated_on < first.tmt_on]
        assert first.rank_id in {starting[code] for code in held_then}, employee.nip
        ranks = [row.rank_id for row in history]
        assert ranks == sorted(ranks), employee.nip
        assert [row.tmt_on for row in history] == sorted({row.tmt_on for row in history})
        if employee.pns_tmt_on:
            assert any(row.kind == "pns" and row.tmt_on == employee.pns_tmt_on for row in history)
        else:
            assert len(history) == 1


@pytest.mark.django_db
def test_promotions_take_effect_on_the_period_dates_of_their_regime(seeded):
    # DOMAIN.md §3.2. The generator's own last TMT is kept even when its regime had no period
    # in that month (it snaps 2023 to even months from February).
    regimes = list(PromotionRegime.objects.order_by("valid_from"))
    promotions = RankHistory.objects.exclude(kind__in=("cpns", "pns")).select_related("employee")

    off_period = [row for row in promotions if not _is_period(row.tmt_on, regimes)]

    assert promotions.count() > SIZE
    assert all(row.tmt_on == row.employee.rank_tmt_on for row in off_period)
    assert len(off_period) < 0.02 * promotions.count()


@pytest.mark.django_db
def test_every_kind_of_promotion_is_in_the_history(seeded):
    kinds = Counter(RankHistory.objects.values_list("kind", flat=True))

    assert all(kinds[kind] for kind in PROMOTIONS), kinds


@pytest.mark.django_db
def test_masa_kerja_golongan_counts_from_tmt_cpns_less_the_years_a_golongan_change_takes(seeded):
    rows = _rank_rows()
    granted = _granted()

    for employee in _civil_servants():
        history = rows[employee.pk]
        cpns = history[0]
        for row in history:
            if (employee.nip, row.rank_id, row.tmt_on) in granted:
                continue
            served = row.service_years * 12 + row.service_months
            since_cpns = _months(cpns.tmt_on, row.tmt_on)
            golongan_up = (row.rank_id - 1) // 4 - (cpns.rank_id - 1) // 4
            assert 0 <= since_cpns - served <= 72 * golongan_up, (employee.nip, row)
        assert (history[0].service_years, history[0].service_months) == (0, 0)


@pytest.mark.django_db
def test_pppk_have_no_rank_history_but_posts_diplomas_and_skp(seeded):
    pppk = Employee.objects.filter(employment_type__in=("pppk", "pppk_paruh_waktu"))

    assert pppk.exists()
    assert not RankHistory.objects.filter(employee__in=pppk).exists()
    assert not ExamResult.objects.filter(employee__in=pppk).exists()
    assert PositionHistory.objects.filter(employee__in=pppk).exists()
    assert EducationHistory.objects.filter(employee__in=pppk).exists()
    assert PerformanceRating.objects.filter(employee__in=pppk).exists()


@pytest.mark.django_db
def test_skp_covers_the_last_five_years_and_never_a_year_before_appointment(seeded):
    ratings = list(PerformanceRating.objects.select_related("employee"))

    for rating in ratings:
        appointed = parse_nip(rating.employee.nip, pppk=rating.employee.employment_type.startswith("pppk"))
        assert rating.year >= appointed.appointed_year, rating.employee.nip
    predikat = Counter(rating.predikat for rating in ratings)
    assert {rating.year for rating in ratings} == {2022, 2023, 2024, 2025, 2026}
    assert (predikat["baik"] + predikat["sangat_baik"]) / len(ratings) > 0.85
    assert predikat["baik"] > predikat["sangat_baik"] > predikat["butuh_perbaikan"] > 0
    assert predikat["kurang"] > 0


@pytest.mark.django_db
def test_the_highest_diploma_is_the_employees_education(seeded):
    highest = {}
    for employee_id, order, graduated_on in EducationHistory.objects.values_list(
        "employee_id", "level__order", "graduated_on"
    ):
        highest[employee_id] = max(highest.get(employee_id, 0), order)
        assert graduated_on <= AS_OF

    for employee in Employee.objects.select_related("education"):
        assert highest[employee.pk] == employee.education.order, employee.nip


@pytest.mark.django_db
def test_some_diplomas_earned_in_service_await_their_penyesuaian_ijazah(seeded):
    # DOMAIN.md §3.1: a diploma newer than the rank's TMT whose starting rank is above the rank.
    pending = [
        diploma
        for diploma in EducationHistory.objects.filter(employee__rank_tmt_on__isnull=False).select_related(
            "employee", "level"
        )
        if diploma.graduated_on > diploma.employee.rank_tmt_on
        and diploma.level.starting_rank_id > diploma.employee.rank_id
    ]
    ukppi = set(ExamResult.objects.filter(kind="UKPPI").values_list("employee_id", flat=True))

    paths = Counter(diploma.path for diploma in pending)
    assert len(pending) >= 6
    assert paths["tugas_belajar"] >= 1
    assert any(d.path == "izin_belajar" and d.employee_id in ukppi for d in pending)
    assert any(d.path == "izin_belajar" and d.employee_id not in ukppi for d in pending)
    assert RankHistory.objects.filter(kind="penyesuaian_ijazah").exists()  # and some came before


@pytest.mark.django_db
def test_the_position_history_ends_in_the_current_post(seeded):
    last = {}
    for row in PositionHistory.objects.order_by("employee_id", "tmt_on"):
        last[row.employee_id] = row

    for employee in Employee.objects.filter(position__isnull=False):
        row = last[employee.pk]
        assert (row.position_id, row.tmt_on) == (employee.position_id, employee.position_since_on), employee.nip


@pytest.mark.django_db
def test_functional_posts_follow_the_rank_through_their_levels(seeded):
    changed_level = 0
    for employee in Employee.objects.filter(position__kind__in=FUNCTIONAL, employment_type="pns"):
        levels = list(
            PositionHistory.objects.filter(employee=employee, kind__in=FUNCTIONAL)
            .order_by("tmt_on")
            .values_list("jenjang", flat=True)
        )
        assert levels[-1] == employee.position.jenjang
        changed_level += len(set(levels)) > 1

    assert changed_level > 0


@pytest.mark.django_db
def test_ujian_dinas_came_before_each_crossing_that_needed_it(seeded):
    # DOMAIN.md §3.3: a pelaksana without an S1/D4 crossing II/d -> III/a passed Ujian Dinas I.
    exams = defaultdict(list)
    for employee_id, kind, passed_on in ExamResult.objects.values_list("employee_id", "kind", "passed_on"):
        exams[(employee_id, kind)].append(passed_on)
    orders = defaultdict(list)
    for employee_id, order, graduated_on in EducationHistory.objects.values_list(
        "employee_id", "level__order", "graduated_on"
    ):
        orders[employee_id].append((graduated_on, order))
    crossings = 0

    for employee_id, history in _rank_rows().items():
        for before, row in zip(history, history[1:], strict=False):
            if row.kind != "reguler" or not before.rank_id <= 8 < row.rank_id:
                continue
            if max(order for day, order in orders[employee_id] if day <= row.tmt_on) >= 70:
                continue
            crossings += 1
            assert any(day <= row.tmt_on for day in exams[(employee_id, "UD1")]), employee_id

    assert crossings > 0
    assert ExamResult.objects.filter(kind="UD2").exists()


@pytest.mark.django_db
def test_functional_post_holders_have_paks_in_their_level(seeded):
    holders = Employee.objects.filter(position__kind__in=FUNCTIONAL, employment_type="pns", status="aktif")

    with_pak = 0
    for employee in holders.select_related("position"):
        paks = list(CreditAssessment.objects.filter(employee=employee).order_by("assessed_on"))
        with_pak += bool(paks)
        assert all(pak.jenjang == employee.position.jenjang for pak in paks)
        assert [pak.total for pak in paks] == sorted(pak.total for pak in paks)
        assert all(pak.assessed_on <= AS_OF for pak in paks)

    assert with_pak > 0.8 * holders.count()
    assert not CreditAssessment.objects.exclude(employee__in=holders).exists()


def _simple_outlook(employee, kind: str, period: dt.date, ratings, pending) -> tuple[bool, bool] | None:
    """(time in rank met, every simple criterion met) of `kind` for `period`, or None when the
    kind is not the employee's: time in rank, SKP of the years before the period's year, and
    the rank ceiling of the diploma or the post."""
    diploma = pending.get(employee.pk)
    if diploma is not None:
        own = "penyesuaian_ijazah"
    elif employee.position and employee.position.kind in STRUCTURAL:
        own = "pilihan_struktural"
    elif employee.position and employee.position.kind in FUNCTIONAL:
        own = "pilihan_fungsional"
    else:
        own = "reguler"
    if own != kind:
        return None
    time_met = _add_years(employee.rank_tmt_on, YEARS_IN_RANK[kind]) <= period
    skp = all(ratings.get((employee.pk, year)) in GOOD for year in range(period.year - SKP_YEARS[kind], period.year))
    if kind == "reguler":
        below_ceiling = employee.rank_id < employee.education.regular_promotion_ceiling_id
    elif kind == "penyesuaian_ijazah":
        below_ceiling = True
    else:
        below_ceiling = employee.rank_id < employee.position.max_rank_id
    return time_met, time_met and skp and below_ceiling


@pytest.mark.django_db
def test_every_kind_has_candidates_who_meet_it_and_who_miss_it_in_each_coming_period(seeded):
    employees = list(
        Employee.objects.filter(employment_type="pns", status="aktif").select_related("position", "education")
    )
    ratings = {(e, y): p for e, y, p in PerformanceRating.objects.values_list("employee_id", "year", "predikat")}
    pending = {
        diploma.employee_id: diploma
        for diploma in EducationHistory.objects.filter(employee__rank_tmt_on__isnull=False).select_related(
            "employee", "level"
        )
        if diploma.graduated_on > diploma.employee.rank_tmt_on
        and diploma.level.starting_rank_id > diploma.employee.rank_id
    }

    for kind in PROMOTIONS:
        for period in PERIODS:
            outlooks = [_simple_outlook(e, kind, period, ratings, pending) for e in employees]
            outlooks = [outlook for outlook in outlooks if outlook is not None]
            assert any(ok for _time, ok in outlooks), (kind, period)
            assert any(not ok for _time, ok in outlooks), (kind, period)


@pytest.mark.django_db
def test_every_kind_has_candidates_whose_time_in_rank_completes_in_the_coming_periods(seeded):
    employees = list(
        Employee.objects.filter(employment_type="pns", status="aktif").select_related("position", "education")
    )
    pending = {
        diploma.employee_id: diploma
        for diploma in EducationHistory.objects.filter(employee__rank_tmt_on__isnull=False).select_related(
            "employee", "level"
        )
        if diploma.graduated_on > diploma.employee.rank_tmt_on
        and diploma.level.starting_rank_id > diploma.employee.rank_id
    }

    for kind in PROMOTIONS:
        completing = [
            e
            for e in employees
            if _simple_outlook(e, kind, PERIODS[-1], {}, pending) is not None
            and AS_OF < _add_years(e.rank_tmt_on, YEARS_IN_RANK[kind]) <= PERIODS[-1]
        ]
        assert completing, kind


@pytest.mark.django_db
def test_the_stored_rows_are_the_ones_the_plan_expects(seeded):
    # The inputs the writer read: the posts' TMT the training demo set (structural officials),
    # the sanctions and the standing on the coming periods.
    since = dict(Employee.objects.filter(position__kind__in=STRUCTURAL).values_list("nip", "position_since_on"))
    plan = build_careers(
        demo.build_city(demo.DEFAULT_SEED, SIZE),
        as_of=AS_OF,
        reference=reference_from_db(),
        position_since=since,
        sanctions=load_sanctions(),
        not_in_good_standing=load_standing(PERIODS),
    )

    granted = _granted()  # written by the seeded proposals' decrees
    stored = {
        row
        for row in RankHistory.objects.values_list(
            "employee__nip", "rank_id", "tmt_on", "kind", "service_years", "service_months"
        )
        if row[:3] not in granted
    }
    assert stored == {(r.nip, r.rank, r.tmt_on, r.kind, r.service_years, r.service_months) for r in plan.ranks}
    assert set(PerformanceRating.objects.values_list("employee__nip", "year", "predikat")) == {
        (r.nip, r.year, r.predikat) for r in plan.ratings
    }
    assert set(CreditAssessment.objects.values_list("employee__nip", "assessed_on", "total")) == {
        (r.nip, r.assessed_on, r.total) for r in plan.credits
    }


@pytest.mark.django_db
def test_long_serving_civil_servants_hold_the_satyalancana_karya_satya(seeded):
    awards = Award.objects.exclude(kind=AwardKind.OTHER).select_related("employee")
    by_kind = Counter(award.kind for award in awards)

    for award in awards:
        years = {"satyalancana_x": 10, "satyalancana_xx": 20, "satyalancana_xxx": 30}[award.kind]
        assert _add_years(award.employee.cpns_tmt_on, years) <= award.awarded_on <= AS_OF
    assert by_kind["satyalancana_x"] > by_kind["satyalancana_xx"] > by_kind["satyalancana_xxx"] > 0
    assert not awards.filter(employee__employment_type__in=("pppk", "pppk_paruh_waktu", "cpns")).exists()


@pytest.mark.django_db
def test_innovations_are_led_by_civil_servants_and_some_earned_an_award(seeded):
    innovations = list(Innovation.objects.select_related("employee"))
    recognised = [innovation for innovation in innovations if innovation.recognition]

    assert len(innovations) >= 6
    assert all(innovation.employee.employment_type == "pns" for innovation in innovations)
    assert recognised
    for innovation in recognised:
        assert Award.objects.filter(employee=innovation.employee, kind=AwardKind.OTHER, name=innovation.recognition)


@pytest.mark.django_db
def test_the_pegawai_persona_waits_for_her_move_to_ahli_muda_with_the_credit_it_needs(seeded):
    employee = Employee.objects.get(nip=demo.PERSONA_EMPLOYEE.nip)

    kinds = list(RankHistory.objects.filter(employee=employee).order_by("tmt_on").values_list("kind", "tmt_on"))
    paks = list(
        CreditAssessment.objects.filter(employee=employee).order_by("assessed_on").values_list("total", flat=True)
    )
    skp = dict(PerformanceRating.objects.filter(employee=employee).values_list("year", "predikat"))

    assert kinds == [
        ("cpns", dt.date(2020, 2, 1)),
        ("pns", dt.date(2021, 6, 1)),
        ("pilihan_fungsional", dt.date(2024, 4, 1)),
    ]
    assert paks == [Decimal("52.000"), Decimal("64.500"), Decimal("83.250"), Decimal("102.000")]
    assert (skp[2024], skp[2025]) == ("sangat_baik", "sangat_baik")
    assert employee.position.max_rank_id == employee.rank_id  # III/b: the top of Ahli Pertama
    assert Innovation.objects.filter(employee=employee).exists()


@pytest.mark.django_db
def test_the_atasan_persona_is_at_his_posts_highest_rank(seeded):
    employee = Employee.objects.get(nip=demo.PERSONA_SUPERVISOR.nip)
    posts = list(PositionHistory.objects.filter(employee=employee).order_by("tmt_on"))

    assert employee.rank_id == Position.objects.get(pk=employee.position_id).max_rank_id
    assert [post.jenjang for post in posts[:-1]] == ["ahli_pertama", "ahli_muda", "ahli_madya"]
    assert posts[-1].kind == PositionKind.ADMINISTRATOR and posts[-1].tmt_on == employee.position_since_on
    assert set(Award.objects.filter(employee=employee).values_list("kind", flat=True)) >= {
        "satyalancana_x",
        "satyalancana_xx",
    }


@pytest.mark.django_db
def test_the_operator_persona_is_at_her_diplomas_ceiling(seeded):
    employee = Employee.objects.select_related("education").get(nip=demo.PERSONA_OPERATOR.nip)

    kinds = list(RankHistory.objects.filter(employee=employee).order_by("tmt_on").values_list("kind", flat=True))

    assert kinds == ["cpns", "pns", "reguler", "reguler", "reguler"]
    assert employee.rank_id == employee.education.regular_promotion_ceiling_id


@pytest.mark.django_db
def test_proposals_stand_at_every_step_of_the_workflow(seeded):
    states = Counter(PromotionProposal.objects.values_list("state", flat=True))

    for state in ("proposed", "returned", "supervisor_approved", "verified", "submitted", "approved", "rejected"):
        assert states[state] >= 1, state
    assert not PromotionProposal.objects.filter(state="submitted", bkn_reference="").exists()
    assert "Careers: promotion proposals" in seeded


@pytest.mark.django_db
def test_every_proposal_went_through_the_services_from_proposed_on(seeded):
    order = ("proposed", "returned", "supervisor_approved", "verified", "submitted", "approved", "rejected")
    for proposal in PromotionProposal.objects.prefetch_related("events"):
        events = sorted(proposal.events.all(), key=lambda event: (event.at, event.pk))
        assert events[0].from_state == "" and events[0].to_state == "proposed", proposal.pk
        assert events[-1].to_state == proposal.state, proposal.pk
        assert all(event.by_id for event in events), proposal.pk
        assert [event.to_state for event in events] == sorted((event.to_state for event in events), key=order.index), (
            proposal.pk
        )
        assert proposal.eligibility and proposal.rule_version


@pytest.mark.django_db
def test_an_approved_proposal_wrote_the_rank_history(seeded):
    approved = list(PromotionProposal.objects.filter(state="approved").select_related("employee"))

    assert approved
    for proposal in approved:
        assert proposal.period_on < AS_OF and proposal.decree_number
        assert proposal.employee.rank_id == proposal.to_rank_id
        assert proposal.employee.rank_tmt_on == proposal.period_on
        assert RankHistory.objects.filter(
            employee=proposal.employee, rank=proposal.to_rank, tmt_on=proposal.period_on, kind=proposal.kind
        ).exists()
    rejected = PromotionProposal.objects.filter(state="rejected").select_related("employee")
    assert all(proposal.period_on < AS_OF for proposal in rejected)


@pytest.mark.django_db
def test_the_personas_see_proposals_in_their_inboxes(seeded):
    operator = Employee.objects.get(nip=demo.PERSONA_OPERATOR.nip)
    supervisor = Employee.objects.get(nip=demo.PERSONA_SUPERVISOR.nip)
    proposals = PromotionProposal.objects.filter(opd_id=operator.opd_id)
    period = periods.open_for(AS_OF)[0]
    staff_eligible = eligibility.eligible(Employee.objects.filter(supervisor=supervisor), period).exists()

    assert proposals.filter(state="proposed").exclude(employee__supervisor__user=None).exists()
    # The atasan persona's staff come first, when the engine finds one of them eligible (with
    # the default seed none is: the persona's unit is built around its outlooks).
    assert proposals.filter(state="proposed", employee__supervisor=supervisor).exists() == staff_eligible
    assert proposals.filter(proposed_by=operator.user).exists()
    assert proposals.filter(state="returned", proposed_by=operator.user).exists()  # hers to correct
    assert PromotionProposal.objects.filter(state="supervisor_approved").exists()  # Admin BKPP's to verify


@pytest.mark.django_db
def test_seeding_again_adds_no_career_records(seeded):
    before = _counts()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=StringIO())

    assert _counts() == before


@pytest.mark.django_db
def test_seeding_another_city_on_a_seeded_database_adds_no_career_records(seeded):
    before = _counts()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE * 2, seed=99, stdout=StringIO())

    assert _counts() == before
