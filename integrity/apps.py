from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Disciplinary sanctions, LHKPN/LHKASN filings, gratification reports, drug tests,
    integrity cases and pacts, and the "standing" service other apps ask."""

    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self):
        from integrity import audit  # noqa: F401  (registers the models with django-auditlog)
