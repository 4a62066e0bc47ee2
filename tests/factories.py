"""factory-boy factories. Employees get valid NIPs; units go through the org service so the
tree and `opd` are right."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from asn_portal import services
from asn_portal.models import (
    EducationLevel,
    Employee,
    EmployeeStatus,
    EmploymentType,
    OrgUnit,
    OrgUnitKind,
    Position,
    PositionKind,
    Rank,
    User,
)


def make_nip(born_on: dt.date, tmt_year: int, tmt_month: int, gender: str = "1", serial: int = 1) -> str:
    return f"{born_on:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{gender}{serial:03d}"


def org_unit(
    code: str, name: str | None = None, kind: str = OrgUnitKind.DINAS, parent: OrgUnit | None = None
) -> OrgUnit:
    return services.create_org_unit(code=code, name=name or code, kind=kind, parent=parent, by=None)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    password = factory.django.Password("rahasia-sigap")


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    name = factory.Sequence(lambda n: f"Analis {n}")
    kind = PositionKind.PELAKSANA
    unit = None


class EmployeeFactory(DjangoModelFactory):
    """A PNS, III/a since 2020, S1. Pass `unit=`; `opd` follows from it."""

    class Meta:
        model = Employee

    class Params:
        # Unique NIPs for any number of employees: serials 001–999, then the next birth day.
        born = factory.Sequence(lambda n: dt.date(1990, 5, 17) + dt.timedelta(days=n // 999))
        serial = factory.Sequence(lambda n: n % 999 + 1)
        appointed = dt.date(2015, 3, 1)

    name = factory.Faker("name", locale="id_ID")
    employment_type = EmploymentType.PNS
    status = EmployeeStatus.AKTIF
    nip = factory.LazyAttribute(
        lambda o: make_nip(
            o.born,
            o.appointed.year,
            21 if o.employment_type in EmploymentType.pppk() else o.appointed.month,
            "1" if o.gender == "L" else "2",
            o.serial,
        )
    )
    gender = "L"
    born_on = factory.SelfAttribute("born")
    cpns_tmt_on = factory.LazyAttribute(
        lambda o: o.appointed if o.employment_type not in EmploymentType.pppk() else None
    )
    pns_tmt_on = factory.LazyAttribute(
        lambda o: (
            dt.date(o.appointed.year + 1, o.appointed.month, 1) if o.employment_type == EmploymentType.PNS else None
        )
    )
    rank = factory.LazyAttribute(
        lambda o: None if o.employment_type in EmploymentType.pppk() else Rank.objects.get(code="III/a")
    )
    rank_tmt_on = factory.LazyAttribute(
        lambda o: None if o.employment_type in EmploymentType.pppk() else dt.date(2020, 4, 1)
    )
    education = factory.LazyFunction(lambda: EducationLevel.objects.get(code="S1"))
    unit = None
    opd = factory.LazyAttribute(lambda o: o.unit.opd)
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..nip"))
