"""The audit and access trails refuse DELETE at the database (PostgreSQL). Why, and how, is
in sendesk.lib.migrations. (This migration once also guarded provision's tables; provision
0002 now does, in its own app.)"""

from django.db import migrations

from sendesk.lib.migrations import no_delete


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        no_delete(
            "audit_auditevent",
            "audit_accessevent",
        )
    ]
