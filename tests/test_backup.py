"""Backups (issue 8): `manage.py backup` writes pg_dump + the documents + a manifest, and
`manage.py restore` brings them back into a fresh database with the same rows and byte-identical
documents; it refuses a database that is not empty unless forced, and a damaged archive.

The PostgreSQL test backs up the test database (with this test's committed rows: pg_dump is
another process) and restores into a scratch database `<test database>_restore` on the same
server, dropped afterwards. The SQLite test runs everywhere, on a small file of its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from asn_portal import backups
from asn_portal.models import Notification, OrgUnitKind, ReportJob
from tests.factories import EmployeeFactory, org_unit

DOCUMENT = bytes(range(256)) * 40 + b"SK Kenaikan Pangkat - rahasia"


def _admin_connection():
    import psycopg2

    s = connection.settings_dict
    con = psycopg2.connect(
        dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or None, port=s["PORT"] or None
    )
    con.autocommit = True
    return con


@pytest.fixture
def scratch_database():
    """An empty database on the test server, dropped afterwards; yields its URL."""
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"[:63]
    con = _admin_connection()
    with con.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    finally:
        with con.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.close()


def _query(url: str, sql: str) -> list[tuple]:
    db = backups.database_settings(url)
    con = backups._pg_connect(db)
    try:
        with con.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        con.commit()
        return rows
    finally:
        con.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_documents(tmp_path, settings, scratch_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    employees = [EmployeeFactory(unit=unit, name=f"Pegawai {i:02d}") for i in range(5)]
    Notification.objects.bulk_create(
        [Notification(recipient=e.user, title="Jadwal diklat", body="Rincian terlampir") for e in employees]
    )
    job = ReportJob.objects.create(kind="employees", requested_by=employees[0].user)
    job.file.save("rekap.xlsx", ContentFile(DOCUMENT))
    source_counts = backups.row_counts(backups.database_settings())

    out = StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)

    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["db.dump", "manifest.json", "media.sha256", "media.tar.gz"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["database"] == connection.settings_dict["NAME"]
    assert manifest["tables"] == source_counts
    assert manifest["tables"]["asn_portal_employee"] == 5
    assert manifest["tables"]["asn_portal_notification"] == 5
    assert manifest["files"]["db.dump"]["sha256"] == backups.sha256_of(folder / "db.dump")
    assert manifest["media"]["count"] == 1
    assert backups.media_checksums(folder) == {job.file.name: backups.sha256_of(Path(job.file.path))}
    assert os.stat(folder).st_mode & 0o077 == 0  # personal data: the owner's only
    assert str(folder) in out.getvalue()

    restored_media = tmp_path / "restored-media"
    out = StringIO()
    call_command("restore", str(folder), database_url=scratch_database, media_root=str(restored_media), stdout=out)

    restored_counts = backups.row_counts(backups.database_settings(scratch_database))
    assert restored_counts == manifest["tables"] == source_counts
    assert sorted(_query(scratch_database, "SELECT name FROM asn_portal_employee")) == sorted(
        (e.name,) for e in employees
    )
    assert (restored_media / job.file.name).read_bytes() == DOCUMENT
    report = out.getvalue()
    assert "OK: the restore matches the backup." in report
    assert "asn_portal_employee" in report and "1 of 1 restored byte for byte" in report

    # The scratch database now has tables: restoring over it needs FORCE=1.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), database_url=scratch_database, media_root=str(restored_media))
    _query(scratch_database, "DELETE FROM asn_portal_notification RETURNING id")  # drift after the restore
    verify = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("restore", str(folder), database_url=scratch_database, verify_only=True, stdout=verify)
    assert "asn_portal_notification" in verify.getvalue() and "<-- differs" in verify.getvalue()
    call_command(
        "restore", str(folder), database_url=scratch_database, media_root=str(restored_media), force=True, stdout=out
    )
    assert backups.row_counts(backups.database_settings(scratch_database)) == source_counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path, settings, scratch_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = backups.create_backup(tmp_path / "backups")
    with (folder / "db.dump").open("r+b") as dump:
        dump.seek(100)
        byte = dump.read(1)
        dump.seek(100)
        dump.write(bytes([byte[0] ^ 0xFF]))

    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore_backup(folder, database_url=scratch_database, media_root=tmp_path / "m")

    assert backups.is_empty(backups.database_settings(scratch_database))


def _sqlite_with_rows(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        con.executemany("INSERT INTO person (name) VALUES (?)", [(f"Pegawai {i}",) for i in range(rows)])
    con.close()


def test_the_embedded_sqlite_database_is_backed_up_and_restored_too(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "integrity" / "2026").mkdir(parents=True)
    (tmp_path / "media" / "integrity" / "2026" / "bukti.pdf").write_bytes(DOCUMENT)
    source = tmp_path / "db.sqlite3"
    _sqlite_with_rows(source, 7)

    folder = backups.create_backup(tmp_path / "backups", database_url=f"sqlite:///{source}")
    manifest = backups.read_manifest(folder)
    target = tmp_path / "restored.sqlite3"
    comparison = backups.restore_backup(
        folder, database_url=f"sqlite:///{target}", media_root=tmp_path / "restored-media"
    )

    assert manifest["engine"] == "sqlite" and manifest["tables"] == {"person": 7}
    assert (folder / "db.sqlite3").exists()
    assert comparison.ok
    assert backups.row_counts(backups.database_settings(f"sqlite:///{target}")) == {"person": 7}
    assert (tmp_path / "restored-media" / "integrity" / "2026" / "bukti.pdf").read_bytes() == DOCUMENT
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore_backup(folder, database_url=f"sqlite:///{target}", media_root=tmp_path / "restored-media")
