from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Disciplinary sanctions, LHKPN/LHKASN filings, gratification reports, drug tests,
    integrity cases and pacts, and the "standing" service other apps ask. Filled by its issue."""

    name = "integrity"
    verbose_name = _("Integrity")
