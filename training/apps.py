from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training catalogue, sessions, registrations, certificates and the JP ledger. Filled by
    its issue."""

    name = "training"
    verbose_name = _("Training")
