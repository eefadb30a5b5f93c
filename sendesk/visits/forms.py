"""Forms for the trip pages. They parse what was typed; the rules live in visits.services,
whose ServiceError messages are put back beside the fields."""

import datetime as dt
import uuid

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field, line_field, text_field, time_field
from sendesk.medication.models import Administration


class TripForm(forms.Form):
    date = date_field("Date")
    start = time_field("Leaves at")
    end = time_field("Back by")
    destination = line_field("Destination", 200, "Where the trip is going.")
    pupils = forms.MultipleChoiceField(
        label="Pupils going", required=False, widget=forms.CheckboxSelectMultiple
    )
    staff = forms.MultipleChoiceField(
        label="Adults going", required=False, widget=forms.CheckboxSelectMultiple
    )
    changing_facilities = forms.BooleanField(
        label="The destination has accessible changing facilities", required=False
    )
    hoist_available = forms.BooleanField(label="A hoist is available there", required=False)

    aliases = {"pupil_ids": "pupils", "staff_ids": "staff"}

    def __init__(self, *args, pupils, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = [
            (str(p.pk), f"{p.name} ({p.year_group.name if p.year_group_id else 'no year'})")
            for p in pupils
        ]
        self.fields["staff"].choices = [(str(u.pk), u.full_name) for u in staff]
        self.fields["pupils"].error_messages["invalid_choice"] = "Choose pupils from the list."
        self.fields["staff"].error_messages["invalid_choice"] = "Choose adults from the list."

    def trip_data(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data.get("date"),
            "start": data.get("start"),
            "end": data.get("end"),
            "destination": data.get("destination"),
            "pupil_ids": list(data.get("pupils") or []),
            "staff_ids": [int(i) for i in data.get("staff") or []],
            "changing_facilities": data.get("changing_facilities", False),
            "hoist_available": data.get("hoist_available", False),
        }


class TripDoseForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    medicine = forms.ChoiceField(label="Medicine", required=False)
    time = time_field("Time given")
    outcome = forms.ChoiceField(
        label="What happened",
        choices=Administration.Outcome.choices,
        initial=Administration.Outcome.GIVEN,
        required=False,
        widget=forms.RadioSelect,
    )
    dose = line_field("Dose", 60, "As the label says.")
    reason = line_field("Why refused or not given", 300)
    reactions = text_field("Reactions", rows=2)
    witness = forms.ChoiceField(
        label="Witness", required=False, help_text="Needed for a controlled drug."
    )

    aliases = {"medicine_id": "medicine", "given_at": "time", "witness_id": "witness"}

    def __init__(self, *args, to_take, day, witnesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self.fields["witness"].choices = [("", "Nobody")] + [
            (str(u.pk), u.full_name) for u in witnesses
        ]
        self.fields["medicine"].choices = [("", "Choose")] + [
            (str(t.medicine.pk), f"{t.pupil.name}: {t.medicine.name} {t.medicine.strength}")
            for t in to_take
        ]
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())
            self.initial.setdefault("time", timezone.localtime().strftime("%H:%M"))

    def clean(self):
        data = super().clean()
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time of the dose.")
        if "medicine" not in self.errors and not data.get("medicine"):
            self.add_error("medicine", "Choose the medicine.")
        return data

    def dose_data(self) -> dict:
        data = self.cleaned_data
        return {
            "client_id": data.get("client_id") or uuid.uuid4(),
            "medicine_id": data["medicine"],
            "given_at": timezone.make_aware(dt.datetime.combine(self.day, data["time"])),
            "outcome": data.get("outcome") or "",
            "dose": data.get("dose") or "",
            "reason": data.get("reason") or "",
            "reactions": data.get("reactions") or "",
            "witness_id": int(data["witness"]) if data.get("witness") else None,
        }
