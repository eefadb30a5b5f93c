"""Seeds the multi-server tests' database (run in a subprocess with its DATABASE_URL): the
shared test world (tests/world.py) at the frozen moment, real password hashes for the people
who sign in over HTTP, their authenticators, and two draft deployment plans for this week."""

import datetime as dt
import os
import sys

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    django.setup()
    import time_machine
    from django.test.utils import override_settings
    from django.utils import timezone

    from sendesk.deployment.models import Plan as DeploymentPlan
    from sendesk.plans.models import Plan
    from sendesk.staff.models import Training
    from tests.second_factor import enrol
    from tests.world import PASSWORD, TODAY, build_world

    frozen = dt.datetime.fromisoformat(os.environ["SENDESK_MS_FROZEN_AT"])
    with time_machine.travel(frozen, tick=False):
        # The world's many people hashed fast; those who sign in below get the servers' hasher.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            w = build_world()
        for person in (w.senco, w.head, w.alice, w.bob):
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
        for person in (w.senco, w.head):
            enrol(person)
        Training.objects.create(user=w.senco, kind="medication", completed_on=dt.date(2026, 9, 1))
        monday = TODAY - dt.timedelta(days=TODAY.weekday())
        for _ in range(3):
            DeploymentPlan.objects.create(
                school=w.school, week_start=monday, created_by=w.senco, created_at=timezone.now()
            )
        # A draft SEN support plan for Cara, ready to be made active.
        Plan.objects.create(
            pupil=w.cara, kind="iep", title="Cara's support plan",
            review_date=TODAY + dt.timedelta(days=60), created_by=w.senco,
        )  # fmt: skip
        # Two drafts of one kind for Dan: made active at once, they go one after the other.
        for letter in "AB":
            Plan.objects.create(
                pupil=w.dan, kind="iep", title=f"Dan's support plan {letter}",
                review_date=TODAY + dt.timedelta(days=60), created_by=w.senco,
            )  # fmt: skip
    sys.stdout.write("seeded\n")


if __name__ == "__main__":
    main()
