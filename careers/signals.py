"""Reactions of careers to changes made elsewhere.

An employee who leaves the service (resigns, is dismissed, transfers out, retires) while a
service bond after a tugas belajar runs is flagged to BKPP at once (DOMAIN.md §7.4); the daily
task `careers.tasks.flag_bond_exits` catches what bulk imports change without signals."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save

from asn_portal.models import Employee, EmployeeStatus


def _employee_saved(sender, instance: Employee, created: bool, **kwargs) -> None:
    if created or instance.status in EmployeeStatus.in_service():
        return
    from careers import study

    employee_id = instance.pk
    transaction.on_commit(lambda: study.flag_bond_exits(employee_ids=[employee_id]))


def connect() -> None:
    post_save.connect(_employee_saved, sender=Employee, dispatch_uid="careers-bond-exit")
