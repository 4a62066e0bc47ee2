from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AsnPortalConfig(AppConfig):
    name = "asn_portal"
    verbose_name = _("SIGAP core")

    def ready(self):
        from asn_portal import audit, profile_tabs, signals, two_factor  # noqa: F401  (registers models and receivers)

        profile_tabs.register()

        from asn_portal import importing

        importing.register()  # the "employees" import kind (asn_portal.imports)

        from django.db.models.signals import post_migrate

        from asn_portal.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="sigap-role-permissions")

        from asn_portal import reminders

        reminders.register_schedule(
            reminders.Schedule(
                name="sweep: undispatched e-mails and reports",
                task="asn_portal.tasks.sweep_undispatched",
                kwargs={},
                every_minutes=5,
            )
        )
        # Issue 8: the retention rules of the core's records (asn_portal.retention), applied
        # weekly on Sunday night.
        from asn_portal import retention

        retention.register_core()
        reminders.register_schedule(
            reminders.Schedule(
                name="retention: delete or anonymise expired personal data",
                task="asn_portal.tasks.apply_retention",
                kwargs={},
                minute="0",
                hour="2",
                day_of_week="0",
            )
        )
        # After every migrate, beat's tables hold the schedules declared in code.
        post_migrate.connect(reminders.sync_schedules, sender=self, dispatch_uid="sigap-beat-schedules")
