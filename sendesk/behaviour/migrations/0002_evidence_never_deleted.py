"""Behaviour evidence refuses DELETE at the database (PostgreSQL), as sessions do: see
sendesk.lib.migrations for why."""

from django.db import migrations

from sendesk.lib.migrations import no_delete


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0001_initial"),
    ]

    operations = [
        no_delete(
            "behaviour_observation",
            "behaviour_observationentry",
            "behaviour_incident",
            "behaviour_strategyuse",
            "behaviour_restrictiveintervention",
            "behaviour_interventionstaff",
            "behaviour_parentnotification",
            "behaviour_amendment",
        )
    ]
