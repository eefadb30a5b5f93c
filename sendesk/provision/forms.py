"""Forms for the TA's quick session record and its amendment. They only parse what was
typed (numbers, dates, times); the rules (attendance required when delivered, a reason
when missed, minutes 1–600, no future dates, targets of this pupil) live in the services,
whose ServiceError keys are mapped back beside the fields here."""

import re
import uuid

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field
from sendesk.plans.models import Plan, Target

from .models import RESPONSE_CHOICES as MODEL_RESPONSE_CHOICES
from .models import WEEKDAYS, Attendance, MissedReason, Provision, Rating

MINUTES_MESSAGE = "Minutes must be a whole number from 1 to 600."
TIME_MESSAGE = "Give the start time as hours and minutes, like 09:30."
RATING_PREFIX = "rating_"

ATTENDANCE_CHOICES = [
    (Attendance.PRESENT, "Present"),
    (Attendance.PARTIAL, "Part"),
    (Attendance.ABSENT, "Absent"),
    (Attendance.REFUSED, "Refused"),
]
RESPONSE_CHOICES = [(n, str(n)) for n in range(1, 6)]
RESPONSE_HINTS = {n: label.split("—", 1)[1].strip() for n, label in MODEL_RESPONSE_CHOICES}
MISSED_CHOICES = [
    (MissedReason.STAFF_ABSENT, "Staff absent"),
    (MissedReason.PUPIL_ABSENT, "Pupil absent"),
    (MissedReason.TRIP, "Trip"),
    (MissedReason.TIMETABLE, "Timetable clash"),
    (MissedReason.OTHER, "Other"),
]
OUTCOME_CHOICES = [("delivered", "Delivered"), ("missed", "Missed")]

# ServiceError keys from session_record: "pupils.0.attendance",
# "pupils.0.target_progress.2.rating", ...
_PUPIL_KEY = re.compile(r"^pupils\.0\.(?P<field>\w+)(?:\.(?P<index>\d+)\.(?P<sub>\w+))?$")


def _error_links(form, prefix, radio_fields, hidden=(), rating_chips=True):
    """The error summary's entries: each message with the id of the control it is about
    (the first chip of a radio group), or None when no control on the page matches."""
    links = []
    for name, errors in form.errors.items():
        if name == "__all__" or name in hidden or name not in form.fields:
            anchor = None
        elif name in radio_fields or (rating_chips and RATING_PREFIX in name):
            anchor = f"{prefix}-{name}-0"
        else:
            anchor = f"{prefix}-{name}"
        links.extend({"anchor": anchor, "message": message} for message in errors)
    return links


def _radio_rows(field_value, choices, hints=None):
    """Chips for a radio group: value, label, whether it is checked, and an optional hint
    read to screen readers after the short label."""
    value = "" if field_value is None else str(field_value)
    hints = hints or {}
    return [
        {"value": str(v), "label": label, "checked": str(v) == value, "hint": hints.get(v, "")}
        for v, label in choices
    ]


class SessionForm(forms.Form):
    """One provision's session for its pupil, as the quick form on My day sends it. Ratings
    arrive as rating_<target id> = <rating>, one radio row per target the provision serves."""

    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form is missing its id: reload the page.",
                        "invalid": "The form's id is damaged: reload the page."},
    )  # fmt: skip
    date = forms.DateField(
        widget=forms.HiddenInput,
        error_messages={"required": "Say which day the session was.",
                        "invalid": "The date is not a real date (YYYY-MM-DD)."},
    )  # fmt: skip
    outcome = forms.CharField(required=False)
    minutes = forms.IntegerField(required=False, error_messages={"invalid": MINUTES_MESSAGE})
    start_time = forms.TimeField(required=False, error_messages={"invalid": TIME_MESSAGE})
    attendance = forms.CharField(required=False)
    response = forms.IntegerField(
        required=False, error_messages={"invalid": "Response is on a scale of 1 to 5."}
    )
    adaptations = forms.CharField(required=False, max_length=2000)
    note = forms.CharField(required=False, max_length=4000)
    note_shared_with_parents = forms.BooleanField(required=False)
    flag_for_teacher = forms.BooleanField(required=False)
    flag_note = forms.CharField(
        required=False,
        max_length=300,
        error_messages={
            "max_length": "Keep what the teacher should look at to 300 characters or fewer."
        },
    )
    missed_reason = forms.CharField(required=False)
    missed_note = forms.CharField(
        required=False,
        max_length=300,
        error_messages={
            "max_length": "Keep the note about the missed session under 300 characters."
        },
    )

    def __init__(self, *args, provision, day, targets=(), **kwargs):
        self.provision = provision
        kwargs.setdefault(
            "initial",
            {
                "client_id": uuid.uuid4(),
                "date": day,
                "outcome": "delivered",
                "minutes": provision.minutes_offered,
            },
        )
        super().__init__(*args, **kwargs)
        self.rated_ids: list[str] = []  # target ids in the order sent to the service
        self.offer_targets(targets)

    def offer_targets(self, targets) -> None:
        """The targets the form draws a rating for (services.targets_in_force: plain
        values). A posted form reads every rating sent whatever it offers (ratings()), so
        a save needs none; they are given when the form is drawn, or drawn again after a
        refusal, where each rating's message sits beside its target."""
        self.targets = list(targets)
        for target in self.targets:
            self.fields[RATING_PREFIX + str(target.pk)] = forms.CharField(required=False)

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome not in ("delivered", "missed"):
            raise forms.ValidationError("Say whether the session was delivered or missed.")
        return outcome

    def ratings(self) -> list[tuple[str, str]]:
        """(target id, rating) for every rated target in the submission, including ids the
        page did not offer: the service decides whether they belong to this pupil."""
        if not self.is_bound:
            return []
        return [
            (key[len(RATING_PREFIX) :], value)
            for key, value in self.data.items()
            if key.startswith(RATING_PREFIX) and value
        ]

    def service_kwargs(self, record_cls) -> dict:
        """Arguments for provision.services.session_record, from cleaned data."""
        data = self.cleaned_data
        delivered = data["outcome"] == "delivered"
        minutes = data["minutes"]
        kwargs = {
            "client_id": data["client_id"],
            # The provision as the page fetched it through the access layer: the service
            # trusts it without a second check (access.checked_for).
            "provision": self.provision,
            "date": data["date"],
            "start_time": data["start_time"],
            "minutes": minutes if minutes is not None else 0,
            "delivered": delivered,
        }
        if delivered:
            ratings = self.ratings()
            self.rated_ids = [tid for tid, _ in ratings]
            record = record_cls(
                pupil_id=self.provision.pupil_id,
                attendance=data["attendance"],
                response=data["response"],
                note=data["note"],
                note_shared_with_parents=data["note_shared_with_parents"],
                adaptations=data["adaptations"],
                flag_for_teacher=data["flag_for_teacher"],
                flag_note=data["flag_note"],
                target_progress=ratings,
            )
        else:
            # Only the reason and its note matter for a missed session: whatever was typed
            # in the delivered half before switching is left out, not refused.
            kwargs["missed_reason"] = data["missed_reason"]
            kwargs["missed_note"] = data["missed_note"]
            record = record_cls(
                pupil_id=self.provision.pupil_id,
                flag_for_teacher=data["flag_for_teacher"],
                flag_note=data["flag_note"],
            )
        kwargs["pupils"] = [record]
        return kwargs

    def service_error_field(self, key):
        """The field of a key about the one pupil's record ("pupils.0.attendance", a rating
        "pupils.0.target_progress.<n>.rating"), for apply_service_errors."""
        match = _PUPIL_KEY.match(key)
        if not match:
            return None
        field = match["field"]
        if field == "target_progress":
            index = int(match["index"])
            if index < len(self.rated_ids):
                name = RATING_PREFIX + self.rated_ids[index]
                if name in self.fields:
                    return name
            return None
        if field in ("attendance", "response", "note", "adaptations", "flag_note"):
            return field
        return None

    # What the template needs to draw the chips, with what was typed still selected.
    def attendance_choices(self):
        return _radio_rows(self["attendance"].value(), ATTENDANCE_CHOICES)

    def response_choices(self):
        return _radio_rows(self["response"].value(), RESPONSE_CHOICES, RESPONSE_HINTS)

    def missed_choices(self):
        return _radio_rows(self["missed_reason"].value(), MISSED_CHOICES)

    def outcome_choices(self):
        return _radio_rows(self["outcome"].value() or "delivered", OUTCOME_CHOICES)

    def target_rows(self):
        rows = []
        for target in self.targets:
            name = RATING_PREFIX + str(target.pk)
            value = self.data.get(name, "") if self.is_bound else ""
            rows.append(
                {
                    "target": target,
                    "name": name,
                    "choices": _radio_rows(value, [("", "Not rated"), *Rating.choices]),
                    "errors": self.errors.get(name, []),
                }
            )
        return rows

    def date_value(self):
        value = self["date"].value()
        return value.isoformat() if hasattr(value, "isoformat") else (value or "")

    def error_links(self, prefix):
        return _error_links(
            self, prefix, ("outcome", "attendance", "response", "missed_reason"),
            hidden=("client_id", "date"), rating_chips=False,
        )  # fmt: skip


class AmendForm(forms.Form):
    """A correction to a saved session: the reason, the session's fields and, per pupil the
    amender may see, that pupil's fields and ratings (named p<index>_<field>)."""

    reason = forms.CharField(
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the reason under 300 characters."},
    )
    outcome = forms.CharField(required=False)
    minutes = forms.IntegerField(required=False, error_messages={"invalid": MINUTES_MESSAGE})
    start_time = forms.TimeField(required=False, error_messages={"invalid": TIME_MESSAGE})
    missed_reason = forms.CharField(required=False)
    missed_note = forms.CharField(required=False, max_length=300)

    PUPIL_FIELDS = (
        "attendance", "response", "note", "note_shared_with_parents", "adaptations",
        "flag_for_teacher", "flag_note",
    )  # fmt: skip

    def __init__(self, *args, session, records, **kwargs):
        self.session = session
        self.records = records  # the SessionPupil rows the amender may see, ratings prefetched
        initial = {
            "outcome": "delivered" if session.delivered else "missed",
            "minutes": session.minutes,
            "start_time": session.start_time,
            "missed_reason": session.missed_reason,
            "missed_note": session.missed_note,
        }
        for i, sp in enumerate(records):
            initial[f"p{i}_attendance"] = sp.attendance
            initial[f"p{i}_response"] = sp.response
            initial[f"p{i}_note"] = sp.note
            initial[f"p{i}_note_shared_with_parents"] = sp.note_shared_with_parents
            initial[f"p{i}_adaptations"] = sp.adaptations
            initial[f"p{i}_flag_for_teacher"] = sp.flag_for_teacher
            initial[f"p{i}_flag_note"] = sp.flag_note
            for r in sp.ratings.all():
                initial[f"p{i}_rating_{r.target_id}"] = r.rating
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for i, sp in enumerate(records):
            self.fields[f"p{i}_attendance"] = forms.CharField(required=False)
            self.fields[f"p{i}_response"] = forms.IntegerField(
                required=False, error_messages={"invalid": "Response is on a scale of 1 to 5."}
            )
            self.fields[f"p{i}_note"] = forms.CharField(required=False)
            self.fields[f"p{i}_note_shared_with_parents"] = forms.BooleanField(required=False)
            self.fields[f"p{i}_adaptations"] = forms.CharField(required=False)
            self.fields[f"p{i}_flag_for_teacher"] = forms.BooleanField(required=False)
            self.fields[f"p{i}_flag_note"] = forms.CharField(required=False, max_length=300)
            for r in sp.ratings.all():
                self.fields[f"p{i}_rating_{r.target_id}"] = forms.CharField(required=False)

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome not in ("delivered", "missed"):
            raise forms.ValidationError("Say whether the session was delivered or missed.")
        return outcome

    def changes(self) -> tuple[dict, dict]:
        """(session changes, pupil changes) holding only what differs from the record, so
        the amendment lists exactly what was corrected."""
        data = self.cleaned_data
        session = self.session
        delivered = data["outcome"] == "delivered"
        wanted = {
            "delivered": delivered,
            "minutes": data["minutes"] if data["minutes"] is not None else 0,
            "start_time": data["start_time"],
            "missed_reason": "" if delivered else data["missed_reason"],
            "missed_note": "" if delivered else data["missed_note"].strip(),
        }
        changes = {k: v for k, v in wanted.items() if getattr(session, k) != v}
        if "delivered" not in changes and delivered:
            changes.pop("missed_reason", None)
        pupil_changes = {}
        for i, sp in enumerate(self.records):
            fields = {}
            for name in self.PUPIL_FIELDS:
                value = data[f"p{i}_{name}"]
                if name in ("note", "adaptations", "flag_note"):
                    value = value.strip()
                if getattr(sp, name) != value:
                    fields[name] = value
            ratings = {
                str(r.target_id): data[f"p{i}_rating_{r.target_id}"]
                for r in sp.ratings.all()
                if data[f"p{i}_rating_{r.target_id}"] != r.rating
            }
            if ratings:
                fields["ratings"] = ratings
            if fields:
                pupil_changes[str(sp.pupil_id)] = fields
        return changes, pupil_changes

    def service_error_field(self, key):
        """The field of a key about one pupil's part ("pupil:<id>:<field>"), for
        apply_service_errors; None for a pupil or field not on the form (it goes on top)."""
        if not key.startswith("pupil:"):
            return None
        _, pid, *rest = key.split(":")
        index = {str(sp.pupil_id): i for i, sp in enumerate(self.records)}
        if pid in index and rest and rest[0] in self.PUPIL_FIELDS:
            return f"p{index[pid]}_{rest[0]}"
        return None

    def pupil_rows(self):
        """Per pupil: each control's name, what it holds now, and its errors."""
        rows = []
        for i, sp in enumerate(self.records):

            def field(name, i=i):
                key = f"p{i}_{name}"
                return {"name": key, "value": self[key].value(), "errors": self.errors.get(key, [])}

            attendance, response = field("attendance"), field("response")
            attendance["rows"] = _radio_rows(attendance["value"], ATTENDANCE_CHOICES)
            response["rows"] = _radio_rows(
                response["value"], [("", "None"), *RESPONSE_CHOICES], RESPONSE_HINTS
            )
            ratings = []
            for r in sp.ratings.all():
                rating = field(f"rating_{r.target_id}")
                rating["rows"] = _radio_rows(rating["value"], Rating.choices)
                rating["target"] = r.target
                ratings.append(rating)
            rows.append(
                {
                    "sp": sp,
                    "attendance": attendance,
                    "response": response,
                    "ratings": ratings,
                    "note": field("note"),
                    "shared": field("note_shared_with_parents"),
                    "adaptations": field("adaptations"),
                    "flag": field("flag_for_teacher"),
                    "flag_note": field("flag_note"),
                }
            )
        return rows

    def outcome_choices(self):
        return _radio_rows(self["outcome"].value(), OUTCOME_CHOICES)

    def missed_choices(self):
        return _radio_rows(self["missed_reason"].value(), MISSED_CHOICES)

    def error_links(self, prefix):
        radios = {"outcome", "missed_reason"} | {
            f"p{i}_{name}" for i in range(len(self.records)) for name in ("attendance", "response")
        }
        return _error_links(self, prefix, radios)


# --- Promising provision (the SENCO's and the plan writers' forms) ---------------------

DAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAYS, start=1)]


class ProvisionForm(forms.Form):
    title = forms.CharField(label="What is provided", required=False)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Choose…")] + list(Provision.Kind.choices), required=False
    )
    source = forms.ChoiceField(
        label="Promised in", choices=Provision.Source.choices, widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip
    sessions_per_week = forms.IntegerField(label="Sessions a week", required=False, min_value=0)
    session_minutes = forms.IntegerField(label="Minutes each", required=False, min_value=0)
    hours_per_week = forms.DecimalField(
        label="Or: hours a week", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    days = forms.MultipleChoiceField(
        label="Days", choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="The weekly pattern: tick as many days as there are sessions.",
    )  # fmt: skip
    group_size = forms.IntegerField(label="Group size", required=False, min_value=1, initial=1)
    staffing = forms.ChoiceField(
        label="Staffing", choices=Provision.Staffing.choices, initial=Provision.Staffing.TA
    )
    staffing_notes = forms.CharField(
        label="Staffing notes", required=False, help_text="Training needed, named adult, …"
    )
    targets = forms.ModelMultipleChoiceField(
        label="Targets it serves", queryset=Target.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    plan = forms.ModelChoiceField(
        label="Plan", queryset=Plan.objects.none(), required=False, empty_label="No plan"
    )
    start = date_field("Starts on", initial=timezone.localdate)
    end = date_field("Ends on")
    cost_per_hour = forms.DecimalField(
        label="Cost per hour (£)", required=False, min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        open_plans = pupil.plans.exclude(status=Plan.Status.CLOSED)
        self.fields["plan"].queryset = open_plans
        self.fields["targets"].queryset = (
            Target.objects.filter(plan__in=open_plans)
            .select_related("plan")
            .order_by("plan__created", "order", "text")
        )
        self.fields["targets"].label_from_instance = lambda t: f"{t.text} ({t.plan.title})"
        if not self.is_bound:
            self.initial.setdefault(
                "source",
                Provision.Source.EHCP_F
                if pupil.sen_status == "E"
                else Provision.Source.SEN_SUPPORT,
            )

    def provision_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "targets"}
        data["days"] = "".join(self.cleaned_data.get("days") or [])
        return data


class ProvisionEndForm(forms.Form):
    end = date_field("Last day of the provision", initial=timezone.localdate)
