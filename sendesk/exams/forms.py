"""Forms for the exam pages. They parse what was typed; the rules live in exams.services,
whose ServiceError messages are put back beside the fields."""

import uuid

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field, line_field, text_field, time_field

from .models import Allocation, Arrangement


class ArrangementForm(forms.Form):
    kind = forms.ChoiceField(
        label="Arrangement", choices=[("", "Choose")] + Arrangement.Kind.choices, required=False
    )
    extra_time_percent = forms.IntegerField(
        label="Extra time (%)", required=False, min_value=1, max_value=100,
        help_text="Extra time only: 25 for 25 %.",
        error_messages={"invalid": "Give a whole number, like 25."},
    )  # fmt: skip
    details = line_field("Details", 300, "For example: enlarged A3 papers; a break each half hour.")
    assessor = line_field("Assessed by", 150, "Name and role, e.g. J. Patel, specialist teacher.")
    assessed_on = date_field("Date of the assessment")
    evidence = text_field("What the assessment found", "Scores, observations, the need it meets.")
    start = date_field("Applies from", "Today when left empty.")

    def arrangement_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["start"] = data.get("start") or None
        return data


class EndForm(forms.Form):
    end_reason = line_field("Why it ends", 300)


class UseForm(forms.Form):
    """The TA's quick record: used today (or a day they name), where, in which session."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    date = date_field("Day")
    context = line_field("Where", 200, "For example: maths lesson, spelling test.")
    session = forms.ChoiceField(label="In a recorded session", required=False)

    aliases = {"session_id": "session"}

    def __init__(self, *args, sessions=(), prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["session"].choices = [("", "No session: in class")] + list(sessions)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())
            self.initial.setdefault("date", timezone.localdate())

    def use_data(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data.get("date") or None,
            "context": data.get("context") or "",
            "session_id": data.get("session") or None,
            "client_id": data.get("client_id") or None,
        }


class WithdrawForm(forms.Form):
    reason = line_field("Why withdraw it", 300)


class SessionForm(forms.Form):
    title = line_field("Paper", 120, "For example: Practice SATs: English reading.")
    series = line_field("Series", 120, "For example: Practice SATs, autumn.")
    date = date_field("Date")
    start = time_field("Starts at")
    end = time_field(
        "Ends at", help_text="Without extra time: each candidate's own finish is worked out."
    )
    rooms = text_field("Rooms", "One a line, e.g. Hall, Library.", rows=3, max_length=2000)

    def session_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["rooms"] = (data.get("rooms") or "").splitlines()
        return data


class RoomForm(forms.Form):
    name = line_field("Room", 80)


class SeatForm(forms.Form):
    pupils = forms.MultipleChoiceField(
        label="Pupils", required=False, widget=forms.CheckboxSelectMultiple
    )
    room = forms.ChoiceField(label="Room", required=False)

    aliases = {"pupil_ids": "pupils", "room_id": "room"}

    def __init__(self, *args, pupils, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = [
            (str(p.pk), f"{p.name} ({p.year_group.name if p.year_group_id else 'no year'})")
            for p in pupils
        ]
        self.fields["pupils"].error_messages["invalid_choice"] = "Choose pupils from the list."
        self.fields["room"].choices = [("", "Choose")] + [(str(r.pk), r.name) for r in rooms]

    def seat_data(self) -> dict:
        data = self.cleaned_data
        return {"pupil_ids": list(data.get("pupils") or []), "room_id": data.get("room") or None}


class AllocationForm(forms.Form):
    staff = forms.ChoiceField(label="Adult", required=False)
    role = forms.ChoiceField(
        label="As", choices=[("", "Choose")] + Allocation.Role.choices, required=False
    )
    room = forms.ChoiceField(label="Room", required=False)
    pupil = forms.ChoiceField(label="For (reader, scribe or prompter)", required=False)
    confirm_reason = line_field(
        "Reason, if this leaves a pupil's 1:1 without an adult", 300,
        "Only when the page says so: it is recorded with the allocation.",
    )  # fmt: skip

    aliases = {"staff_id": "staff", "room_id": "room", "pupil_id": "pupil"}

    def __init__(self, *args, staff, rooms, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "Choose")] + [
            (str(u.pk), u.full_name or u.email) for u in staff
        ]
        self.fields["room"].choices = [("", "Choose")] + [(str(r.pk), r.name) for r in rooms]
        self.fields["pupil"].choices = [("", "Nobody: invigilating")] + [
            (str(p.pk), p.name) for p in candidates
        ]

    def allocation_data(self) -> dict:
        data = self.cleaned_data
        staff = data.get("staff") or ""
        return {
            "staff_id": int(staff) if staff.isdigit() else None,
            "role": data.get("role") or None,
            "room_id": data.get("room") or None,
            "pupil_id": data.get("pupil") or None,
            "confirm_reason": data.get("confirm_reason") or "",
        }
