"""The JP ledger (DOMAIN.md §6.1): one definition, set-based, across years and sources."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asn_portal.models import Employee, EmploymentType
from asn_portal.services import ServiceError
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, program, registered, session
from training import services
from training.models import OutsideLearning, SessionStatus

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def _complete(employee, prog, starts_on, ends_on):
    sess = session(
        prog,
        approval_required=False,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_opens_on=starts_on - dt.timedelta(days=30),
        registration_closes_on=starts_on,
        cancellation_deadline=starts_on,
    )
    reg = services.register(session=sess, employee=employee, by=None, today=starts_on - dt.timedelta(days=1))
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=starts_on)
    services.record_result(reg, passed=True, by=None, on=ends_on)
    return reg


def _outside(employee, jp, ends_on, *, verified=True):
    record = services.record_outside_learning(
        employee=employee,
        title="E-learning Antikorupsi (ACLC KPK)",
        organiser="KPK",
        category="elearning",
        starts_on=ends_on - dt.timedelta(days=2),
        ends_on=ends_on,
        jp=jp,
        certificate=SimpleUploadedFile("sertifikat.pdf", PDF),
        by=None,
        today=TODAY,
    )
    if verified is not None:
        services.decide_outside_learning(record, verified=verified, by=None, reason="" if verified else "Tidak sah")
    return record


def test_jp_count_in_the_year_the_training_ended(city):
    # Started in December 2025, ended in January 2026: it counts for 2026.
    _complete(city.staff_a, program(default_jp=30), dt.date(2025, 12, 29), dt.date(2026, 1, 2))
    _complete(city.staff_a, program(default_jp=8), dt.date(2025, 6, 1), dt.date(2025, 6, 1))

    assert services.jp_total(city.staff_a, 2025) == 8
    assert services.jp_total(city.staff_a, 2026) == 30


def test_verified_outside_learning_counts_and_unverified_or_rejected_does_not(city):
    _complete(city.staff_a, program(default_jp=16), dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    _outside(city.staff_a, 6, dt.date(2026, 5, 1))
    _outside(city.staff_a, 10, dt.date(2026, 5, 20), verified=None)
    _outside(city.staff_a, 12, dt.date(2026, 6, 1), verified=False)

    annotated = services.with_jp(Employee.objects.filter(pk=city.staff_a.pk), 2026).get()

    assert (annotated.jp_sessions, annotated.jp_outside, annotated.jp_total) == (16, 6, 22)


def test_a_failed_or_cancelled_training_earns_no_jp(city):
    sess = session(approval_required=False)
    failed = registered(sess, city.staff_a)
    cancelled = registered(sess, city.staff_b)
    services.cancel(cancelled, by=None, today=TODAY)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)
    services.record_result(failed, passed=False, by=None, on=dt.date(2026, 12, 2))

    assert services.jp_total(city.staff_a, 2026) == 0
    assert services.jp_total(city.staff_b, 2026) == 0


def test_the_ledger_of_many_employees_is_one_query_and_agrees_with_each(city):
    people = EmployeeFactory.create_batch(12, unit=city.dinkes)
    prog = program(default_jp=5)
    for index, person in enumerate(people):
        for _ in range(index % 3):
            _outside(person, 3 + index, dt.date(2026, 2, 1 + index))
    _complete(people[0], prog, dt.date(2026, 4, 6), dt.date(2026, 4, 6))

    with CaptureQueriesContext(connection) as queries:
        totals = dict(services.with_jp(Employee.objects.all(), 2026).values_list("pk", "jp_total"))

    assert len(queries) == 1
    assert totals == {e.pk: services.jp_total(e, 2026) for e in Employee.objects.all()}
    assert totals[people[0].pk] == 5


def test_history_lists_both_sources_newest_first(city):
    _complete(city.staff_a, program(title="Bimtek SIASN", default_jp=16), dt.date(2025, 3, 3), dt.date(2025, 3, 4))
    _outside(city.staff_a, 6, dt.date(2026, 5, 1))

    history = services.jp_history(city.staff_a)

    assert [(h.source, h.jp) for h in history] == [("outside", 6), ("session", 16)]


def test_the_target_is_20_jp_for_pns_and_the_contract_s_for_pppk(city, settings):
    settings.SIGAP_JP_TARGET_PPPK = 24
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)

    assert services.jp_target(city.staff_a) == 20
    assert services.jp_target(pppk) == 24


@pytest.mark.parametrize(
    ("content", "jp", "code"),
    [
        (b"<html>not a certificate</html>", 6, "file_type"),
        (PDF, 0, "jp_not_positive"),
        (PDF, -4, "jp_not_positive"),
    ],
)
def test_outside_learning_needs_a_real_certificate_and_positive_jp(city, content, jp, code):
    with pytest.raises(ServiceError) as error:
        services.record_outside_learning(
            employee=city.staff_a,
            title="Seminar",
            organiser="X",
            category="seminar",
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 1),
            jp=jp,
            certificate=SimpleUploadedFile("s.pdf", content),
            by=None,
            today=TODAY,
        )

    assert error.value.code == code
    assert not OutsideLearning.objects.exists()


def test_a_rejection_of_outside_learning_needs_a_reason(city):
    record = _outside(city.staff_a, 6, dt.date(2026, 5, 1), verified=None)

    with pytest.raises(ServiceError) as error:
        services.decide_outside_learning(record, verified=False, by=None, reason="")

    assert error.value.code == "reason_required"


def test_officials_without_their_leadership_training_after_a_year_are_listed(city):
    from tests.factories import PositionFactory

    pengawas = PositionFactory(unit=city.dinkes, name="Kepala Seksi", kind="pengawas")
    late = EmployeeFactory(unit=city.dinkes, position=pengawas, position_since_on=dt.date(2025, 1, 2))
    new = EmployeeFactory(unit=city.dinkes, position=pengawas, position_since_on=dt.date(2026, 6, 1))
    trained = EmployeeFactory(unit=city.dinkes, position=pengawas, position_since_on=dt.date(2024, 1, 2))
    _complete(trained, program(category="pkp", title="PKP", default_jp=830), dt.date(2025, 5, 5), dt.date(2025, 8, 5))

    missing = set(services.missing_leadership_training(Employee.objects.all(), TODAY))

    assert late in missing
    assert new not in missing and trained not in missing


def test_corruption_prone_posts_without_integrity_training_are_listed(city):
    from tests.factories import PositionFactory

    buyer = PositionFactory(unit=city.dinkes, name="Pejabat Pengadaan", handles_procurement=True)
    untrained = EmployeeFactory(unit=city.dinkes, position=buyer)
    trained = EmployeeFactory(unit=city.dinkes, position=buyer)
    _complete(
        trained,
        program(is_integrity_training=True, title="Pelatihan Antikorupsi"),
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 2),
    )

    missing = set(services.missing_integrity_training(Employee.objects.all()))

    assert missing == {untrained}
