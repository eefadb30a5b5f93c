"""Forms for the care pages. They only parse what was typed (dates, times, numbers, ids);
the rules live in care.services, whose ServiceError messages are put back beside the fields.
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

from .models import CarePlan, Equipment


def staff_choices(staff, *, exclude=None, blank="Nobody else"):
    return [("", blank)] + [(str(u.pk), u.full_name) for u in staff if u.pk != exclude]


# --- The quick log --------------------------------------------------------------------------


class CareEventFields(forms.Form):
    date = date_field("Date")
    time = forms.TimeField(
        label="Time",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Give the time as hours and minutes, like 11:20."},
    )
    kind = line_field(
        "What was done",
        30,
        "e.g. pad change, hoist transfer",
    )
    second_staff = CheckedChoiceField(label="Second member of staff", required=False)
    observations = text_field(
        "Observations", "Skin condition, anything unusual. Leave empty if nothing to note.", rows=2
    )
    products_used = line_field("Products used", 200, "Pads, wipes, cream, feed …")
    note = text_field("Note", rows=2)

    aliases = {"occurred_at": "time", "second_staff_id": "second_staff"}

    def __init__(self, *args, staff, recorder_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_staff"].choices = staff_choices(staff, exclude=recorder_id)

    def clean(self):
        data = super().clean()
        if "date" not in self.errors and data.get("date") is None:
            self.add_error("date", "Give the date the care was given.")
        if "time" not in self.errors and data.get("time") is None:
            self.add_error("time", "Give the time the care was given.")
        return data

    def event_data(self) -> dict:
        data = self.cleaned_data
        second = data.get("second_staff") or None
        return {
            "occurred_at": timezone.make_aware(dt.datetime.combine(data["date"], data["time"])),
            "kind": data["kind"],
            "second_staff_id": second,
            "observations": data["observations"],
            "products_used": data["products_used"],
            "note": data["note"],
        }


class CareLogForm(CareEventFields):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form is missing its id: reload the page.",
            "invalid": "The form's id is damaged: reload the page.",
        },
    )

    kind_pick = CheckedChoiceField(label="What was done", required=False, widget=forms.RadioSelect)
    gender_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, suggestions=(), gender_rule="", **kwargs):
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
        self.suggestions = list(suggestions)
        if self.suggestions:
            # One tap for the usual; the text box for anything else.
            self.fields["kind_pick"].choices = [(s, s) for s in self.suggestions]
            self.fields["kind"].label = "Or type what was done"
            self.fields["kind"].help_text = ""
            self.aliases = {**self.aliases, "kind": "kind_pick"}
        else:
            del self.fields["kind_pick"]
        if gender_rule:
            # Asked only where the plan has a rule; the service says when it is needed.
            self.fields[
                "gender_confirmed"
            ].label = f"I confirm the care was given by {gender_rule} staff only"
            self.fields[
                "gender_confirmed"
            ].help_text = "Needed when the school has not recorded this for the staff named."
        else:
            del self.fields["gender_confirmed"]

    def event_data(self) -> dict:
        data = super().event_data()
        if not data["kind"]:
            data["kind"] = self.cleaned_data.get("kind_pick") or ""
        return data

    def service_kwargs(self) -> dict:
        return {
            "client_id": self.cleaned_data["client_id"],
            "gender_confirmed": bool(self.cleaned_data.get("gender_confirmed")),
            **self.event_data(),
        }


class CareEventAmendForm(CareEventFields):
    gender_confirmed = forms.BooleanField(required=False)
    reason = forms.CharField(
        label="Why is it being corrected?",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, event, staff, **kwargs):
        self.event = event
        when = timezone.localtime(event.occurred_at)
        kwargs.setdefault(
            "initial",
            {
                "date": when.date(),
                "time": when.time().replace(second=0, microsecond=0),
                "kind": event.kind,
                "second_staff": str(event.second_staff_id or ""),
                "observations": event.observations,
                "products_used": event.products_used,
                "note": event.note,
            },
        )
        # The second person named on the record stays choosable even if they have left.
        staff = list(staff)
        if event.second_staff is not None and event.second_staff not in staff:
            staff.append(event.second_staff)
        super().__init__(*args, staff=staff, recorder_id=event.by_id, **kwargs)
        rule = {CarePlan.Gender.FEMALE: "female", CarePlan.Gender.MALE: "male"}.get(
            event.care_plan.gender_preference
        )
        if rule:
            # As on the log: naming a second adult the school has recorded nothing for
            # needs the person correcting to confirm the plan's rule was kept.
            field = self.fields["gender_confirmed"]
            field.label = f"I confirm the care was given by {rule} staff only"
            field.help_text = (
                "Needed when the school has not recorded this for the second adult named."
            )
        else:
            del self.fields["gender_confirmed"]

    def changes(self) -> dict:
        """Only what differs from the record, so the amendment lists exactly that (and the
        confirmation of the plan's female/male rule, when ticked, for the service to
        store with the correction)."""
        wanted = self.event_data()
        second = wanted.pop("second_staff_id")
        try:
            wanted["second_staff_id"] = int(second) if second else None
        except ValueError:
            wanted["second_staff_id"] = second
        recorded = timezone.localtime(self.event.occurred_at)
        if recorded.replace(second=0, microsecond=0) == wanted["occurred_at"]:
            wanted["occurred_at"] = self.event.occurred_at
        changed = {k: v for k, v in wanted.items() if getattr(self.event, k) != v}
        if self.cleaned_data.get("gender_confirmed"):
            changed["gender_confirmed"] = True
        return changed


# --- Care plans -------------------------------------------------------------------------------


def _training_choices():
    return [("", "The usual training for this kind of care"), *Training.Kind.choices]


class CarePlanForm(forms.Form):
    kind = CheckedChoiceField(
        label="Kind of care", choices=[("", "Choose …"), *CarePlan.Kind.choices]
    )
    title = line_field("Title", 150, "Short, e.g. 'Toileting support'.")
    routine = text_field("Routine", "What is done, how, when, and what the pupil prefers.", rows=4)
    staff_required = CheckedChoiceField(
        label="Staff needed",
        choices=[("1", "1"), ("2", "2"), ("3", "3")],
        widget=forms.RadioSelect,
    )
    gender_preference = CheckedChoiceField(
        label="Gender of staff", choices=CarePlan.Gender.choices, widget=forms.RadioSelect
    )
    training = CheckedChoiceField(
        label="Training staff need",
        help_text="Moving and handling needs moving and handling training; intimate care, "
        "intimate care training; gastrostomy feeding, its own.",
    )
    transfers = text_field(
        "Transfers (moving and handling)", "Which transfers, how, with which equipment.", rows=3
    )
    sling_size = line_field("Sling size", 20)
    equipment = forms.MultipleChoiceField(
        label="Equipment", required=False, widget=forms.CheckboxSelectMultiple
    )
    review_date = date_field("Review date")
    consent_by = line_field("Consent given by", 150, "The parent or carer who signed.")
    consent_on = date_field("Consent given on")
    consent_document = line_field(
        "Consent form reference",
        200,
        "Where the signed form is kept, e.g. 'Medical file, form 14'.",
    )

    def __init__(self, *args, equipment, plan=None, **kwargs):
        self.plan = plan
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        name: getattr(plan, name)
                        for name in (
                            "kind",
                            "title",
                            "routine",
                            "gender_preference",
                            "training",
                            "transfers",
                            "sling_size",
                            "review_date",
                            "consent_by",
                            "consent_on",
                            "consent_document",
                            "active",
                        )
                    },  # fmt: skip
                    "staff_required": str(plan.staff_required),
                    "equipment": [str(e.pk) for e in plan.equipment.all()],
                },
            )
        else:
            kwargs.setdefault("initial", {"staff_required": "1", "gender_preference": "any"})
        super().__init__(*args, **kwargs)
        self.fields["training"].choices = _training_choices()
        self.fields["equipment"].choices = [
            (str(e.pk), f"{e.name} ({e.get_kind_display().lower()})") for e in equipment
        ]
        if plan is not None:
            self.fields["active"] = forms.BooleanField(
                label="In use (untick when the plan is no longer needed)", required=False
            )

    def plan_data(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "kind", "title", "routine", "gender_preference", "training", "transfers",
                "sling_size", "review_date", "consent_by", "consent_on", "consent_document",
            )
        }  # fmt: skip
        staff = data.get("staff_required") or ""
        values["staff_required"] = int(staff) if staff.isdigit() else staff
        if "active" in self.fields:
            values["active"] = bool(data.get("active"))
        return values

    def equipment_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["equipment"]]


# --- Equipment --------------------------------------------------------------------------------


class EquipmentForm(forms.Form):
    kind = CheckedChoiceField(label="Kind", choices=[("", "Choose …"), *Equipment.Kind.choices])
    name = line_field("Name", 150, "So staff can find it: 'Ceiling hoist, hygiene room'.")
    serial = line_field("Serial number", 60)
    location = line_field("Where it is", 100)
    last_inspected = date_field("Last inspected on")
    inspection_months = forms.IntegerField(
        label="Inspect every (months)",
        required=False,
        help_text="Leave empty for the usual: hoists and slings every 6 months, others yearly.",
        error_messages={"invalid": "Give a whole number of months."},
    )
    pupil = CheckedChoiceField(label="Belongs to one pupil", required=False)

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils = {str(p.pk): p for p in pupils}
        self.fields["pupil"].choices = [("", "No: shared equipment")] + [
            (str(p.pk), p.name) for p in pupils
        ]

    def clean_pupil(self):
        value = self.cleaned_data.get("pupil") or ""
        if value and value not in self.pupils:
            raise forms.ValidationError("Choose a pupil of this school.")
        return self.pupils.get(value)

    def equipment_data(self) -> dict:
        return dict(self.cleaned_data)


class InspectionForm(forms.Form):
    inspected_on = date_field("Inspected on")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"inspected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OutOfServiceForm(forms.Form):
    reason = line_field("Why is it out of service?", 300, "Failed inspection, damaged sling …")
