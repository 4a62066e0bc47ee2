"""Integrity records in the Django admin: read-only, and only for superusers."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db


def test_a_superuser_reads_but_cannot_change_a_sanction(city, client, django_user_model):
    record = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 1, 5))
    root = django_user_model.objects.create_superuser("root", "root@example.go.id", "x")
    client.force_login(root)

    page = client.get(reverse("admin:integrity_sanction_change", args=[record.pk]))
    post = client.post(reverse("admin:integrity_sanction_change", args=[record.pk]), {"decree_number": "X"})

    assert page.status_code == 200
    assert post.status_code == 403


def test_admin_bkpp_does_not_see_integrity_in_the_django_admin(city, client):
    city.admin.is_staff = True
    city.admin.save()
    record = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 1, 5))
    client.force_login(city.admin)

    index = client.get(reverse("admin:index")).content.decode()
    detail = client.get(reverse("admin:integrity_sanction_change", args=[record.pk]))

    assert "/admin/integrity/" not in index
    assert detail.status_code in (302, 403)


def test_only_the_inspektorat_reads_integrity_entries_in_the_audit_trail(city, login):
    from auditlog.context import set_actor

    with set_actor(city.inspektur):
        sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 1, 5), violation="Menerima suap proyek.")
    url = reverse("portal:audit-log")

    as_admin = login(city.admin).get(url)
    as_inspektur = login(city.inspektur).get(url)

    assert "suap" not in as_admin.content.decode()
    assert all(e.content_type.app_label != "integrity" for e in as_admin.context["page"].object_list)
    assert "suap" in as_inspektur.content.decode()
