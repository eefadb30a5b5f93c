"""`manage.py restore FILE --verify` (check only) or `--replace` (check, then replace the
live database): sendesk.backups.restore says how, and why in that order."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sendesk.backups.crypto import BackupError, key_from_env
from sendesk.backups.restore import restore
from sendesk.backups.trail import Kind, record


class Command(BaseCommand):
    help = (
        "Decrypt a backup into a scratch database and check it (row counts, schema, foreign "
        "keys, the audit chain). --verify: only that; the live database is not touched. "
        "--replace: if every check passes, save the live database as a pre-restore backup "
        "and replace it with the checked copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (or its name in --dir).")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--verify", action="store_true", help="Check the backup; change nothing.")
        mode.add_argument(
            "--replace",
            action="store_true",
            help="Check the backup, then replace the live database with it.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --replace: do not ask to confirm (for scripts).",
        )
        parser.add_argument(
            "--dir", type=Path, default=None, help="The backup folder (SENDESK_BACKUP_DIR)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, verify, replace, interactive, dir, database, **options):
        directory = dir or settings.BACKUP_DIR
        if not file.exists() and not file.is_absolute() and (directory / file).exists():
            file = directory / file
        try:
            key = key_from_env()
            if replace and interactive:
                answer = input(
                    f"This replaces the live database with {file.name} if it passes its "
                    "checks (the live one is saved first as a pre-restore backup). Stop the "
                    "web server and the task worker first. Type 'replace' to go on: "
                )
                if answer.strip() != "replace":
                    raise CommandError("Nothing was done.")
            outcome = restore(file, key, directory, replace=replace, alias=database)
        except BackupError as exc:
            record(Kind.RESTORE_FAILED, file=file, ok=False, replace=replace, reason=str(exc))
            raise CommandError(str(exc)) from None
        _record(file, outcome, replace)
        self.stdout.write(f"{file.name}: made {outcome.manifest.get('made_at')}, "
                          f"{outcome.manifest.get('vendor')}")  # fmt: skip
        for check in outcome.checks + outcome.after:
            self.stdout.write(f"  {'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
        if not outcome.ok:
            if outcome.replaced:
                raise CommandError(
                    f"The live database was replaced but does not check out; the database "
                    f"as it was before is in {outcome.safety}."
                )
            raise CommandError("The backup failed its checks: nothing was replaced.")
        if outcome.replaced:
            self.stdout.write(
                f"The live database was replaced. The database as it was before is saved in "
                f"{outcome.safety}. Run `manage.py migrate` if the checks said the backup is "
                "older than this code."
            )
        else:
            self.stdout.write("The backup is good. Nothing was changed (--verify).")


def _record(file, outcome, replace: bool) -> None:
    """The outcome in the security trail: written after a replacement, so that the row is
    in the database now live (the restored one), beside the day it brought back."""
    failed = [c.name for c in outcome.checks + outcome.after if not c.ok]
    if outcome.replaced:
        kind = Kind.RESTORED
    else:
        kind = Kind.BACKUP_VERIFIED if outcome.ok else Kind.RESTORE_FAILED
    record(
        kind, file=file, ok=outcome.ok, replace=replace, made_at=outcome.manifest.get("made_at"),
        failed_checks=failed, safety_copy=str(outcome.safety or ""),
    )  # fmt: skip
