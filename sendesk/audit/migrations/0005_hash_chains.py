"""The audit, access and sign-in trails become hash chains (sendesk.audit.chain), and refuse
UPDATE and DELETE at the database on SQLite as on PostgreSQL (sendesk.lib.migrations).

- audit_chainhead: where each chain ends.
- Each access row gains its pupil's school (its chain), filled in for the existing rows.
- Each row gains its position, its previous row's hash and its own; the existing rows are
  linked here, oldest first, before the triggers that guard the chains are made."""

import django.db.models.deletion
from django.db import migrations, models

from sendesk.audit.chain import (
    GENESIS,
    chain_fields,
    chain_fields_required,
    link_existing,
    link_trigger,
)
from sendesk.lib.migrations import evidence

TRAILS = (("AuditEvent", "school"), ("AccessEvent", "school"), ("SecurityEvent", None))


def access_school_from_pupil(apps, schema_editor):
    schema_editor.execute(
        "UPDATE audit_accessevent SET school_id = "
        "(SELECT school_id FROM pupils_pupil WHERE pupils_pupil.id = audit_accessevent.pupil_id)"
    )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now: PostgreSQL will not alter a table with checks
        # still pending, as they would be until the end of this migration.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def link_existing_rows(apps, schema_editor):
    head = apps.get_model("audit", "ChainHead")
    for name, chain_by in TRAILS:
        link_existing(apps.get_model("audit", name), chain_by, head, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_security_events"),
        ("pupils", "0002_timeline_kind_choices"),
        ("schools", "0002_staffrole_therapist"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("chain", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS, max_length=64)),
                ("base_seq", models.PositiveBigIntegerField(default=0)),
                ("base_hash", models.CharField(default=GENESIS, max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="accessevent",
            name="school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.school",
            ),
        ),
        migrations.RunPython(access_school_from_pupil, migrations.RunPython.noop),
        *chain_fields("auditevent"),
        *chain_fields("accessevent"),
        *chain_fields("securityevent"),
        migrations.RunPython(link_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accessevent",
            name="school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.school",
            ),
        ),
        *chain_fields_required("auditevent"),
        *chain_fields_required("accessevent"),
        *chain_fields_required("securityevent"),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("school", "seq"), name="audit_chain_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="accessevent",
            constraint=models.UniqueConstraint(
                fields=("school", "seq"), name="access_chain_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="securityevent",
            constraint=models.UniqueConstraint(fields=("seq",), name="security_chain_position"),
        ),
        link_trigger("audit_auditevent", "school_id"),
        link_trigger("audit_accessevent", "school_id"),
        link_trigger("audit_securityevent"),
        evidence("audit_auditevent", "audit_accessevent", "audit_securityevent"),
        # The heads are moved by the link triggers above (and, one day, a chain's start by
        # the retention disposal); a head is never deleted nor renamed.
        evidence("audit_chainhead", may_change=("seq", "hash", "base_seq", "base_hash")),
    ]
