from django import forms

from .models import Kind
from .parsers import PARSERS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        widget=forms.RadioSelect,
        # Only the kinds SENDesk can read today: a kind whose reader is not installed yet
        # is not offered (the API answers 422 for it).
        choices=[(k, label) for k, label in Kind.choices if k in PARSERS],
    )
    file = forms.FileField(
        label="The file",
        help_text="Nothing changes yet: you will see what the file would do first.",
    )
