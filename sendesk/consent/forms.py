from django import forms

from sendesk.lib.forms import date_field, line_field

from .models import Decision, Kind


class PaperForm(forms.Form):
    """Staff typing in a paper consent form. Every field is optional here: the service
    says, in words, what is missing."""

    kind = forms.ChoiceField(
        label="Consent for", choices=Kind.choices, initial=Kind.PHOTOS, required=False
    )
    agency_id = forms.TypedChoiceField(
        label="Agency",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Only for sharing information with an agency or a referral to one.",
    )
    decision = forms.ChoiceField(
        label="The parent's decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    on = date_field("Date on the form")
    given_by_name = line_field("Signed by", 150, help_text="The parent or carer's name.")
    note = line_field("Note", 300, help_text="For example, where the signed form is kept.")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [("", "None")] + [(a.pk, a.name) for a in agencies]


class ParentForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    decision = forms.ChoiceField(choices=Decision.choices, required=False)
    agency_id = forms.CharField(required=False, max_length=20)
    ref = forms.CharField(required=False, max_length=60)
