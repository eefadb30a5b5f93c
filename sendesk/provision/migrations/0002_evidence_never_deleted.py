"""Sessions, their pupil records, ratings and amendments refuse DELETE at the database
(PostgreSQL): see sendesk.lib.migrations for why. (audit 0002 made these triggers before
each app installed its own; the operation replaces them.)"""

from django.db import migrations

from sendesk.lib.migrations import no_delete


class Migration(migrations.Migration):
    dependencies = [
        ("provision", "0001_initial"),
    ]

    operations = [
        no_delete(
            "provision_session",
            "provision_sessionpupil",
            "provision_targetrating",
            "provision_sessionamendment",
        )
    ]
