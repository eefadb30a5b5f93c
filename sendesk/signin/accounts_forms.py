"""Forms for the staff accounts pages. They parse what was typed; signin.accounts checks it
and says what is wrong in words."""

from django import forms

from sendesk.lib.forms import date_field, line_field
from sendesk.schools.models import Role


class _Roles(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            label="Roles at this school", required=False, choices=Role.choices, **kwargs
        )

    def validate(self, value):
        pass  # the service says what is wrong, in words


class PersonForm(forms.Form):
    """Whom an invitation is for: their name and the address it goes to (a member of
    staff here; an agency's professional on the agencies page)."""

    full_name = line_field("Name", 150, autocomplete="off")
    email = forms.CharField(
        label="E-mail address", required=False, max_length=254,
        help_text="Their invite goes here, and they sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
        error_messages={"max_length": "Keep the e-mail address to 254 characters or fewer."},
    )  # fmt: skip


class InviteForm(PersonForm):
    roles = _Roles()


class RolesForm(forms.Form):
    roles = _Roles()


class LastDayForm(forms.Form):
    leaves_on = date_field(
        "Last day",
        "They can sign in until the end of this day. Leave empty if they are not leaving.",
    )
