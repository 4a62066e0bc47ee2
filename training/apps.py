from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training catalogue, sessions, registrations, certificates and the JP ledger. Filled by
    its issue."""

    name = "training"
    verbose_name = _("Training")

    def ready(self):
        # After asn_portal's ready() (INSTALLED_APPS order): the "diklat" tab replaces the core
        # placeholder of the same slug.
        from training import extensions

        extensions.register()

        # BKPP's pages: the "Kelola Diklat" menu entry, and the results import kind
        # hasil_pelatihan of the core's spreadsheet imports (asn_portal.imports).
        from training import importing
        from training.views import bkpp

        bkpp.register_nav()
        importing.register()
