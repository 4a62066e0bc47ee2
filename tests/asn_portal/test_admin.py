"""The Django admin edits reference data but never bypasses the services for registry data."""

import pytest
from django.urls import reverse

from asn_portal.models import OperatorGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.go.id", "x")
    client.force_login(user)
    return client, user


def test_employees_are_read_only_in_the_admin(city, superuser_client):
    client, _user = superuser_client

    changelist = client.get(reverse("admin:asn_portal_employee_changelist"))
    add = client.get(reverse("admin:asn_portal_employee_add"))

    assert changelist.status_code == 200
    assert add.status_code == 403


def test_granting_an_operator_in_the_admin_also_grants_the_group(city, superuser_client):
    client, _user = superuser_client
    user = city.staff_a.user

    response = client.post(reverse("admin:asn_portal_operatorgrant_add"), {"user": user.pk, "opd": city.disdik.pk})

    assert response.status_code == 302
    assert OperatorGrant.objects.filter(user=user, opd=city.disdik).exists()
    assert user.groups.filter(name="operator_opd").exists()


def test_revoking_the_last_grant_in_the_admin_removes_the_group(city, superuser_client):
    client, _user = superuser_client
    grant = OperatorGrant.objects.get(user=city.operator.user)

    client.post(reverse("admin:asn_portal_operatorgrant_delete", args=[grant.pk]), {"post": "yes"})

    assert not OperatorGrant.objects.filter(pk=grant.pk).exists()
    assert not city.operator.user.groups.filter(name="operator_opd").exists()


def test_admin_bkpp_can_use_the_django_admin_for_reference_data_and_reading(city, client):
    city.admin.is_staff = True
    city.admin.save()
    client.force_login(city.admin)

    index = client.get(reverse("admin:index"))
    positions = client.get(reverse("admin:asn_portal_position_changelist"))
    employees = client.get(reverse("admin:asn_portal_employee_changelist"))
    users_delete = client.get(reverse("admin:asn_portal_user_delete", args=[city.staff_a.user.pk]))

    assert index.status_code == 200
    assert positions.status_code == 200
    assert employees.status_code == 200
    assert users_delete.status_code == 403
