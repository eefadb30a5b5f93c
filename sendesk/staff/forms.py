"""Forms for the training register. They parse what was typed; staff.services checks it."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, date_field

from .models import CareGender, Training


class TrainingForm(forms.Form):
    user_id = CheckedChoiceField(label="Member of staff")
    kind = CheckedChoiceField(label="Training")
    course = forms.CharField(
        label="Course", required=False, max_length=200, help_text="e.g. 'Team Teach level 2'."
    )
    provider = forms.CharField(
        label="Provider", required=False, max_length=150, help_text="Who ran it, if known."
    )
    hours = forms.DecimalField(
        label="Hours", required=False, max_digits=5, decimal_places=2, min_value=0,
        error_messages={"invalid": "Give the hours as a number, e.g. 6 or 1.5."},
    )  # fmt: skip
    completed_on = date_field("Completed on")
    expires_on = date_field("Expires on", "Leave empty if it does not expire.")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = [("", "Choose …")] + [
            (str(u.pk), u.full_name) for u in staff
        ]
        self.fields["kind"].choices = [("", "Choose …"), *Training.Kind.choices]


class CareGenderForm(forms.Form):
    """One choice per member of staff: female, male or not recorded (the default)."""

    CHOICES = [("", "Not recorded"), *CareGender.Gender.choices]

    def __init__(self, *args, staff, held, **kwargs):
        super().__init__(*args, **kwargs)
        for person in staff:
            self.fields[f"g_{person.pk}"] = CheckedChoiceField(
                label=person.full_name,
                required=False,
                choices=self.CHOICES,
                initial=held.get(person.pk, ""),
            )

    def values(self) -> dict:
        return {name[2:]: value or "" for name, value in self.cleaned_data.items()}
