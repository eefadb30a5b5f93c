"""Issue 11: a parent's consent to a medicine moves to the consent app, where the dose rules
read it and a parent can withdraw it. Each medicine whose form recorded consent (who and
when) gets a consent row: kind medication, ref "medicine:<id>", given on that date by the
name on the form, as typed in from paper. The medicine's consent_* columns are kept as the
paper form's copy and are read by no rule (not removed: the medicine page shows where the
signed form is kept)."""

from django.db import migrations
from django.utils import timezone

# Who recorded it: the school's SENCO who typed the medicine form in is not known, so the
# school's SENCO (or head) today stands as the recorder; the note says it was moved.
RECORDERS = ("senco", "head")


def _recorder(StaffRole, school_id, cache):
    if school_id not in cache:
        roles = StaffRole.objects.filter(school_id=school_id, role__in=RECORDERS)
        found = roles.order_by("role", "user_id").values_list("user_id", flat=True).first()
        if found is None:
            found = (
                StaffRole.objects.filter(school_id=school_id)
                .order_by("user_id")
                .values_list("user_id", flat=True)
                .first()
            )
        cache[school_id] = found
    return cache[school_id]


def forwards(apps, schema_editor):
    Medicine = apps.get_model("medication", "Medicine")
    Consent = apps.get_model("consent", "Consent")
    StaffRole = apps.get_model("schools", "StaffRole")
    cache: dict = {}
    now = timezone.now()
    rows = []
    medicines = Medicine.objects.exclude(consent_by="").exclude(consent_on=None)
    for m in medicines.select_related("pupil").iterator():
        ref = f"medicine:{m.pk}"
        if Consent.objects.filter(pupil_id=m.pupil_id, kind="medication", ref=ref).exists():
            continue
        recorder = _recorder(StaffRole, m.pupil.school_id, cache)
        if recorder is None:
            continue  # a school with no staff at all: nobody could give the dose either
        note = f"Moved from the medicine's record. {m.consent_document}".strip()[:300]
        rows.append(
            Consent(
                pupil_id=m.pupil_id, school_id=m.pupil.school_id, kind="medication",
                decision="given", ref=ref, on=m.consent_on, given_by_name=m.consent_by[:150],
                note=note, recorded_by_id=recorder, recorded_at=now,
            )  # fmt: skip
        )
    Consent.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("medication", "0005_administration_place"),
        ("consent", "0004_ref_holds_a_medicine_uuid"),
        ("schools", "0004_school_notional_sen_budget"),
    ]

    # Backwards: the rows stay (consent rows are never deleted; the database refuses).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
