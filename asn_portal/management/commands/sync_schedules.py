"""Write the beat schedules declared in code (reminder kinds, the sweep, scheduled reports)
into django-celery-beat's tables. `migrate` does the same after every run; this command is for
an operator who deleted a schedule by mistake."""

from django.core.management.base import BaseCommand

from asn_portal import reminders


class Command(BaseCommand):
    help = "Write the periodic tasks declared in code into django-celery-beat's tables."

    def handle(self, *args, **options):
        count = reminders.sync_schedules()
        self.stdout.write(self.style.SUCCESS(f"{count} schedules in place."))
