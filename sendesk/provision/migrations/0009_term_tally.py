"""Each provision's minutes delivered per term of its school (TermTally), kept by triggers
on session records and terms (sendesk.provision.tally) and summed here from the records
already written: the trust view adds them up with one join instead of reading each
provision's session records."""

import django.db.models.deletion
from django.db import migrations, models

from sendesk.provision.tally import kept


class Migration(migrations.Migration):

    dependencies = [
        ('provision', '0008_measure_and_provision_measure'),
        ('pupils', '0006_leavers'),
        ('schools', '0006_trust_role'),
    ]

    operations = [
        migrations.CreateModel(
            name='TermTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term_start', models.DateField(help_text="The first day of the term (its school's Term).")),
                ('minutes', models.PositiveIntegerField(default=0)),
                ('provision', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='provision.provision')),
            ],
            options={
                'indexes': [models.Index(fields=['term_start', 'provision', 'minutes'], name='termtally_term_idx')],
                'constraints': [models.UniqueConstraint(fields=('provision', 'term_start'), name='termtally_unique')],
            },
        ),
        kept(),
    ]
