# A professional's advice, report or visit is a record (models.Advice): the database
# refuses to delete it or change any of its columns; a later entry corrects an earlier one.
from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [("therapy", "0005_advice_provision")]

    operations = [evidence("therapy_advice")]
