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

        # Issue 7: the reminder kinds, the report kinds, and the monthly JP recap e-mailed to
        # each OPD head on the 1st (asn_portal.reminders / asn_portal.reports).
        from asn_portal import reminders as core_reminders
        from training import reminders, reports

        reminders.register()
        reports.register()

        from training import retention

        retention.register()  # issue 8: retention rules and kept records (asn_portal.retention)
        core_reminders.register_schedule(
            core_reminders.Schedule(
                name="report: monthly JP recap to OPD heads",
                task="training.tasks.send_monthly_jp_recaps",
                kwargs={},
                minute="0",
                hour="5",
                day_of_month="1",
            )
        )
