"""Factories for integrity records, through the services so the rules apply."""

from __future__ import annotations

import datetime as dt

from integrity import services
from integrity.models import SanctionType

TODAY = dt.date(2026, 11, 28)


def sanction(employee, code: str, starts_on: dt.date, *, by=None, today: dt.date = TODAY, **extra):
    return services.record_sanction(
        employee=employee,
        type=SanctionType.objects.get(code=code),
        decree_number=extra.pop("decree_number", f"800/{starts_on:%Y%m%d}/BKPP"),
        decree_on=extra.pop("decree_on", starts_on - dt.timedelta(days=7)),
        issued_by=extra.pop("issued_by", "Wali Kota Semarang"),
        starts_on=starts_on,
        violation=extra.pop("violation", "Tidak masuk kerja tanpa alasan yang sah selama 12 hari kerja."),
        by=by,
        today=today,
        **extra,
    )


def case(employee, *, level: str = "berat", opened_on: dt.date = dt.date(2026, 6, 1), by=None, **extra):
    return services.open_case(
        employee=employee,
        category=extra.pop("category", "pungli_korupsi"),
        source=extra.pop("source", "aduanasn"),
        summary=extra.pop("summary", "Dugaan pungutan liar pada layanan perizinan."),
        opened_on=opened_on,
        alleged_level=level,
        by=by,
        today=TODAY,
        **extra,
    )
