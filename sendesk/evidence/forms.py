from django import forms

from sendesk.lib.forms import line_field

from .models import Kind

ACCEPT = "image/*,video/*,audio/*"


class AddForm(forms.Form):
    """Adding evidence from a phone or tablet: the camera or a file, what it shows, a
    caption and the targets it is evidence for. Fields are optional here: the service
    says, in words, what is missing."""

    file = forms.FileField(
        label="Photo, video or recording",
        required=False,
        help_text="Take one now or choose one. Location data is removed when it is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    kind = forms.ChoiceField(
        label="What it shows",
        choices=[
            ("photo", "The pupil (a photo or video: needs the parent's consent)"),
            ("work", "Only their work, with nobody in the picture"),
        ],
        initial="photo",
        required=False,
        widget=forms.RadioSelect,
    )
    caption = line_field("Caption", 300, help_text="What it shows, in a few words.")
    targets = forms.MultipleChoiceField(
        label="Evidence for these targets",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    session = forms.CharField(required=False, widget=forms.HiddenInput)
    observation = forms.CharField(required=False, widget=forms.HiddenInput)
    aliases = {"target_ids": "targets", "session_id": None, "observation_id": None,
               "consent": None}  # fmt: skip

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = [(str(t.pk), t.text) for t in targets]


class AmendForm(forms.Form):
    caption = line_field("Caption", 300)
    withdraw = forms.BooleanField(
        label="Withdraw it: the family and the review pack will no longer show it",
        required=False,
    )
    reason = line_field("Why", 300, help_text="Say why it is being corrected or withdrawn.")


KIND_WORDS = dict(Kind.choices)
