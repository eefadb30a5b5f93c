"""Forms for the training register. They parse what was typed; staff.services checks it."""

from django import forms

from sendesk.lib.forms import DateInput

from .models import Training


class LooseChoiceField(forms.ChoiceField):
    """A choice the service checks, so its message (in words) is shown."""

    def validate(self, value):
        pass


def _date(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        help_text=help_text,
        error_messages={"invalid": "Give the date as day, month and year."},
    )


class TrainingForm(forms.Form):
    user_id = LooseChoiceField(label="Member of staff")
    kind = LooseChoiceField(label="Training")
    course = forms.CharField(
        label="Course", required=False, max_length=200, help_text="e.g. 'Team Teach level 2'."
    )
    completed_on = _date("Completed on")
    expires_on = _date("Expires on", "Leave empty if it does not expire.")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = [("", "Choose …")] + [
            (str(u.pk), u.full_name) for u in staff
        ]
        self.fields["kind"].choices = [("", "Choose …"), *Training.Kind.choices]
