"""The other party's re-confirmation after an amendment to a signed-off stage, kept for good
like the amendment itself (sendesk.lib.migrations.evidence)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0002_amendments_not_edited'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AmendmentConfirmation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('confirmed_at', models.DateTimeField()),
                ('amendment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='confirmation', to='appraisal.reviewamendment')),
                ('confirmed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        evidence("appraisal_amendmentconfirmation"),
    ]
