"""Each provision's minutes delivered per term of its school (TermTally): the trust view adds
them up with one join instead of reading each provision's session records.

The table only: the triggers that keep it are made, and every tally summed from the records
already written, after `migrate` (sendesk.provision.tally.after_migrate), whatever else it
migrated, so that no later migration has to remake them. Going back drops the triggers
first, as they would otherwise write to a table that is gone."""

import django.db.models.deletion
from django.db import migrations, models

from sendesk.provision.tally import uninstall


class Migration(migrations.Migration):
    dependencies = [
        ("provision", "0008_measure_and_provision_measure"),
        ("pupils", "0006_leavers"),
        ("schools", "0006_trust_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="TermTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "term_start",
                    models.DateField(help_text="The first day of the term (its school's Term)."),
                ),
                ("minutes", models.PositiveIntegerField(default=0)),
                (
                    "provision",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="provision.provision",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["term_start", "provision", "minutes"], name="termtally_term_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provision", "term_start"), name="termtally_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(
            migrations.RunPython.noop,
            lambda apps, schema_editor: uninstall(schema_editor.connection.alias),
            elidable=False,
        ),
    ]
