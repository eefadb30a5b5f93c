"""Forms for reporting a concern and for the DSL team's triage and actions. They only
parse what was typed; the rules live in safeguarding.services, whose messages are shown
beside the fields here."""

import json
import uuid

from django import forms

from . import bodymap
from .models import Concern, ConcernAction
from .services import ACTION_KINDS, MARK_NOTE_MAX, TRIAGE_RISKS, TRIAGE_STATUSES


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _area(rows=5, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ReportForm(forms.Form):
    """The concern as the reporter writes it. `q` and `pupil` choose the pupil; the mark_*
    fields are the keyboard (and no-script) way to add a body-map mark."""

    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form is missing its id: reload the page.",
                        "invalid": "The form's id is damaged: reload the page."},
    )  # fmt: skip
    q = forms.CharField(
        label="Find the pupil",
        required=False,
        max_length=100,
        help_text="Type part of their first or last name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    pupil = forms.UUIDField(
        required=False, error_messages={"invalid": "Choose the pupil from the list."}
    )
    occurred_at = forms.DateTimeField(
        label="When did it happen, or when did you notice it?",
        required=False,
        widget=DateTimeLocalInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"invalid": "Give a date and time, like 2026-11-18 09:30."},
    )
    location = forms.CharField(
        label="Where?",
        required=False,
        help_text="For example: the playground, the Year 3 cloakroom, on a trip.",
    )
    concern = forms.CharField(
        label="What did you see, hear or were you told?",
        required=False,
        help_text="Facts, not opinions. Say who was there.",
        widget=_area(8),
    )
    words_used = forms.CharField(
        label="The words used",
        required=False,
        help_text="Who said what, in their own words, as exactly as you can remember.",
        widget=_area(4),
    )
    body_map = forms.CharField(required=False, widget=forms.HiddenInput)
    action_taken = forms.CharField(
        label="What have you already done?",
        required=False,
        help_text="For example: told the pupil you would pass it on; phoned the DSL.",
        widget=_area(3),
    )
    mark_side = forms.ChoiceField(label="Side", choices=bodymap.SIDES, required=False)
    mark_position = forms.ChoiceField(
        label="Position", choices=bodymap.POSITION_CHOICES, required=False
    )
    mark_note = forms.CharField(
        label="What you saw there",
        required=False,
        help_text=f"For example: a bruise the size of a 50p coin. At most {MARK_NOTE_MAX} "
        "characters.",
        widget=forms.TextInput(attrs={"maxlength": MARK_NOTE_MAX}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.marks: list = []

    def clean_body_map(self):
        raw = self.cleaned_data["body_map"].strip()
        if not raw:
            self.marks = []
            return "[]"
        try:
            marks = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(
                "The body map could not be read: add the marks again."
            ) from None
        if not isinstance(marks, list):
            raise forms.ValidationError("The body map could not be read: add the marks again.")
        self.marks = marks
        return raw

    def add_mark(self) -> bool:
        """Add the mark described by the side and position selects (the no-script path).
        False, with an error beside the field, when it can't be added."""
        side = self.cleaned_data.get("mark_side")
        note = (self.cleaned_data.get("mark_note") or "").strip()
        if len(note) > MARK_NOTE_MAX:
            self.add_error("mark_note", f"Keep the note to {MARK_NOTE_MAX} characters.")
            return False
        mark = bodymap.mark_at(side or "", self.cleaned_data.get("mark_position") or "", note)
        if mark is None:
            self.add_error("mark_position", "Choose the side and the position of the mark.")
            return False
        self.marks.append(mark)
        return True

    def remove_mark(self, index: str) -> None:
        if index.isdigit() and int(index) < len(self.marks):
            del self.marks[int(index)]

    def marks_json(self) -> str:
        return json.dumps(self.marks)

    def service_error_field(self, key):
        """A mark's key ("body_map.2.side") is about the body map, for apply_service_errors."""
        return key.split(".", 1)[0]


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label="Decision",
        choices=[(s, Concern.Status(s).label) for s in TRIAGE_STATUSES],
        widget=forms.RadioSelect,
        required=False,
    )
    risk = forms.ChoiceField(
        label="Risk",
        choices=[(r, Concern.Risk(r).label) for r in TRIAGE_RISKS],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=_area(3),
        help_text="Why this decision. Needed when no further action is taken.",
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was done",
        choices=[(k, ConcernAction.Kind(k).label) for k in ACTION_KINDS],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="Details",
        required=False,
        widget=_area(3),
        help_text="Who, when, any reference number. A note corrects or adds to the report: "
        "the reporter's words stay as written.",
    )


class NoteForm(forms.Form):
    """Closing or reopening: the reason."""

    note = forms.CharField(label="Why", required=False, widget=_area(2))
