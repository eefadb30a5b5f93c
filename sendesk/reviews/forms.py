"""The review pages' forms. Fields are optional here: the services say what is missing, in
words, beside the field (lib.forms.apply_service_errors)."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, date_field, line_field, text_field

from . import prompts
from .models import ReviewDecision, ReviewMeeting
from .services import RECOMMENDATIONS

ATTENDEE_ROWS = 8


class ScheduleForm(forms.Form):
    kind = CheckedChoiceField(
        label="Kind of review", required=False, choices=ReviewMeeting.Kind.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    date = date_field("Day of the meeting")


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, required=False)
    on = date_field("Done on")


class ViewForm(forms.Form):
    """The prompts of one kind of view; an author line unless the page knows the author."""

    def __init__(self, *args, kind, author_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if author_label:
            self.fields["author"] = line_field(author_label, 120)
        for key, question, hint, _picture in prompts.BY_KIND[kind]:
            if key == "feel":
                self.fields[key] = CheckedChoiceField(
                    label=question, required=False, help_text=hint,
                    choices=list(prompts.FEELINGS.items()), widget=forms.RadioSelect,
                )  # fmt: skip
            else:
                self.fields[key] = text_field(question, hint, max_length=prompts.ANSWER_MAX)

    def answers(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "author"}

    def prompt_rows(self):
        """(bound field, picture) per prompt, for the template to draw the pictures."""
        return [(self[key], picture) for key, _q, _h, picture in prompts.BY_KIND[self.kind]]


class RecordForm(forms.Form):
    def __init__(self, *args, review, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for i in range(ATTENDEE_ROWS):
            self.fields[f"name_{i}"] = line_field(f"Person {i + 1}: name", 120)
            self.fields[f"role_{i}"] = line_field(f"Person {i + 1}: role", 120)
            self.fields[f"apologies_{i}"] = forms.BooleanField(
                label="Sent apologies or advice instead", required=False
            )
        for t in targets:
            self.fields[f"progress_{t.pk}"] = text_field(f"Progress: {t.text}", rows=2)
        self.fields["summary"] = text_field("What the meeting said", rows=5, max_length=10_000)
        if review.kind == ReviewMeeting.Kind.ANNUAL:
            self.fields["recommendation"] = CheckedChoiceField(
                label="The school's recommendation to the local authority", required=False,
                choices=[(k, v) for k, v in RECOMMENDATIONS.items() if k],
                widget=forms.RadioSelect,
            )  # fmt: skip
        self.fields["next_review_date"] = date_field("Next review")

    aliases = {"attendees": "name_0"}

    def service_error_field(self, key):
        parts = key.split(".")
        if parts[0] == "attendees" and len(parts) == 3:
            return f"{parts[2]}_{parts[1]}"
        if parts[0] == "progress" and len(parts) == 2:
            return f"progress_{parts[1]}"
        return None

    def attendee_rows(self):
        return [
            (self[f"name_{i}"], self[f"role_{i}"], self[f"apologies_{i}"])
            for i in range(ATTENDEE_ROWS)
        ]

    def progress_rows(self):
        return [(t, self[f"progress_{t.pk}"]) for t in self.targets]

    def record_data(self) -> dict:
        d = self.cleaned_data
        return {
            "summary": d.get("summary", ""),
            "recommendation": d.get("recommendation", ""),
            "next_review_date": d.get("next_review_date"),
            "attendees": [
                {
                    "name": d.get(f"name_{i}"),
                    "role": d.get(f"role_{i}"),
                    "attended": not d.get(f"apologies_{i}"),
                }
                for i in range(ATTENDEE_ROWS)
            ],  # fmt: skip
            "progress": {str(t.pk): d.get(f"progress_{t.pk}", "") for t in self.targets},
        }


class DecisionForm(forms.Form):
    kind = CheckedChoiceField(
        label="What was decided", required=False, choices=ReviewDecision.Kind.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    target_id = CheckedChoiceField(label="About the target", required=False)
    provision_id = CheckedChoiceField(label="About the provision", required=False)
    text = line_field(
        "New target, as the pupil's adults say it", 300,
        help_text="For a changed or a new target.",
    )  # fmt: skip
    success_criteria = text_field("How we will know it is achieved", rows=2)
    target_date = date_field("Target date")
    title = line_field("Provision: what it is", 200, help_text="For new provision.")
    provision_kind = CheckedChoiceField(label="Provision: kind", required=False)
    sessions_per_week = forms.IntegerField(label="Sessions a week", required=False, min_value=1,
                                           max_value=25)  # fmt: skip
    session_minutes = forms.IntegerField(label="Minutes each", required=False, min_value=5,
                                         max_value=360)  # fmt: skip
    note = line_field("Note", 300)

    aliases = {"kind_of_provision": "provision_kind", "hours_per_week": "sessions_per_week",
               "days": "sessions_per_week", "source": "provision_kind"}  # fmt: skip

    def __init__(self, *args, targets, provisions, **kwargs):
        from sendesk.provision.models import Provision

        super().__init__(*args, **kwargs)
        self.fields["target_id"].choices = [("", "—")] + [(str(t.pk), t.text) for t in targets]
        self.fields["provision_id"].choices = [("", "—")] + [
            (str(p.pk), f"{p.title} ({p.how_much})") for p in provisions
        ]
        self.fields["provision_kind"].choices = [("", "—")] + list(Provision.Kind.choices)

    def decision_data(self) -> dict:
        d = dict(self.cleaned_data)
        sessions = d.get("sessions_per_week")
        data = {
            "target_id": d.get("target_id"), "provision_id": d.get("provision_id"),
            "text": d.get("text", ""), "success_criteria": d.get("success_criteria", ""),
            "target_date": d.get("target_date"), "title": d.get("title", ""),
            "kind": d.get("provision_kind") or None, "note": d.get("note", ""),
            "sessions_per_week": sessions, "session_minutes": d.get("session_minutes"),
        }  # fmt: skip
        if sessions and 1 <= sessions <= 5:
            # One session a school day, Monday first, unless the old pattern is kept.
            data["days"] = "12345"[:sessions]
        return data
