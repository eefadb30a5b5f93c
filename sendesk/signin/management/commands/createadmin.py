"""manage.py createadmin: the first head or school admin of a real school's database (demo
mode off, so nobody else has an account). Asks for what it needs; scripts give it as
options or in the environment, the password only in the environment (never on a command
line, where `ps` and the shell's history would keep it)."""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from sendesk.lib.errors import ServiceError
from sendesk.schools.models import School
from sendesk.signin.accounts import create_admin

LABELS = {
    "email": "E-mail address",
    "full_name": "Name",
    "school": "School",
    "password": "Password",
    "__all__": "",
}


class Command(BaseCommand):
    help = (
        "Make the first head or school admin: an account with the head role at the school "
        "(made too if the database has none) and access to the set-up screens."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=os.environ.get("SENDESK_ADMIN_EMAIL", ""))
        parser.add_argument("--name", default=os.environ.get("SENDESK_ADMIN_NAME", ""))
        parser.add_argument(
            "--school",
            default=os.environ.get("SENDESK_ADMIN_SCHOOL", ""),
            help="The school's name, when the database has no school yet.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing: the password comes from SENDESK_ADMIN_PASSWORD.",
        )

    def handle(self, *args, **options):
        interactive = options["interactive"]
        email, name, school = options["email"], options["name"], options["school"]
        password = os.environ.get("SENDESK_ADMIN_PASSWORD", "")
        if interactive:
            email = email or input("E-mail address: ")
            name = name or input("Name: ")
            if not school and School.objects.count() != 1:
                school = input("School name: ")
        while True:
            if interactive and not password:
                password = self._ask_password()
            try:
                person = create_admin(
                    email=email, full_name=name, password=password, school_name=school
                )
            except ServiceError as error:
                if interactive and set(error.errors) == {"password"}:
                    self.stderr.write(error.errors["password"])
                    password = ""
                    continue
                raise CommandError(self._words(error)) from None
            break
        where = person.staff_roles.get().school.name
        self.stdout.write(
            f"Made {person.full_name} ({person.email}) head of {where}. Sign in, then invite "
            "the staff from Staff accounts."
        )

    def _ask_password(self) -> str:
        while True:
            first = getpass.getpass("Password: ")
            if first == getpass.getpass("The same password again: "):
                return first
            self.stderr.write("The two passwords are not the same: type them again.")

    @staticmethod
    def _words(error: ServiceError) -> str:
        return " ".join(
            f"{LABELS.get(key, key)}: {message}" if LABELS.get(key, key) else message
            for key, message in error.errors.items()
        )
