from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    """Career histories, study leave and promotion eligibility. Filled by its issues."""

    name = "careers"
    verbose_name = _("Careers")
