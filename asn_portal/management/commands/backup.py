"""`python manage.py backup [--output-dir DIR]` (`make backup [BACKUP_DIR=DIR]`): a backup of
the database and the uploaded documents in a new timestamped folder under BACKUP_DIR (default
./backups). See asn_portal.backups for what the folder holds; README "Backups" for the routine."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from asn_portal.backups import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or a copy of SQLite) and the uploaded documents."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=os.environ.get("BACKUP_DIR") or str(Path(settings.BASE_DIR) / "backups"),
            help="folder the timestamped backup folder is created in (default: $BACKUP_DIR or ./backups)",
        )

    def handle(self, *args, output_dir, **options):
        try:
            folder = create_backup(Path(output_dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(folder)
        self.stdout.write(
            f"{manifest['engine']} database {manifest['database']}: {len(manifest['tables'])} tables, "
            f"{manifest['total_rows']} rows; {manifest['media']['count']} documents"
        )
        self.stdout.write(self.style.SUCCESS(f"backup written to {folder}"))
