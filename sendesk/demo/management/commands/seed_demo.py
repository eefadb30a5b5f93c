from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from sendesk.demo.oakfield import SCHOOL, build_demo, demo_logins, demo_notes, demo_school
from sendesk.demo.second_factor import enrol_demo_logins
from sendesk.schools.models import School


class Command(BaseCommand):
    help = (
        "In demo mode (SENDESK_DEMO=1), create the demo school, Oakfield Primary, if the "
        "database has no school yet, and print its logins. Safe to run on every start."
    )

    def handle(self, *args, **options):
        school = demo_school()
        if not settings.DEMO_MODE:
            # A real school's database: no demo school, and above all no logins with a
            # published password.
            self.stdout.write(
                "Demo mode is off (SENDESK_DEMO=0): no demo school and no demo logins. "
                "Make the first head or school admin with: manage.py createadmin"
            )
            if school is not None:
                self.stdout.write(
                    f"Warning: {SCHOOL} from an earlier demo run is still in this database, "
                    "with logins whose password is published. Use a new database for real data."
                )
            return
        if school is None and School.objects.exists():
            self.stdout.write("The database already holds schools; the demo school was not added.")
            return
        if school is None:
            self.stdout.write(f"Creating the demo school, {SCHOOL} (synthetic pupils only)…")
            data = build_demo()
            school = data.school
            self.stdout.write(
                f"Made {data.counts['pupils']} pupils and {data.counts.get('sessions', 0)} "
                f"session records since {data.history_start:%-d %B %Y}; today is "
                f"{timezone.localdate():%A %-d %B %Y}."
            )
        self.stdout.write(f"\n{SCHOOL} demo logins:")
        for email, who in demo_logins(school):
            self.stdout.write(f"  {email:<28} {who}")
        for note in demo_notes(school):
            self.stdout.write(f"  {note}")
        self.stdout.write(
            f"Password for all of them: {settings.DEMO_PASSWORD} "
            "(set SENDESK_DEMO_PASSWORD before the first run to choose another)"
        )
        # Who must use a second factor shares one authenticator key: add it to an app.
        needing = enrol_demo_logins(school, settings.DEMO_TOTP_SECRET)
        self.stdout.write(
            f"Second factor for {', '.join(e.split('@')[0] + '@' for e in needing)}: add the "
            f"key {settings.DEMO_TOTP_SECRET} to an authenticator app (time-based, 6 digits; "
            "SENDESK_DEMO_TOTP_SECRET to choose another)\n"
        )
