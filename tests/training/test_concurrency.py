"""No overbooking, ever: many registrations racing for the last seats on PostgreSQL, with real
threads and row locks (DESIGN.md)."""

import threading

import pytest
from django.db import IntegrityError, connections, transaction

from asn_portal.services import ServiceError
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, session
from training import services
from training.models import Registration, Session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 24
SEATS = 5


def _race(target, args_list):
    barrier = threading.Barrier(len(args_list))
    errors = []

    def run(*args):
        try:
            barrier.wait(10)
            target(*args)
        except ServiceError as exc:
            errors.append(exc.code)
        except Exception as exc:  # a crash is what the test must catch
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_many_simultaneous_registrations_confirm_exactly_the_seats(city):
    sess = session(capacity=SEATS, approval_required=False)
    employees = EmployeeFactory.create_batch(RACERS, unit=city.dinkes, user=None)

    errors = _race(
        lambda employee: services.register(session=sess, employee=employee, by=None, today=TODAY),
        [(e,) for e in employees],
    )

    states = list(Registration.objects.filter(session=sess).values_list("state", flat=True))
    assert errors == []
    assert states.count("confirmed") == SEATS
    assert states.count("waitlisted") == RACERS - SEATS
    assert Session.objects.get(pk=sess.pk).confirmed_count == SEATS


def test_simultaneous_cancellations_promote_each_waitlisted_once(city):
    sess = session(capacity=SEATS, approval_required=False)
    employees = EmployeeFactory.create_batch(SEATS * 2, unit=city.dinkes, user=None)
    regs = [services.register(session=sess, employee=e, by=None, today=TODAY) for e in employees]
    confirmed = [r for r in regs if Registration.objects.get(pk=r.pk).state == "confirmed"]

    errors = _race(lambda r: services.cancel(r, by=None, today=TODAY, as_bkpp=True), [(r,) for r in confirmed])

    states = list(Registration.objects.filter(session=sess).values_list("state", flat=True))
    assert errors == []
    assert states.count("cancelled") == SEATS
    assert states.count("confirmed") == SEATS
    assert Session.objects.get(pk=sess.pk).confirmed_count == SEATS


def test_the_same_employee_registering_twice_at_once_gets_one_registration(city):
    sess = session(capacity=SEATS, approval_required=False)

    errors = _race(
        lambda _i: services.register(session=sess, employee=city.staff_a, by=None, today=TODAY),
        [(i,) for i in range(6)],
    )

    assert Registration.objects.filter(session=sess, employee=city.staff_a).count() == 1
    assert errors == ["already_registered"] * 5


def test_the_database_itself_refuses_more_confirmed_seats_than_seats(city):
    sess = session(capacity=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=sess.pk).update(confirmed_count=2)
