"""Behaviour records refuse UPDATE and DELETE at the database, on SQLite as on PostgreSQL
(sendesk.lib.migrations). A correction of an incident or a restrictive intervention
(behaviour.services.incident_amend, ri_amend) rewrites only the columns it may correct,
keeping the old values in an Amendment and a chained audit row; those columns may change,
no other. A parent notification is withdrawn by a new NotificationRetraction row, never
edited."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0003_notification_retraction"),
    ]

    operations = [
        evidence(
            "behaviour_observation",
            "behaviour_observationentry",
            "behaviour_strategyuse",
            "behaviour_interventionstaff",
            "behaviour_parentnotification",
            "behaviour_amendment",
            "behaviour_notificationretraction",
        ),
        evidence(
            "behaviour_incident",
            may_change=(
                "location", "lesson", "others_involved", "antecedent", "behaviour", "response",
                "outcome", "injuries", "follow_up", "kind", "severity", "occurred_at",
            ),
        ),  # fmt: skip
        evidence(
            "behaviour_restrictiveintervention",
            may_change=(
                "location", "before", "deescalation", "holds", "reason", "injuries_pupil",
                "injuries_staff", "support_after", "debrief", "kind", "started_at",
                "duration_minutes", "debrief_on",
            ),
        ),  # fmt: skip
    ]
