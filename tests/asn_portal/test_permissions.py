"""Who may list, see and change whom: one table, checked against the predicates, the
querysets and the HTML pages (the API's twin of this table is in test_api_permissions.py)."""

import pytest
from django.urls import reverse

from asn_portal import permissions

pytestmark = pytest.mark.django_db

EVERYONE = {"operator", "supervisor", "staff_a", "staff_b", "outsider"}
DINKES = {"operator", "supervisor", "staff_a", "staff_b"}

# who signs in → whom they see in the directory
VISIBLE = {
    "admin": EVERYONE,
    "inspektur": EVERYONE,
    "operator": DINKES,
    "supervisor": {"supervisor", "staff_a", "staff_b"},
    "staff_a": {"staff_a"},
    "outsider": {"outsider"},
}

# who signs in → whose registry data they may change
CHANGEABLE = {
    "admin": EVERYONE,
    "inspektur": set(),
    "operator": DINKES,
    "supervisor": set(),
    "staff_a": set(),
    "outsider": set(),
}


def _names(city, employees):
    by_pk = {getattr(city, name).pk: name for name in EVERYONE}
    return {by_pk[e.pk] for e in employees}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_the_visible_queryset_follows_the_table(city, who):
    visible = permissions.employees_visible_to(city.user(who))

    assert _names(city, visible) == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_the_view_predicate_agrees_with_the_queryset_for_every_pair(city, who):
    user = city.user(who)

    for target in EVERYONE:
        employee = getattr(city, target)
        assert permissions.can_view_employee(user, employee) == (target in VISIBLE[who]), target


@pytest.mark.parametrize("who", sorted(CHANGEABLE))
def test_the_change_predicate_follows_the_table(city, who):
    user = city.user(who)

    allowed = {t for t in EVERYONE if permissions.can_change_employee(user, getattr(city, t))}

    assert allowed == CHANGEABLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_the_directory_page_lists_exactly_the_visible_employees(city, login, who):
    client = login(city.user(who))

    response = client.get(reverse("portal:employee-list"), {"per_page": 100})

    listed = set(response.context["page"].object_list)
    assert response.status_code == 200
    assert _names(city, listed) == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_a_profile_outside_ones_scope_is_a_404_like_a_missing_one(city, login, who):
    client = login(city.user(who))

    for target in EVERYONE:
        response = client.get(reverse("portal:employee-detail", args=[getattr(city, target).pk]))
        assert response.status_code == (200 if target in VISIBLE[who] else 404), target
    assert client.get(reverse("portal:employee-detail", args=[999_999])).status_code == 404


def test_an_employee_without_an_account_sees_nobody(db):
    from tests.factories import UserFactory

    stranger = UserFactory()

    assert permissions.employees_visible_to(stranger).count() == 0


def test_anonymous_sees_nobody(city):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.employees_visible_to(AnonymousUser()).count() == 0
    assert not permissions.can_view_employee(AnonymousUser(), city.staff_a)


def test_a_revoked_operator_loses_the_opd(city):
    from asn_portal import services

    services.revoke_operator(city.operator.user, city.dinkes, by=city.admin)
    user = type(city.operator.user).objects.get(pk=city.operator.user.pk)

    assert _names(city, permissions.employees_visible_to(user)) == {"operator"}
    assert not user.groups.filter(name="operator_opd").exists()


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("inspektur", 200), ("operator", 403), ("staff_a", 403)])
def test_admin_bkpp_and_the_inspektorat_read_the_audit_trail(city, login, who, status):
    client = login(city.user(who))

    response = client.get(reverse("portal:audit-log"))

    assert response.status_code == status


def test_the_integrity_tab_shows_hr_the_standing_and_the_inspektorat_the_records(city, login):
    url = reverse("portal:employee-detail", args=[city.staff_a.pk])

    as_inspektur = login(city.inspektur).get(url, {"tab": "integritas"})
    as_admin = login(city.admin).get(url, {"tab": "integritas"})

    inspektur_tab = {tab.slug: context for tab, context in as_inspektur.context["tabs"]}["integritas"]
    admin_tab = {tab.slug: context for tab, context in as_admin.context["tabs"]}["integritas"]
    assert inspektur_tab["mode"] == "full"
    assert admin_tab["mode"] == "standing"
    assert "sanctions" not in admin_tab


def test_the_audit_trail_filters_by_actor_and_keeps_the_filter_across_pages(city, login):
    from auditlog.context import set_actor

    from asn_portal.models import Employee

    with set_actor(city.admin):
        for i in range(55):
            staff = Employee.objects.get(pk=city.staff_a.pk)
            staff.phone = f"0812{i:04d}"
            staff.save()
    client = login(city.admin)

    response = client.get(reverse("portal:audit-log"), {"actor": "admin.bkpp"})

    entries = response.context["page"].object_list
    assert len(entries) == 50
    assert all(entry.actor == city.admin for entry in entries)
    assert "actor=admin.bkpp&amp;page=2" in response.content.decode()
    assert client.get(reverse("portal:audit-log"), {"actor": "inspektur"}).context["page"].paginator.count == 0
