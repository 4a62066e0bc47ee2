"""Reference data of promotions with the defaults of DOMAIN.md (editable in Django admin)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# DOMAIN.md §3.2: name, regulation, valid from, TMT months, window (opens months before, day;
# closes months before, day).
REGIMES = [
    ("Dua periode (April/Oktober)", "PP 99/2000", dt.date(2000, 1, 1), [4, 10], (3, 1, 1, 28)),
    ("Enam periode", "Peraturan BKN 4/2023", dt.date(2023, 6, 1), [2, 4, 6, 8, 10, 12], (2, 1, 2, 28)),
    ("Setiap bulan", "Peraturan BKN 4/2025", dt.date(2025, 10, 1), list(range(1, 13)), (2, 16, 1, 15)),
]

# DOMAIN.md §3.1 and the product decisions: kind, years in rank, SKP years, one-below (rank, post).
RULES = [
    ("reguler", 4, 2, None, None, "Peraturan BKN 2/2025"),
    ("pilihan_struktural", 4, 2, 1, 1, "PP 99/2000 jo PP 12/2002; PP 13/2002"),
    ("pilihan_fungsional", 2, 2, None, None, "PP 99/2000 Pasal 13; PermenPANRB 1/2023"),
    ("penyesuaian_ijazah", 1, 1, None, None, "PP 99/2000; Peraturan BKN 2/2025"),
]

# DOMAIN.md §4.2
COEFFICIENTS = {
    "pemula": "3.75",
    "terampil": "5",
    "mahir": "12.5",
    "penyelia": "25",
    "ahli_pertama": "12.5",
    "ahli_muda": "25",
    "ahli_madya": "37.5",
    "ahli_utama": "50",
}

# DOMAIN.md §4.1
RATES = {"sangat_baik": 150, "baik": 100, "butuh_perbaikan": 75, "kurang": 50, "sangat_kurang": 25}

# DOMAIN.md §4.3: jenjang, rank ids, AK for the next rank, AK for the next level (None at the top).
REQUIREMENTS = [
    ("pemula", [5], 15, 15),
    ("terampil", [6, 7, 8], 20, 60),
    ("mahir", [9, 10], 50, 100),
    ("penyelia", [11], 100, None),
    ("penyelia", [12], None, None),
    ("ahli_pertama", [9, 10], 50, 100),
    ("ahli_muda", [11, 12], 100, 200),
    ("ahli_madya", [13, 14, 15], 150, 450),
    ("ahli_utama", [16], 200, None),
    ("ahli_utama", [17], None, None),
]

# DOMAIN.md §3.3: from rank id, exam, exempt from education code, exempt after training.
CROSSINGS = [(8, "UD1", "D4", ["pkp", "pka", "pkn2", "pkn1"]), (12, "UD2", "PROFESI", ["pka", "pkn2", "pkn1"])]

SATYALANCANA = [("satyalancana_x", 10), ("satyalancana_xx", 20), ("satyalancana_xxx", 30)]


def load(apps, schema_editor):
    regime = apps.get_model("careers", "PromotionRegime")
    rule = apps.get_model("careers", "PromotionRule")
    coefficient = apps.get_model("careers", "CreditCoefficient")
    rate = apps.get_model("careers", "PredikatRate")
    requirement = apps.get_model("careers", "CreditRequirement")
    crossing = apps.get_model("careers", "GolonganCrossing")
    education = apps.get_model("asn_portal", "EducationLevel")
    satyalancana = apps.get_model("careers", "SatyalancanaRule")
    for name, regulation, valid_from, months, (opens_before, opens_day, closes_before, closes_day) in REGIMES:
        regime.objects.update_or_create(
            valid_from=valid_from,
            defaults={
                "name": name,
                "regulation": regulation,
                "months": months,
                "window_opens_months_before": opens_before,
                "window_opens_day": opens_day,
                "window_closes_months_before": closes_before,
                "window_closes_day": closes_day,
            },
        )
    for kind, years, skp, below_rank, below_post, regulation in RULES:
        rule.objects.update_or_create(
            kind=kind,
            valid_from=dt.date(2025, 5, 20),
            defaults={
                "version": f"{kind}-2025.1",
                "years_in_rank": years,
                "skp_years": skp,
                "one_below_years_in_rank": below_rank,
                "one_below_years_in_post": below_post,
                "regulation": regulation,
            },
        )
    for jenjang, value in COEFFICIENTS.items():
        coefficient.objects.update_or_create(
            jenjang=jenjang, valid_from=dt.date(2023, 1, 1), defaults={"coefficient": Decimal(value)}
        )
    for predikat, percent in RATES.items():
        rate.objects.update_or_create(predikat=predikat, defaults={"percent": percent})
    for jenjang, ranks, for_rank, for_jenjang in REQUIREMENTS:
        for rank_id in ranks:
            requirement.objects.update_or_create(
                jenjang=jenjang,
                rank_id=rank_id,
                defaults={
                    "for_rank": Decimal(for_rank) if for_rank is not None else None,
                    "for_jenjang": Decimal(for_jenjang) if for_jenjang is not None else None,
                },
            )
    for rank_id, exam, exempt_code, training in CROSSINGS:
        crossing.objects.update_or_create(
            from_rank_id=rank_id,
            defaults={
                "exam": exam,
                "exempt_education": education.objects.get(code=exempt_code),
                "exempt_training": training,
                "exempt_functional": True,
            },
        )
    for award, years in SATYALANCANA:
        satyalancana.objects.update_or_create(
            award=award, defaults={"years": years, "excluding_levels": ["sedang", "berat"]}
        )


class Migration(migrations.Migration):
    dependencies = [("careers", "0001_initial"), ("asn_portal", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
