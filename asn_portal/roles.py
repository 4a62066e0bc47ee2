"""Django model permissions that each role's group carries, so Admin BKPP (a staff account)
can use the Django admin for reference data and read the registry there. Kept in step after
every `migrate` (post_migrate), because permissions only exist once migrations have run.
Scoping of who sees which employees is not here: that is permissions.py."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from asn_portal.models import Role

# (app_label, codename) per role; other apps extend this in their own AppConfig.ready().
ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    Role.ADMIN_BKPP.value: {
        ("asn_portal", "view_employee"),
        ("asn_portal", "view_orgunit"),
        ("asn_portal", "view_position"),
        ("asn_portal", "change_position"),
        ("asn_portal", "add_position"),
        ("asn_portal", "view_rank"),
        ("asn_portal", "change_rank"),
        ("asn_portal", "view_educationlevel"),
        ("asn_portal", "change_educationlevel"),
        ("asn_portal", "view_operatorgrant"),
        ("asn_portal", "add_operatorgrant"),
        ("asn_portal", "delete_operatorgrant"),
        ("asn_portal", "view_importjob"),
        ("asn_portal", "view_user"),
        ("auditlog", "view_logentry"),
        ("axes", "view_accessattempt"),
        ("axes", "delete_accessattempt"),  # unlocking a locked-out account
        ("axes", "view_accesslog"),
        ("axes", "view_accessfailurelog"),
        ("asn_portal", "view_collectiveleave"),
        ("asn_portal", "add_collectiveleave"),
        ("asn_portal", "change_collectiveleave"),
        ("asn_portal", "delete_collectiveleave"),
        ("django_celery_beat", "view_periodictask"),
        ("django_celery_beat", "change_periodictask"),
    },
    Role.INSPEKTORAT.value: set(),
    Role.OPERATOR_OPD.value: set(),
}


def sync_role_permissions(**kwargs) -> None:
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        if not wanted:
            continue
        condition = Q(pk__in=[])
        for app_label, codename in wanted:
            condition |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(condition))
