"""manage.py trust_role: grant or take away a trust role (issue 13). Trust roles are given
here or in the Django admin (the trust's page), never through a school's pages: a school's
head cannot make someone an officer of the whole trust."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security
from sendesk.schools.models import Trust, TrustRole


class Command(BaseCommand):
    help = "Grant (or with --remove, take away) a trust role: trust_senco or trust_lead."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address (their sign-in).")
        parser.add_argument("trust", help="The trust's name, as in the admin.")
        parser.add_argument("role", choices=TrustRole.Kind.values)
        parser.add_argument("--remove", action="store_true", help="Take the role away.")

    def handle(self, *args, email, trust, role, remove, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email!r}.")
        found = Trust.objects.filter(name=trust.strip()).first()
        if found is None:
            raise CommandError(f"No trust is called {trust!r}.")
        label = TrustRole.Kind(role).label
        what = [f"{role} of trust {found.pk}"]
        with transaction.atomic():
            if remove:
                changed, _ = TrustRole.objects.filter(user=user, trust=found, role=role).delete()
                words = "no longer" if changed else "was not"
            else:
                _, changed = TrustRole.objects.get_or_create(user=user, trust=found, role=role)
                words = "is now" if changed else "was already"
            if changed:
                # In the security trail, as a school role given or taken away is.
                record_security(
                    SecurityEvent.Kind.ROLE_CHANGED, user=user, via="command",
                    added=[] if remove else what, removed=what if remove else [],
                    how="manage.py trust_role",
                )  # fmt: skip
        self.stdout.write(f"{user.email} {words} {label} of {found.name}.")
