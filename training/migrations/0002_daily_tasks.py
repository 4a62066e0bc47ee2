"""The training app's daily Celery beat schedule (django-celery-beat rows): the release of
unused OPD quotas and the supervisors' three-month follow-up question, both at 01:00
Asia/Jakarta. Idempotent: rows are matched by name, so a re-run changes nothing."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Jakarta"
TASKS = (
    ("training: release due OPD quotas", "training.tasks.release_due_quotas"),
    ("training: ask due supervisor follow-ups", "training.tasks.ask_due_follow_ups"),
)


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab = CrontabSchedule.objects.filter(
        minute="0", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIME_ZONE
    ).first() or CrontabSchedule.objects.create(
        minute="0", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIME_ZONE
    )
    for name, task in TASKS:
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "interval": None, "enabled": True, "kwargs": "{}"},
        )
    # The beat scheduler reloads its schedule when this row's date changes (the real model's
    # save signal does it; historical models send none).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
