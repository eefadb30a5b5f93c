"""Forms for behaviour pages. They only parse what was typed (dates, times, numbers, ids);
the rules live in behaviour.services, whose ServiceError keys are put back beside the
fields here. Fields are optional so that the service's message is the one people see."""

import datetime as dt
import re
import uuid

from django import forms
from django.utils import timezone

from sendesk.lib.forms import (
    CheckedChoiceField,
    date_field,
    line_field,
    text_field,
    time_field,
)

from .models import Effectiveness, Incident, InterventionStaff, ParentNotification
from .models import RestrictiveIntervention as RI
from .services import Use

EFFECTIVENESS_CHOICES = [("", "Not used"), *Effectiveness.choices]
TEXTAREA = {"rows": 3}


def _chips(label, choices, **kw):
    return CheckedChoiceField(
        label=label, choices=choices, required=False, widget=forms.RadioSelect, **kw
    )


def _when(date, time):
    """An aware datetime from a date and a time in school time, or None."""
    if date is None or time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(date, time))


# --- The IBP -------------------------------------------------------------------------------


class BehaviourPlanForm(forms.Form):
    triggers = text_field("Triggers", "What tends to lead to difficult moments.", max_length=4000)
    early_signs = text_field("Early signs", "What adults notice first.", max_length=4000)
    avoid = text_field("What to avoid", "What makes things worse.", max_length=4000)


class StrategyForm(forms.Form):
    text = forms.CharField(
        label="Agreed strategy",
        required=False,
        max_length=300,
        help_text="Written so a cover adult can use it straight away.",
    )


class StrategyEditForm(StrategyForm):
    order = forms.IntegerField(
        label="Order", required=False, error_messages={"invalid": "The order is a number."}
    )


# --- How well strategies worked --------------------------------------------------------------


def strategy_field(strategy):
    return _chips(f"“{strategy.text}”: used? How well did it work?", EFFECTIVENESS_CHOICES)


class StrategyUsesMixin:
    """Chips per agreed strategy, named strategy_<id>; `uses()` lists the ones answered."""

    def add_strategy_fields(self, strategies):
        self.strategies = list(strategies)
        for strategy in self.strategies:
            self.fields[f"strategy_{strategy.pk}"] = strategy_field(strategy)
        self.sent_strategy_fields: list[str] = []

    def strategy_bound_fields(self):
        return [self[f"strategy_{s.pk}"] for s in self.strategies]

    def uses(self) -> list[Use]:
        uses, self.sent_strategy_fields = [], []
        for strategy in self.strategies:
            name = f"strategy_{strategy.pk}"
            value = self.cleaned_data.get(name)
            if value:
                uses.append(Use(strategy_id=strategy.pk, effectiveness=value))
                self.sent_strategy_fields.append(name)
        return uses

    def strategy_field_for(self, key):
        match = re.match(r"^strategies\.(\d+)\.", key)
        if match and int(match[1]) < len(self.sent_strategy_fields):
            return self.sent_strategy_fields[int(match[1])]
        return None


# --- Incidents -------------------------------------------------------------------------------


class IncidentFields(forms.Form):
    kind = _chips("What are you recording?", Incident.Kind.choices)
    date = date_field("Date")
    time = time_field("Time")
    severity = _chips(
        "How serious? (concerns only)", [("", "Not rated"), *Incident.Severity.choices]
    )
    location = line_field("Where", 100, "Classroom, playground, corridor …")
    lesson = line_field("Lesson or time of day", 100, "Maths, lunch, transition …")
    antecedent = text_field("What happened before", "What led up to it: the trigger, if known.")
    behaviour = text_field(
        "What happened",
        "What the pupil did, in plain words (for a recognition: what they achieved).",
        rows=4,
    )
    response = text_field("How adults responded")
    outcome = text_field("Outcome")
    injuries = text_field("Injuries", "To anyone. Leave empty if none.", rows=2)
    follow_up = text_field("Follow-up", "Who needs to know, what happens next.", rows=2)
    others_involved = line_field(
        "Other people involved", 300, "Name other pupils by initials: this is this pupil's record."
    )
    staff_present = forms.MultipleChoiceField(
        label="Staff present", required=False, widget=forms.CheckboxSelectMultiple
    )

    aliases = {"occurred_at": "time"}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_present"].choices = [(str(u.pk), u.full_name) for u in staff]

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date it happened.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time it happened.")
        return data

    def incident_data(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"] or ""
        values = {
            name: data[name]
            for name in (
                "location",
                "lesson",
                "antecedent",
                "behaviour",
                "response",
                "outcome",
                "injuries",
                "follow_up",
                "others_involved",
            )
        }
        values.update(
            kind=kind,
            # A recognition has no severity: chips left over from the concern half are dropped.
            severity=None if kind == Incident.Kind.POSITIVE else (data["severity"] or None),
            occurred_at=_when(data["date"], data["time"]),
            staff_present=[int(pk) for pk in data["staff_present"]],
        )
        return values


class IncidentForm(StrategyUsesMixin, IncidentFields):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form is missing its id: reload the page.",
            "invalid": "The form's id is damaged: reload the page.",
        },
    )

    def __init__(self, *args, staff, strategies, actor, **kwargs):
        now = timezone.localtime()
        kwargs.setdefault(
            "initial",
            {
                "client_id": uuid.uuid4(),
                "kind": Incident.Kind.CONCERN,
                "date": now.date(),
                "time": now.time().replace(second=0, microsecond=0),
                "staff_present": [str(actor.pk)],
            },
        )
        super().__init__(*args, staff=staff, **kwargs)
        self.add_strategy_fields(strategies)

    def service_error_field(self, key):
        return self.strategy_field_for(key)

    def service_kwargs(self) -> dict:
        return {
            "client_id": self.cleaned_data["client_id"],
            **self.incident_data(),
            "strategies": self.uses(),
        }


def _same_minute(recorded, wanted):
    """The form shows times to the minute: an unchanged minute keeps the recorded seconds,
    so correcting something else does not rewrite the time."""
    if wanted is not None and recorded is not None:
        if timezone.localtime(recorded).replace(second=0, microsecond=0) == wanted:
            return recorded
    return wanted


class IncidentAmendForm(IncidentFields):
    reason = forms.CharField(
        label="Why is it being corrected?",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, incident, staff, **kwargs):
        self.incident = incident
        when = timezone.localtime(incident.occurred_at)
        initial = {
            name: getattr(incident, name)
            for name in (
                "kind",
                "location",
                "lesson",
                "antecedent",
                "behaviour",
                "response",
                "outcome",
                "injuries",
                "follow_up",
                "others_involved",
            )
        }
        initial.update(
            severity=incident.severity or "",
            date=when.date(),
            time=when.time().replace(second=0, microsecond=0),
            staff_present=[str(u.pk) for u in incident.staff_present.all()],
        )
        kwargs.setdefault("initial", initial)
        # Staff named on the record stay choosable even if they have since left, so a
        # correction of something else does not silently drop them.
        named = list(incident.staff_present.all())
        staff = list(staff) + [u for u in named if u not in staff]
        super().__init__(*args, staff=staff, **kwargs)

    def changes(self) -> dict:
        """Only what differs from the record, so the amendment lists exactly that."""
        wanted = self.incident_data()
        current = {name: getattr(self.incident, name) for name in wanted if name != "staff_present"}
        current["staff_present"] = sorted(u.pk for u in self.incident.staff_present.all())
        wanted["staff_present"] = sorted(wanted["staff_present"])
        wanted["occurred_at"] = _same_minute(current["occurred_at"], wanted["occurred_at"])
        if wanted["severity"] is not None:
            wanted["severity"] = (
                int(wanted["severity"]) if str(wanted["severity"]).isdigit() else wanted["severity"]
            )
        return {k: v for k, v in wanted.items() if current.get(k) != v}


# --- Restrictive interventions ------------------------------------------------------------------


class InterventionFields(forms.Form):
    kind = _chips("What was used?", RI.Kind.choices)
    date = date_field("Date")
    time = time_field("Start time")
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 600}),
        error_messages={"invalid": "Give the minutes as a whole number."},
    )
    location = line_field("Where", 100)
    before = text_field("What happened before")
    deescalation = text_field(
        "De-escalation tried", "What was tried first, and how the pupil responded."
    )
    holds = text_field(
        "Holds or kind of force used", "Name the holds (e.g. Team Teach) or the room used."
    )
    reason = text_field(
        "Why it was necessary", "The risk of harm to the pupil or others, or damage."
    )
    injuries_pupil = text_field("Injuries to the pupil", "Leave empty if none.", rows=2)
    injuries_staff = text_field("Injuries to staff or others", "Leave empty if none.", rows=2)
    support_after = text_field("Support given afterwards", rows=2)
    debrief = text_field(
        "Debrief", "With the pupil and the staff involved. Can be added later.", rows=2
    )
    debrief_on = date_field("Debrief date")

    aliases = {"started_at": "time"}

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date it happened.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time it started.")
        return data

    def intervention_data(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "location",
                "before",
                "deescalation",
                "holds",
                "reason",
                "injuries_pupil",
                "injuries_staff",
                "support_after",
                "debrief",
                "debrief_on",
            )
        }
        values.update(
            kind=data["kind"] or "",
            started_at=_when(data["date"], data["time"]),
            duration_minutes=data["duration_minutes"],
        )
        return values


TRAINING_WORDS = {
    "current": "positive handling: trained",
    "expired": "positive handling: training expired",
    "none": "positive handling: not trained",
}


class InterventionForm(InterventionFields):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form is missing its id: reload the page.",
            "invalid": "The form's id is damaged: reload the page.",
        },
    )

    def __init__(self, *args, staff, training, **kwargs):
        now = timezone.localtime()
        kwargs.setdefault(
            "initial",
            {
                "client_id": uuid.uuid4(),
                "date": now.date(),
                "time": now.time().replace(second=0, microsecond=0),
            },
        )
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        self.training = training
        for user in self.staff:
            self.fields[f"part_{user.pk}"] = forms.ChoiceField(
                label=user.full_name,
                required=False,
                choices=[("", "Not involved"), *InterventionStaff.Part.choices],
                help_text=TRAINING_WORDS[training.get(user.pk, "none")],
            )
        self.sent_staff: list[str] = []

    def staff_rows(self):
        return [
            {"field": self[f"part_{u.pk}"], "training": self.training.get(u.pk, "none")}
            for u in self.staff
        ]

    def service_error_field(self, key):
        match = re.match(r"^staff\.(\d+)", key)
        if match and int(match[1]) < len(self.sent_staff):
            return self.sent_staff[int(match[1])]
        return None

    def service_kwargs(self) -> dict:
        staff, self.sent_staff = [], []
        for user in self.staff:
            part = self.cleaned_data.get(f"part_{user.pk}")
            if part:
                staff.append((user.pk, part))
                self.sent_staff.append(f"part_{user.pk}")
        return {
            "client_id": self.cleaned_data["client_id"],
            **self.intervention_data(),
            "staff": staff,
        }


class InterventionAmendForm(InterventionFields):
    reason_for_change = forms.CharField(
        label="Why is it being corrected?",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    aliases = {"started_at": "time", "amendment_reason": "reason_for_change"}
    TEXT = (
        "kind",
        "duration_minutes",
        "location",
        "before",
        "deescalation",
        "holds",
        "reason",
        "injuries_pupil",
        "injuries_staff",
        "support_after",
        "debrief",
        "debrief_on",
    )

    def __init__(self, *args, intervention, **kwargs):
        self.intervention = intervention
        when = timezone.localtime(intervention.started_at)
        initial = {name: getattr(intervention, name) for name in self.TEXT}
        initial.update(date=when.date(), time=when.time().replace(second=0, microsecond=0))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        wanted = self.intervention_data()
        if "started_at" in wanted:
            wanted["started_at"] = _same_minute(self.intervention.started_at, wanted["started_at"])
        return {k: v for k, v in wanted.items() if getattr(self.intervention, k) != v}


class NotificationForm(forms.Form):
    date = date_field("Date they were told")
    time = time_field("Time")
    method = _chips("How", ParentNotification.Method.choices)
    contact_name = line_field(
        "Who was told", 150, "Their name, e.g. the parent or carer you spoke to."
    )
    note = text_field("Note", "What they were told, questions they asked.", rows=2, max_length=2000)

    aliases = {"notified_at": "time"}

    def __init__(self, *args, contacts=(), **kwargs):
        now = timezone.localtime()
        kwargs.setdefault(
            "initial", {"date": now.date(), "time": now.time().replace(second=0, microsecond=0)}
        )
        super().__init__(*args, **kwargs)
        self.contacts = list(contacts)
        if self.contacts:
            self.fields["contact_name"].widget.attrs["list"] = "contact-names"

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date they were told.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time they were told.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "notified_at": _when(data["date"], data["time"]),
            "method": data["method"] or "",
            "contact_name": data["contact_name"],
            "note": data["note"],
        }


class SessionStrategiesForm(forms.Form):
    """After a session: per pupil of the session (with an active IBP), how well each
    agreed strategy not yet reported for this session worked."""

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts  # [(session_pupil, [strategy, ...])]
        for sp, strategies in parts:
            for strategy in strategies:
                self.fields[f"sp{sp.pk}_s{strategy.pk}"] = strategy_field(strategy)

    def rows(self):
        return [
            {"sp": sp, "fields": [self[f"sp{sp.pk}_s{s.pk}"] for s in strategies]}
            for sp, strategies in self.parts
        ]

    def uses_by_pupil(self):
        out = []
        for sp, strategies in self.parts:
            uses = [
                Use(strategy_id=s.pk, effectiveness=self.cleaned_data[f"sp{sp.pk}_s{s.pk}"])
                for s in strategies
                if self.cleaned_data.get(f"sp{sp.pk}_s{s.pk}")
            ]
            if uses:
                out.append((sp, uses))
        return out
