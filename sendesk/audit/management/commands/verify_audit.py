"""`manage.py verify_audit`: walk every trail's hash chains (sendesk.audit.chain) and say
"OK, N rows", or name the first row that does not match and exit non-zero."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sendesk.audit.chain import verify


class Command(BaseCommand):
    help = (
        "Check that no row of the audit, access, sign-in and safeguarding trails was changed "
        "or removed: prints 'OK, N rows' or the first row that does not match (exit 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        checked, mismatch = verify(database)
        if mismatch is not None:
            raise CommandError(f"Does not match after {checked} good rows: {mismatch}")
        self.stdout.write(f"OK, {checked} rows")
