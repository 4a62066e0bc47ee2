"""The careers app's daily Celery beat schedule (django-celery-beat rows): starting approved
studies on their start date and flagging exits during a service bond, at 01:15 Asia/Jakarta.
Idempotent: rows are matched by name."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Jakarta"
TASKS = (
    ("careers: start due studies", "careers.tasks.start_due_studies"),
    ("careers: flag exits during a service bond", "careers.tasks.flag_bond_exits"),
)
CRONTAB = {"minute": "15", "hour": "1", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab = CrontabSchedule.objects.filter(**CRONTAB, timezone=TIME_ZONE).first()
    crontab = crontab or CrontabSchedule.objects.create(**CRONTAB, timezone=TIME_ZONE)
    for name, task in TASKS:
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "interval": None, "enabled": True, "kwargs": "{}"},
        )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0004_study_reference_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
