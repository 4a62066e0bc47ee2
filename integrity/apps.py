from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Disciplinary sanctions, LHKPN/LHKASN filings, gratification reports, drug tests,
    integrity cases and pacts, and the "standing" service other apps ask."""

    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self):
        from integrity import audit, extensions  # noqa: F401  (audit registers the models with django-auditlog)

        # After asn_portal's ready() (INSTALLED_APPS order): the "integritas" tab replaces the
        # core placeholder of the same slug.
        extensions.register()

        from integrity import importing

        importing.register()  # the import kinds hukuman_disiplin and pelaporan_harta (asn_portal.imports)

        from integrity import reminders, reports

        reminders.register()  # the LHKPN/LHKASN and gratification reminders (asn_portal.reminders)
        reports.register()  # the integrity compliance report, Inspektorat only (asn_portal.reports)

        from integrity import retention

        retention.register()  # issue 8: the integrity records are kept (asn_portal.retention)
