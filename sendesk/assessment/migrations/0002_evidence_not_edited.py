# Scores and Engagement Model observations are evidence: the database refuses to delete
# them, and to change them except the columns a correction rewrites (with an amendment).
from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [
        evidence("assessment_assessment", may_change=("score", "date", "note")),
        evidence("assessment_assessmentamendment"),
        evidence("assessment_engagementobservation"),
        evidence("assessment_engagemententry"),
    ]
