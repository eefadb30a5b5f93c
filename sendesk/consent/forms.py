from django import forms

from sendesk.lib.forms import date_field, line_field

from .models import Decision, Kind


class PaperForm(forms.Form):
    """Staff typing in a paper consent form. Every field is optional here: the service
    says, in words, what is missing."""

    kind = forms.ChoiceField(
        label="Consent for", choices=Kind.choices, initial=Kind.PHOTOS, required=False
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


class ParentForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    decision = forms.ChoiceField(choices=Decision.choices, required=False)
