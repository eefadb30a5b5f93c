"""Forms for the deployment pages. They parse what was typed; the services check it."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, date_field, time_field
from sendesk.schools.models import Period

from .models import StaffAbsence
from .selectors import WEEKDAYS


class PeriodForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", coerce=int, choices=list(WEEKDAYS.items()), initial=1
    )
    name = forms.CharField(label="Name", required=False, max_length=40,
                           help_text="e.g. 'Lesson 1', 'Morning break'.")  # fmt: skip
    kind = CheckedChoiceField(label="Kind", choices=[("", "Choose …"), *Period.Kind.choices])
    start = time_field("Starts")
    end = time_field("Ends")


class DutyPostForm(forms.Form):
    name = forms.CharField(label="Duty post", required=False, max_length=60,
                           help_text="e.g. 'Playground', 'Dining hall'.")  # fmt: skip


class RunForm(forms.Form):
    week_start = date_field("Week beginning", "Any day of the week: the plan starts on its Monday.")


class AbsenceForm(forms.Form):
    date = date_field("Day")
    staff = forms.TypedMultipleChoiceField(
        label="Who is absent", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = CheckedChoiceField(
        label="Why", choices=StaffAbsence.Reason.choices, initial=StaffAbsence.Reason.SICKNESS
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(u.pk, u.full_name or u.email) for u in staff]
        self.fields["staff"].error_messages["invalid_choice"] = (
            "Choose people from this school's staff."
        )


class MoveForm(forms.Form):
    staff = forms.TypedChoiceField(label="Give it to", coerce=int)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(u.pk, u.full_name or u.email) for u in staff]
        self.fields["staff"].error_messages["invalid_choice"] = (
            "Choose a member of this school's staff."
        )


class MaxAdultsForm(forms.Form):
    # Text, not an IntegerField: the service gives the one message for anything that is not
    # a whole number from 1 to 10, whatever was typed.
    max_adults_per_pupil = forms.CharField(
        label="Most adults a pupil sees in a week",
        required=False,
        max_length=20,
        help_text="A whole number from 1 to 10. The planner keeps each pupil's week to this "
        "many adults, for continuity.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "short"}),
    )
