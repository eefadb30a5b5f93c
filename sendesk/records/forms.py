"""Forms for the subject access pages. They parse what was typed; the rules live in
records.services, whose ServiceError messages are put back beside the fields."""

from django import forms

from sendesk.lib.forms import date_field, line_field, text_field


class OpenForm(forms.Form):
    pupil = forms.ChoiceField(label="About a pupil", required=False)
    staff = forms.ChoiceField(label="Or about a member of staff", required=False)
    requester = line_field(
        "Who asked", 200, "As they signed the request, e.g. 'Mrs J Brown (mother)'."
    )
    received_on = date_field(
        "Received on", "The month to answer it starts on this day. Today, if left empty."
    )

    aliases = {"subject": "pupil"}

    def __init__(self, *args, pupils, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [("", "Choose a pupil")] + [
            (str(p.pk), f"{p.legal_first_name} {p.legal_last_name} ({p.year_group.name})")
            for p in pupils
        ]
        self.fields["staff"].choices = [("", "Choose a member of staff")] + [
            (str(u.pk), f"{u.full_name or u.email}{'' if u.is_active else ' (left)'}")
            for u in staff
        ]
        self.fields["pupil"].error_messages["invalid_choice"] = "Choose a pupil from the list."
        self.fields["staff"].error_messages["invalid_choice"] = "Choose a person from the list."


class DecisionForm(forms.Form):
    include = forms.TypedChoiceField(
        label="Does the safeguarding record go with this request?",
        choices=[("yes", "Yes, include it"), ("no", "No, leave it out")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = text_field("Why", "Kept with the request, for the school's record.", rows=3)


class RedactForm(forms.Form):
    terms = text_field(
        "Remove from the download",
        "One name or phrase a line: other people's information the requester has no right "
        "to. Each is replaced by [redacted] wherever it appears.",
        rows=6,
        max_length=20000,
    )

    def cleaned_terms(self) -> list[str]:
        return [line for line in self.cleaned_data.get("terms", "").splitlines() if line.strip()]


# --- Retention (retention_views) -------------------------------------------------------


class HoldForm(forms.Form):
    pupil = forms.ChoiceField(label="Pupil")
    reason = text_field(
        "Why", "E.g. a claim, an inquiry or a court's order. Kept with the hold.", rows=3
    )

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [("", "Choose a pupil")] + [
            (str(p.pk), f"{p.legal_first_name} {p.legal_last_name} (born {p.date_of_birth:%Y})")
            for p in pupils
        ]
        self.fields["pupil"].error_messages["invalid_choice"] = "Choose a pupil from the list."


class LiftForm(forms.Form):
    reason = text_field("Why the hold is lifted", "Kept with the hold.", rows=2)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm these records are to be disposed of. This cannot be undone.",
        error_messages={"required": "Tick the box to confirm the disposal."},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="What happens to this safeguarding record?",
        choices=[
            ("dispose", "Dispose of it (the head or DPO confirms)"),
            ("keep", "Keep it longer"),
        ],  # fmt: skip
        widget=forms.RadioSelect,
        error_messages={"required": "Choose: dispose of it, or keep it longer."},
    )
    keep_until = date_field("Keep it until", "Only when keeping it: a date after today.")
    reason = text_field("Why", "Kept with the decision and copied into the disposal log.", rows=3)


class CareYearsForm(forms.Form):
    care_years = forms.IntegerField(
        label="Keep medication and care records for (years after the pupil's date of birth)",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Give a number of years.",
            "invalid": "Give a whole number of years.",
        },  # fmt: skip
    )
