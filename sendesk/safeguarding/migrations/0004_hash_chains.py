"""The wall's own trails (SafeguardingAccess, SafeguardingAudit) become hash chains per
school, like the audit trails (audit 0005, sendesk.audit.chain): each row gains its
school (from its pupil, or its concern), its position, its previous row's hash and its
own, the existing rows linked here oldest first. Then the wall's evidence and trail tables
refuse UPDATE and DELETE at the database on SQLite as on PostgreSQL
(sendesk.lib.migrations); a concern's status and risk change as the DSL team triages it,
each change in SafeguardingAudit and the chronology."""

import django.db.models.deletion
from django.db import migrations, models

from sendesk.audit.chain import chain_fields, chain_fields_required, link_existing, link_trigger
from sendesk.lib.migrations import evidence


def schools(apps, schema_editor):
    schema_editor.execute(
        "UPDATE safeguarding_safeguardingaccess SET school_id = (SELECT school_id FROM "
        "pupils_pupil WHERE pupils_pupil.id = safeguarding_safeguardingaccess.pupil_id)"
    )
    schema_editor.execute(
        "UPDATE safeguarding_safeguardingaudit SET school_id = (SELECT school_id FROM "
        "safeguarding_concern WHERE safeguarding_concern.id = safeguarding_safeguardingaudit.concern_id)"
    )
    if schema_editor.connection.vendor == "postgresql":
        # As in audit 0005: check the new foreign keys now, before the tables are altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def link_existing_rows(apps, schema_editor):
    head = apps.get_model("audit", "ChainHead")
    for name in ("SafeguardingAccess", "SafeguardingAudit"):
        model = apps.get_model("safeguarding", name)
        link_existing(model, "school", head, schema_editor.connection.alias)


def school(null):
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to="schools.school",
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_hash_chains"),
        ("safeguarding", "0003_concern_client_id_per_reporter"),
        ("schools", "0002_staffrole_therapist"),
    ]

    operations = [
        migrations.AddField("safeguardingaccess", "school", school(null=True)),
        migrations.AddField("safeguardingaudit", "school", school(null=True)),
        migrations.RunPython(schools, migrations.RunPython.noop),
        *chain_fields("safeguardingaccess"),
        *chain_fields("safeguardingaudit"),
        migrations.RunPython(link_existing_rows, migrations.RunPython.noop),
        migrations.AlterField("safeguardingaccess", "school", school(null=False)),
        migrations.AlterField("safeguardingaudit", "school", school(null=False)),
        *chain_fields_required("safeguardingaccess"),
        *chain_fields_required("safeguardingaudit"),
        migrations.AddConstraint(
            model_name="safeguardingaccess",
            constraint=models.UniqueConstraint(
                fields=("school", "seq"), name="sgaccess_chain_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="safeguardingaudit",
            constraint=models.UniqueConstraint(
                fields=("school", "seq"), name="sgaudit_chain_position"
            ),
        ),
        link_trigger("safeguarding_safeguardingaccess", "school_id"),
        link_trigger("safeguarding_safeguardingaudit", "school_id"),
        evidence(
            "safeguarding_concernaction",
            "safeguarding_safeguardingaccess",
            "safeguarding_safeguardingaudit",
        ),
        evidence("safeguarding_concern", may_change=("status", "risk")),
    ]
