"""Admin BKPP edits the careers reference data in the Django admin without a deploy (DOMAIN.md,
"Product decisions"); histories, proposals and study leaves are read-only there."""

import pytest
from django.urls import reverse

from careers.models import StudyLevelRule, StudyPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(city):
    """Admin BKPP's account is a staff account (seed_demo makes it so)."""
    city.admin.is_staff = True
    city.admin.save(update_fields=["is_staff"])
    return city.admin


def test_admin_bkpp_changes_the_study_policy_and_the_next_precheck_reads_it(city, staff_admin, client):
    from careers import study_rules
    from tests.careers.study_factories import START

    policy = StudyPolicy.objects.get()
    client.force_login(staff_admin)
    url = reverse("admin:careers_studypolicy_change", args=[policy.pk])
    form = client.get(url)
    assert form.status_code == 200

    data = {
        field: getattr(policy, field)
        for field in (
            "regulation",
            "min_service_months",
            "min_accreditation",
            "release_after_months",
            "report_every_months",
            "report_grace_days",
            "extension_months",
            "tb_extensions_before_conversion",
            "bond_multiplier",
            "bond_extra_years",
        )
    }
    data.update(valid_from=policy.valid_from.isoformat(), bond_multiplier=3, health_certificate_required="on")
    response = client.post(url, data)

    assert response.status_code == 302, response.content[:500]
    assert study_rules.policy_on(START).bond_multiplier == 3
    assert study_rules.bond_years(study_rules.policy_on(START), 24) == 7


def test_reference_rows_cannot_be_deleted_and_histories_cannot_be_added(city, staff_admin, client):
    client.force_login(staff_admin)
    rule = StudyLevelRule.objects.first()

    assert client.get(reverse("admin:careers_studylevelrule_changelist")).status_code == 200
    assert client.get(reverse("admin:careers_studylevelrule_delete", args=[rule.pk])).status_code == 403
    assert client.get(reverse("admin:careers_rankhistory_changelist")).status_code == 200
    assert client.get(reverse("admin:careers_rankhistory_add")).status_code == 403
    assert client.get(reverse("admin:careers_studyleave_add")).status_code == 403


def test_other_roles_do_not_reach_the_careers_admin(city, client):
    client.force_login(city.operator.user)

    response = client.get(reverse("admin:careers_studypolicy_changelist"))

    assert response.status_code in (302, 403)
