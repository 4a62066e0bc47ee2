from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    """Career histories, study leave and promotion eligibility. Filled by its issues."""

    name = "careers"
    verbose_name = _("Careers")

    def ready(self):
        from asn_portal.models import Role
        from asn_portal.roles import ROLE_PERMISSIONS
        from careers.admin import role_permissions

        # Admin BKPP edits the careers reference data in the Django admin (synced after migrate).
        ROLE_PERMISSIONS[Role.ADMIN_BKPP.value] |= role_permissions()

        from careers import (
            audit,  # noqa: F401  (registers the history models with django-auditlog)
            importing,
        )

        importing.register()  # the history import kinds (asn_portal.imports): riwayat_pangkat, skp, ...

        from careers import reminders, reports

        reminders.register()  # approvals waiting, semester reports, bonds, promotion windows
        reports.register()  # promotion_candidates, study_roster

        from careers import retention

        retention.register()  # issue 8: retention rules and kept records (asn_portal.retention)

        # After asn_portal's ready() (INSTALLED_APPS order): the profile tabs replace the core
        # placeholders of the same slugs; dashboard cards and the "Promotion" menu entry.
        from careers import extensions, signals

        extensions.register()
        signals.connect()
