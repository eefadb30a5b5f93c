"""`manage.py backup`: a consistent, encrypted copy of the database, with rotation
(sendesk.backups.make)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sendesk.backups.crypto import BackupError, key_from_env
from sendesk.backups.make import make_backup
from sendesk.backups.trail import Kind, record


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database, encrypted with SENDESK_BACKUP_KEY, to the "
        "backup folder, and remove all but the newest --keep backups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="The backup folder (SENDESK_BACKUP_DIR)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="How many backups to keep, the newest (SENDESK_BACKUP_KEEP; 0: keep all).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, dir, keep, database, **options):
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 0:
            raise CommandError("--keep must be 0 (keep all) or more.")
        directory = dir or settings.BACKUP_DIR
        try:
            made = make_backup(directory, key_from_env(), keep, database)
        except BackupError as exc:
            record(Kind.BACKUP_FAILED, file=directory, ok=False, reason=str(exc))
            raise CommandError(str(exc)) from None
        rows = sum(made.tables.values())
        record(
            Kind.BACKUP_WRITTEN, file=made.path, ok=True, vendor=made.vendor,
            tables=len(made.tables), rows=rows, removed=[p.name for p in made.removed],
        )  # fmt: skip
        self.stdout.write(
            f"Backup written: {made.path} ({made.vendor}, {len(made.tables)} tables, "
            f"{rows} rows, encrypted)."
        )
        for path in made.removed:
            self.stdout.write(f"Removed old backup {path.name} (keeping the newest {keep}).")
