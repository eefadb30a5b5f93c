from django import forms

from . import mfa


class CodeForm(forms.Form):
    """The code an authenticator app shows. Big, numeric on a phone, and filled in by
    the phone itself where it can (autocomplete one-time-code)."""

    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "code-input",
                "spellcheck": "false",
            }
        ),
    )


class RecoveryForm(forms.Form):
    """One of the ten recovery codes, for someone without their phone. Letters and digits,
    so an ordinary keyboard (not a number pad)."""

    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=40,
        strip=True,
        help_text="It looks like abcd-efgh-jkmn. Each one works once.",
        error_messages={"required": "Enter one of your recovery codes."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )


class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles that must also use a second factor",
        choices=[(role.value, role.label) for role in mfa.OPTIONAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Heads, SENCOs, DSLs and external therapists always need one.",
    )
