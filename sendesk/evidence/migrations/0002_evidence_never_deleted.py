"""Evidence is never deleted and changes only through an amendment: the database refuses
anything else (sendesk.lib.migrations). What a correction rewrites: the caption and the
withdrawal's who, when and why."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
    ]

    operations = [
        evidence(
            "evidence_evidence",
            may_change=("caption", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason"),
        ),
        evidence("evidence_amendment"),
    ]
