"""Study-leave reference data (DOMAIN.md §7.2–7.4 and the product decisions): the policy and,
per level, the tugas belajar age caps and longest durations. Editable in admin; `load` is
idempotent and also used by the tests to restore the tables after a flush."""

import datetime as dt

from django.db import migrations

# DOMAIN.md §7.2 (SE MenPANRB 28/2021, BKN 2021): level code, age cap, cap for 3T areas or
# critical posts, longest tugas belajar in months. Profesi follows S2 (PARTIAL: no source).
LEVELS = [
    ("D1", 25, 37, 12),
    ("D2", 25, 37, 24),
    ("D3", 25, 37, 36),
    ("D4", 25, 37, 48),
    ("S1", 25, 37, 48),
    ("PROFESI", 37, 42, 24),
    ("S2", 37, 42, 24),
    ("S3", 40, 47, 48),
]
VALID_FROM = dt.date(2021, 1, 1)


def load(apps, schema_editor):
    policy = apps.get_model("careers", "StudyPolicy")
    rule = apps.get_model("careers", "StudyLevelRule")
    education = apps.get_model("asn_portal", "EducationLevel")
    policy.objects.update_or_create(
        valid_from=VALID_FROM,
        defaults={
            "regulation": "SE MenPANRB 28/2021; BKN 2021 (DOMAIN.md §7)",
            "min_service_months": 12,
            "min_accreditation": "B",
            "release_after_months": 6,
            "report_every_months": 6,
            "report_grace_days": 30,
            "extension_months": 12,
            "tb_extensions_before_conversion": 1,
            "bond_multiplier": 2,
            "bond_extra_years": 1,
            "health_certificate_required": True,
        },
    )
    for code, cap, special, months in LEVELS:
        rule.objects.update_or_create(
            level=education.objects.get(code=code),
            valid_from=VALID_FROM,
            defaults={
                "tugas_max_age": cap,
                "tugas_max_age_special": special,
                "tugas_max_months": months,
                "izin_max_months": None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("careers", "0003_study_leave")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
