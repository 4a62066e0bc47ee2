"""PostgreSQL only: trigram indexes so the directory's name search (ILIKE '%…%') stays fast on
100,000 employees. SQLite (the embedded default) skips this and scans."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS employee_name_trgm ON asn_portal_employee "
        "USING gin (UPPER(name) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgunit_name_trgm ON asn_portal_orgunit USING gin (UPPER(name) gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS employee_name_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS orgunit_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("asn_portal", "0002_reference_data")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
