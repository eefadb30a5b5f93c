"""Forms for the medication pages. They only parse what was typed (dates, times, numbers,
ids); the rules live in medication.services, whose messages are put back beside the fields.
Fields are optional so that the service's message is the one people see."""

import datetime as dt
import uuid

from django import forms
from django.utils import timezone

from sendesk.lib.forms import (
    CheckedChoiceField,
    TimeInput,
    date_field,
    line_field,
    text_field,
)
from sendesk.staff.models import Training

from .models import Administration, Medicine
from .services import MEDICATION_TRAINING, parse_times

WHOLE = {"invalid": "Give a whole number."}


def _number(label, help_text="", **attrs):
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        error_messages=WHOLE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **attrs}),
    )


# --- Giving a dose -----------------------------------------------------------------------


class DoseForm(forms.Form):
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    due_at = forms.CharField(required=False, widget=forms.HiddenInput)
    outcome = CheckedChoiceField(
        label="What happened?",
        choices=Administration.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    dose = line_field("Dose", 60)
    date = date_field("Date")
    time = forms.TimeField(
        label="Time",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Give the time as hours and minutes, like 12:05."},
    )
    witness = CheckedChoiceField(label="Witness", required=False)
    reason = line_field(
        "Why refused or not given", 300, "Needed when the dose was refused or not given."
    )
    reactions = text_field(
        "Reactions or anything noticed", "Leave empty if none.", rows=2, max_length=4000
    )

    aliases = {"given_at": "time", "witness_id": "witness", "medicine_id": None}

    def __init__(self, *args, medicine, staff, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.medicine = medicine
        self.fields["witness"].choices = [("", "No witness")] + [
            (str(u.pk), u.full_name) for u in staff if u.pk != actor.pk
        ]
        if medicine.controlled:
            self.fields[
                "witness"
            ].help_text = (
                "A controlled drug: a second member of staff watches the dose and is named here."
            )
        else:
            self.fields["witness"].help_text = "Optional for this medicine."

    @classmethod
    def initial_for(cls, medicine, due_at=None):
        now = timezone.localtime()
        return {
            "client_id": uuid.uuid4(),
            "due_at": due_at.isoformat() if due_at else "",
            "outcome": Administration.Outcome.GIVEN,
            "dose": medicine.dose,
            "date": now.date(),
            "time": now.time().replace(second=0, microsecond=0),
        }

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date of the dose.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time of the dose.")
        raw = data.get("due_at") or ""
        data["due_at_value"] = None
        if raw:
            try:
                data["due_at_value"] = dt.datetime.fromisoformat(raw)
            except ValueError:
                self.add_error(
                    None, "The scheduled dose is not clear: open it again from the list."
                )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        given_at = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return {
            "client_id": data.get("client_id") or uuid.uuid4(),
            "medicine_id": self.medicine.pk,
            "given_at": given_at,
            "outcome": data.get("outcome") or "",
            "dose": data.get("dose") or "",
            "reason": data.get("reason") or "",
            "reactions": data.get("reactions") or "",
            "witness_id": data.get("witness") or None,
            "due_at": data.get("due_at_value"),
        }


YES_NO = [("yes", "Yes"), ("no", "No")]


class EmergencyForm(forms.Form):
    """An emergency dose: when, how many puffs or doses, what happened, and who was
    called. Yes/no questions have no default: the person answers them."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    date = date_field("Date")
    time = forms.TimeField(
        label="Time of the first puff or dose",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Give the time as hours and minutes, like 10:42."},
    )
    units = forms.IntegerField(
        label="How many puffs or doses were given",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "Give a whole number, like 6.",
            "min_value": "Give how many were given: at least 1.",
            "max_value": "At most 100 in one record.",
        },
    )
    what_happened = text_field(
        "What happened",
        "The signs, what you did and when, and how the child is now.",
        rows=4,
        max_length=4000,
    )
    called_999 = CheckedChoiceField(
        label="Was 999 called?", choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    parent_called = CheckedChoiceField(
        label="Was a parent or carer phoned?", choices=YES_NO, required=False,
        widget=forms.RadioSelect,
    )  # fmt: skip
    reactions = text_field(
        "Reactions or anything noticed", "Leave empty if none.", rows=2, max_length=4000
    )
    witness = CheckedChoiceField(label="Witness", required=False)

    aliases = {"given_at": "time", "witness_id": "witness", "medicine_id": None}

    def __init__(self, *args, medicine, staff=(), actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.medicine = medicine
        self.fields["witness"].choices = [("", "No witness")] + [
            (str(u.pk), u.full_name) for u in staff if actor is None or u.pk != actor.pk
        ]
        # Never a reason to refuse an emergency: a controlled drug given without a witness
        # is recorded and flagged for the SENCO.
        self.fields["witness"].help_text = (
            "A controlled drug: name the second member of staff who watched, if there was one."
            if medicine.controlled
            else "Optional for this medicine."
        )
        if medicine.emergency_limit:
            self.fields[
                "units"
            ].help_text = (
                f"The plan's limit in one emergency: {medicine.emergency_limit}, then call 999."
            )

    @classmethod
    def initial_for(cls):
        now = timezone.localtime()
        return {
            "client_id": uuid.uuid4(),
            "date": now.date(),
            "time": now.time().replace(second=0, microsecond=0),
        }

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date of the emergency.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time of the first puff or dose.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        answer = {"yes": True, "no": False}
        return {
            "client_id": data.get("client_id") or uuid.uuid4(),
            "given_at": timezone.make_aware(dt.datetime.combine(data["date"], data["time"])),
            "units": data.get("units"),
            "what_happened": data.get("what_happened") or "",
            "called_999": answer.get(data.get("called_999")),
            "parent_called": answer.get(data.get("parent_called")),
            "reactions": data.get("reactions") or "",
            "witness_id": data.get("witness") or None,
        }


class DoseAmendForm(forms.Form):
    outcome = CheckedChoiceField(
        label="What happened?",
        choices=Administration.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    dose = line_field("Dose", 60)
    time = forms.TimeField(
        label="Time",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Give the time as hours and minutes, like 12:05."},
    )
    reason = line_field("Why refused or not given", 300)
    reactions = text_field("Reactions or anything noticed", rows=2, max_length=4000)
    reason_for_change = line_field(
        "Why are you correcting it?", 300, "Kept with the correction, with your name."
    )

    aliases = {"given_at": "time"}

    def __init__(self, *args, record, **kwargs):
        self.record = record
        local = timezone.localtime(record.given_at)
        kwargs.setdefault(
            "initial",
            {
                "outcome": record.outcome,
                "dose": record.dose,
                "time": local.time().replace(second=0, microsecond=0),
                "reason": record.reason,
                "reactions": record.reactions,
            },
        )
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        data = self.cleaned_data
        out = {}
        for name in ("outcome", "dose", "reason", "reactions"):
            value = data.get(name) or ""
            if value != getattr(self.record, name):
                out[name] = value
        day = timezone.localtime(self.record.given_at).date()
        when = timezone.make_aware(dt.datetime.combine(day, data["time"]))
        if when != self.record.given_at.replace(second=0, microsecond=0):
            out["given_at"] = when
        return out

    def clean(self):
        data = super().clean()
        if data.get("time") is None and "time" not in self.errors:
            self.add_error("time", "Give the time of the dose.")
        return data


# --- Healthcare plans and medicines (SENCO, head) ----------------------------------------


class ConsentFields(forms.Form):
    consent_by = line_field("Consent given by", 150, "The parent or carer who signed.")
    consent_on = date_field("Consent given on")
    consent_document = line_field(
        "Consent form reference", 200, "Where the signed form is kept: 'Medical file, form 14'."
    )


class HealthcarePlanForm(ConsentFields):
    conditions = text_field("Medical condition(s)", "In plain words.", rows=2, max_length=4000)
    triggers = text_field("Triggers", max_length=4000)
    signs = text_field("Signs and symptoms", max_length=4000)
    daily_care = text_field("Daily care needs", max_length=4000)
    emergency = text_field("What to do in an emergency", rows=4, max_length=4000)
    who_to_call = text_field(
        "Who to call", "Names, roles and numbers, in order.", rows=3, max_length=4000
    )
    review_date = date_field("Review date")
    ehc_plan = CheckedChoiceField(label="Linked EHC plan", required=False)
    active = forms.BooleanField(label="In force", required=False)

    field_order = [
        "conditions", "triggers", "signs", "daily_care", "emergency", "who_to_call",
        "review_date", "ehc_plan", "consent_by", "consent_on", "consent_document", "active",
    ]  # fmt: skip

    def __init__(self, *args, ehc_plans, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ehc_plans = {str(p.pk): p for p in ehc_plans}
        self.fields["ehc_plan"].choices = [("", "None")] + [(str(p.pk), p.title) for p in ehc_plans]
        if not editing:
            del self.fields["active"]

    def clean_ehc_plan(self):
        raw = self.cleaned_data.get("ehc_plan")
        if raw and raw not in self.ehc_plans:
            raise forms.ValidationError("Choose this pupil's EHC plan, or none.")
        return self.ehc_plans.get(raw) if raw else None

    def data_for_service(self) -> dict:
        return dict(self.cleaned_data)


TRAINING_CHOICES = [(k, Training.Kind(k).label) for k in MEDICATION_TRAINING]


class MedicineForm(ConsentFields):
    name = line_field("Medicine", 150, "As on the pharmacy label.")
    form = CheckedChoiceField(label="Form", required=False, choices=[("", "Choose…")])
    strength = line_field("Strength", 60, "'100 micrograms per puff', '10 mg'.")
    dose = line_field("Dose", 60, "As on the label: '2 puffs', '5 ml'.")
    dose_units = _number("Units a dose uses", "Puffs, tablets or doses taken from stock.")
    route = CheckedChoiceField(label="How it is given", required=False, choices=[("", "Choose…")])
    times = line_field("Fixed times", 100, "24-hour clock, separated by commas: 08:00, 12:15.")
    as_needed = forms.BooleanField(label="As needed (PRN)", required=False)
    as_needed_when = line_field("When to give it (as needed)", 200, "The signs to look for.")
    min_interval_minutes = _number("Least minutes between doses", "240 for four hours.")
    max_per_24h = _number("Most doses in 24 hours")
    storage = line_field("Where it is kept", 150)
    expiry_date = date_field("Expiry date")
    stock = _number("Units held now", "Puffs, tablets or doses.")
    low_stock_at = _number("Warn when stock is at or below")
    controlled = forms.BooleanField(
        label="Controlled drug (a second adult witnesses each dose)", required=False
    )
    training = CheckedChoiceField(label="Training needed to give it", required=False)
    healthcare_plan = CheckedChoiceField(label="Healthcare plan", required=False)
    emergency_use = forms.BooleanField(
        label="May be given in an emergency (as the healthcare plan says)", required=False
    )
    emergency_dose = line_field(
        "Emergency dose", 200, "As the plan says: '1 puff every 30 to 60 seconds, up to 10'."
    )
    emergency_limit = _number(
        "Most puffs or doses in one emergency", "Past this, staff must call 999: e.g. 10."
    )

    field_order = [
        "name", "form", "strength", "dose", "dose_units", "route", "times", "as_needed",
        "as_needed_when", "min_interval_minutes", "max_per_24h", "storage", "expiry_date",
        "stock", "low_stock_at", "controlled", "training", "healthcare_plan",
        "emergency_use", "emergency_dose", "emergency_limit",
        "consent_by", "consent_on", "consent_document",
    ]  # fmt: skip

    def __init__(self, *args, healthcare_plans, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices += Medicine.Form.choices
        self.fields["route"].choices += Medicine.Route.choices
        self.fields["training"].choices = TRAINING_CHOICES
        self.plans = {str(p.pk): p for p in healthcare_plans}
        self.fields["healthcare_plan"].choices = [("", "None")] + [
            (str(p.pk), str(p.conditions)[:60]) for p in healthcare_plans
        ]
        if editing:
            del self.fields["stock"]

    @staticmethod
    def initial_from(medicine) -> dict:
        initial = {name: getattr(medicine, name) for name in MedicineForm.base_fields}
        initial.pop("stock", None)
        initial["times"] = ", ".join(medicine.times)
        initial["healthcare_plan"] = (
            str(medicine.healthcare_plan_id) if medicine.healthcare_plan_id else ""
        )
        return initial

    def clean_healthcare_plan(self):
        raw = self.cleaned_data.get("healthcare_plan")
        if raw and raw not in self.plans:
            raise forms.ValidationError("Choose one of this pupil's healthcare plans, or none.")
        return self.plans.get(raw) if raw else None

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["times"] = parse_times(data.get("times") or "")
        if data.get("dose_units") is None:
            data["dose_units"] = 1
        if data.get("low_stock_at") is None:
            data["low_stock_at"] = 10
        return data


class StockForm(forms.Form):
    quantity = _number("Units received", "Puffs, tablets or doses in the new supply.")
    expiry_date = date_field(
        "Expiry date of the new supply", "Leave empty to keep the current one."
    )
    note = line_field("Note", 300, "Who brought it, the pharmacy label, anything else.")


class StopForm(forms.Form):
    reason = line_field("Why is it stopped?", 300)
