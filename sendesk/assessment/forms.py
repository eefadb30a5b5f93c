"""The forms of the assessment pages. They only collect what was typed: the services judge
it (one set of rules for the pages and the API), and their messages come back beside each
field (sendesk.lib.forms.apply_service_errors)."""

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field, line_field, text_field, time_field
from sendesk.provision.models import Measure

from .models import AREA_HINTS, Assessment, EngagementArea


class AssessmentForm(forms.Form):
    measure = forms.ChoiceField(label="Measure or test")
    kind = forms.ChoiceField(
        label="What kind of score",
        choices=Assessment.Kind.choices,
        widget=forms.RadioSelect,
    )
    provision = forms.ChoiceField(
        label="Intervention",
        required=False,
        help_text="Needed for an entry or exit score; leave blank for a routine test.",
    )
    score = forms.CharField(
        label="Score",
        max_length=20,
        help_text="A reading or spelling age in months (7 years 4 months is 88).",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    date = date_field("Date of the test")
    test_name = line_field("Test name (optional)", 100, help_text="e.g. Spelling test, week 6")
    note = line_field("Note (optional)", 500)
    aliases = {"measure_id": "measure", "provision_id": "provision"}

    def __init__(self, *args, measures, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "Choose…")] + [(m.pk, m.name) for m in measures]
        self.fields["provision"].choices = [("", "None (a routine test)")] + [
            (p.pk, f"{p.title} ({p.measure.name})") for p in interventions
        ]
        self.fields["date"].initial = timezone.localdate()


class AmendForm(forms.Form):
    score = forms.CharField(
        label="Score", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    date = date_field("Date of the test")
    note = line_field("Note (optional)", 500)
    reason = line_field("Why is it being corrected?", 300)


class MeasureForm(forms.Form):
    name = line_field("Name", 100, help_text="e.g. Single Word Reading Test (standardised)")
    kind = forms.ChoiceField(label="Kind", choices=Measure.Kind.choices)
    higher_is_better = forms.BooleanField(
        label="A higher score is better", required=False, initial=True
    )
    min_score = forms.CharField(label="Lowest possible score", max_length=20)
    max_score = forms.CharField(label="Highest possible score", max_length=20)
    exit_score = forms.CharField(
        label="Exit criterion (optional)",
        max_length=20,
        required=False,
        help_text="A score at or beyond this means the pupil no longer needs the intervention.",
    )
    active = forms.BooleanField(label="In use", required=False, initial=True)


class ProvisionMeasureForm(forms.Form):
    measure = forms.ChoiceField(label="Measure", required=False)

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "No measure")] + [(m.pk, m.name) for m in measures]


class ScaleForm(forms.Form):
    levels = text_field(
        "Levels, lowest first, one a line", help_text="3 to 7 levels.", rows=7, max_length=400
    )


class EngagementForm(forms.Form):
    """The observation: when, the activity, the outcomes; each area's level and note are
    fields named level_<area> and note_<area>, added per area below."""

    day = date_field("Date")
    time = time_field("Time")
    activity = line_field("Activity", 200, help_text="What the pupil was doing, e.g. sensory tray")
    outcomes = forms.MultipleChoiceField(
        label="EHC plan outcomes this is evidence for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, scale, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["day"].initial = now.date()
        self.fields["time"].initial = now.strftime("%H:%M")
        self.fields["outcomes"].choices = [(o.pk, o.text) for o in outcomes]
        levels = [("", "Not seen this time")] + [
            (str(i), f"{i} — {name}") for i, name in enumerate(scale, start=1)
        ]
        self.areas = []
        for area, label in EngagementArea.choices:
            self.fields[f"level_{area}"] = forms.ChoiceField(
                label=f"{label}: how established",
                choices=levels,
                required=False,
                widget=forms.RadioSelect,
                help_text=AREA_HINTS[area],
            )
            self.fields[f"note_{area}"] = text_field(f"{label}: what was seen", rows=2,
                                                     max_length=2000)  # fmt: skip
            self.fields[f"note_{area}"].required = False
            self.areas.append((label, self[f"level_{area}"], self[f"note_{area}"]))

    def service_error_field(self, key):
        """'areas.2.level' -> the field of the third area sent."""
        parts = key.split(".")
        if parts[0] != "areas" or len(parts) < 2:
            return {"observed_at": "day", "outcome_ids": "outcomes"}.get(key)
        sent = getattr(self, "sent_areas", [])
        index = int(parts[1]) if parts[1].isdigit() else -1
        if not 0 <= index < len(sent):
            return None
        field = "note" if parts[-1] == "note" else "level"
        return f"{field}_{sent[index]}"

    def areas_sent(self) -> list[dict]:
        data = self.cleaned_data
        areas = []
        for area in EngagementArea.values:
            level = data.get(f"level_{area}")
            note = data.get(f"note_{area}") or ""
            if level or note:
                areas.append({"area": area, "level": int(level) if level else None, "note": note})
        self.sent_areas = [a["area"] for a in areas]
        return areas


class RoutineGroupForm(forms.Form):
    """A routine test for a group: the measure, the date, the test's name; a score per
    pupil comes as score_<pupil id>."""

    measure = forms.ChoiceField(label="Test")
    date = date_field("Date of the test")
    test_name = line_field("Test name (optional)", 100, help_text="e.g. Spelling test, week 6")

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "Choose…")] + [(m.pk, m.name) for m in measures]
        self.fields["date"].initial = timezone.localdate()
