"""`python manage.py restore BACKUP [--database-url URL] [--media-root DIR] [--force]`
(`make restore BACKUP=... [TARGET_DATABASE_URL=...] [FORCE=1]`): restore a backup made by
`manage.py backup`, then print the restored row counts and documents against the manifest.

Refuses a target database that already has tables unless --force. `--verify-only` restores
nothing and only compares the target with the backup. Exit status 1 when they differ."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asn_portal.backups import BackupError, check_files, compare, database_settings, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore a backup (database and documents) and compare the result with its manifest."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the backup folder (backups/<timestamp>)")
        parser.add_argument("--database-url", help="restore into this database instead of DATABASE_URL's")
        parser.add_argument("--media-root", help="unpack the documents here instead of MEDIA_ROOT")
        parser.add_argument("--force", action="store_true", help="replace the data of a database that is not empty")
        parser.add_argument("--verify-only", action="store_true", help="restore nothing; compare the target only")

    def handle(self, *args, backup, database_url, media_root, force, verify_only, **options):
        from django.conf import settings

        try:
            if verify_only:
                manifest = read_manifest(Path(backup))
                check_files(Path(backup), manifest)
                comparison = compare(
                    manifest, database_settings(database_url), Path(media_root or settings.MEDIA_ROOT), Path(backup)
                )
            else:
                comparison = restore_backup(
                    Path(backup), database_url=database_url, media_root=media_root and Path(media_root), force=force
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in comparison.lines():
            self.stdout.write(line)
        if not comparison.ok:
            raise CommandError("the restored data differs from the backup (see above)", returncode=1)
