"""Reference data every database needs: the 17 ranks (DOMAIN.md §2.1), education levels with
starting rank and regular-promotion ceiling (§2.2), and one group per role."""

from django.db import migrations

RANKS = [
    (1, "I/a", "Juru Muda"),
    (2, "I/b", "Juru Muda Tingkat I"),
    (3, "I/c", "Juru"),
    (4, "I/d", "Juru Tingkat I"),
    (5, "II/a", "Pengatur Muda"),
    (6, "II/b", "Pengatur Muda Tingkat I"),
    (7, "II/c", "Pengatur"),
    (8, "II/d", "Pengatur Tingkat I"),
    (9, "III/a", "Penata Muda"),
    (10, "III/b", "Penata Muda Tingkat I"),
    (11, "III/c", "Penata"),
    (12, "III/d", "Penata Tingkat I"),
    (13, "IV/a", "Pembina"),
    (14, "IV/b", "Pembina Tingkat I"),
    (15, "IV/c", "Pembina Utama Muda"),
    (16, "IV/d", "Pembina Utama Madya"),
    (17, "IV/e", "Pembina Utama"),
]

# code, name, order, starting rank id, regular-promotion ceiling id
EDUCATION_LEVELS = [
    ("SD", "Sekolah Dasar (SD)", 10, 1, 5),
    ("SLTP", "SLTP / SMP", 20, 3, 7),
    ("SLTP_KEJURUAN", "SLTP Kejuruan", 21, 3, 8),
    ("SLTA", "SLTA / SMA", 30, 5, 10),
    ("SLTA_KEJURUAN", "SLTA Kejuruan / SMK", 31, 5, 10),
    ("D1", "Diploma I", 40, 5, 10),
    ("D2", "Diploma II", 50, 6, 10),
    ("SGPLB", "SGPLB", 51, 6, 11),
    ("D3", "Diploma III / Sarjana Muda / Akademi", 60, 7, 11),
    ("D4", "Diploma IV", 70, 9, 12),
    ("S1", "Sarjana (S1)", 71, 9, 12),
    ("PROFESI", "Profesi (Dokter / Apoteker)", 80, 10, 13),
    ("S2", "Magister (S2)", 81, 10, 13),
    ("S3", "Doktor (S3)", 90, 11, 14),
]

ROLES = ["admin_bkpp", "inspektorat", "operator_opd"]


def load(apps, schema_editor):
    Rank = apps.get_model("asn_portal", "Rank")
    EducationLevel = apps.get_model("asn_portal", "EducationLevel")
    Group = apps.get_model("auth", "Group")
    for rank_id, code, name in RANKS:
        golongan, ruang = code.split("/")
        Rank.objects.update_or_create(id=rank_id, defaults={"code": code, "golongan": golongan, "ruang": ruang, "name": name})
    for code, name, order, start, ceiling in EDUCATION_LEVELS:
        EducationLevel.objects.update_or_create(
            code=code,
            defaults={"name": name, "order": order, "starting_rank_id": start, "regular_promotion_ceiling_id": ceiling},
        )
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [
        ("asn_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
