"""Forms for the agencies page. They parse what was typed; agencies.services checks it and
says what is wrong in words."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, line_field
from sendesk.signin.accounts_forms import PersonForm

from .models import Agency

WHOLE = {"invalid": "Give the days as a whole number, like 42."}


class AgencyForm(forms.Form):
    name = line_field("Name", 150, autocomplete="off")
    kind = CheckedChoiceField(
        label="Kind of service", required=False,
        choices=[("", "Choose…"), *Agency.Kind.choices],
    )  # fmt: skip
    email = forms.CharField(
        label="E-mail address for referrals (optional)", required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
        error_messages={"max_length": "Keep the e-mail address to 254 characters or fewer."},
    )  # fmt: skip
    phone = line_field("Phone (optional)", 40, autocomplete="off", inputmode="tel")
    response_days = forms.IntegerField(
        label="Days it usually takes to respond", required=False, error_messages=WHOLE,
        help_text="A new referral expects an answer within this many days, unless the "
        "referral says otherwise. From 1 to 365.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip


class ProfessionalForm(PersonForm):
    job_title = line_field(
        "Job title (optional)", 100, "For example: educational psychologist.", autocomplete="off"
    )
