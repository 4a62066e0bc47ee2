"""The sanctions of PP 94/2021 Pasal 8 with their durations (DOMAIN.md §8.1), as reference data."""

from django.db import migrations

# code, name, level, months (None: one-off or final), is_dismissal
SANCTION_TYPES = [
    ("teguran_lisan", "Teguran lisan", "ringan", None, False),
    ("teguran_tertulis", "Teguran tertulis", "ringan", None, False),
    ("pernyataan_tidak_puas", "Pernyataan tidak puas secara tertulis", "ringan", None, False),
    ("potong_tukin_25_6_bulan", "Pemotongan tunjangan kinerja 25% selama 6 bulan", "sedang", 6, False),
    ("potong_tukin_25_9_bulan", "Pemotongan tunjangan kinerja 25% selama 9 bulan", "sedang", 9, False),
    ("potong_tukin_25_12_bulan", "Pemotongan tunjangan kinerja 25% selama 12 bulan", "sedang", 12, False),
    ("penurunan_jabatan_12_bulan", "Penurunan jabatan setingkat lebih rendah selama 12 bulan", "berat", 12, False),
    ("pembebasan_jabatan_12_bulan", "Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan", "berat", 12, False),
    ("pemberhentian", "Pemberhentian dengan hormat tidak atas permintaan sendiri sebagai PNS", "berat", None, True),
]


def load(apps, schema_editor):
    SanctionType = apps.get_model("integrity", "SanctionType")
    for order, (code, name, level, months, dismissal) in enumerate(SANCTION_TYPES, start=1):
        SanctionType.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "duration_months": months, "is_dismissal": dismissal, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
