"""Systematic observations on a tablet or phone: the live recorder (observe.js keeps the
observation on the device and posts it as JSON when finished), the ABC write-up form that
works without script, and an observation's page. Reads go through the access layer;
the one write is observations.observation_record."""

import datetime as dt
import json
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import observations
from .models import Amendment, Observation, ObservationMethod

NOT_JSON = "The request body is not valid JSON."
# Interval lengths the recorder offers, in seconds.
INTERVALS = [(10, "10 seconds"), (15, "15 seconds"), (20, "20 seconds"), (30, "30 seconds"),
             (60, "1 minute"), (120, "2 minutes"), (300, "5 minutes")]  # fmt: skip
MANUAL_ROWS = 5


class ManualAbcForm(forms.Form):
    """An ABC observation written up afterwards from notes: the setting, then up to
    MANUAL_ROWS entries (time, antecedent, behaviour, consequence). Blank rows are left out."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Started", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ended", widget=forms.TimeInput(attrs={"type": "time"}))
    lesson = forms.CharField(required=False, max_length=100)
    activity = forms.CharField(required=False, max_length=200)
    staff_present = forms.CharField(label="Staff present", required=False, max_length=300)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    ROW_FIELDS = ("time", "antecedent", "behaviour", "consequence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "time": "Time",
            "antecedent": "Before (antecedent)",
            "behaviour": "What the pupil did (behaviour)",
            "consequence": "What happened next (consequence)",
        }
        for i in range(MANUAL_ROWS):
            for name in self.ROW_FIELDS:
                if name == "time":
                    field = forms.TimeField(
                        required=False, widget=forms.TimeInput(attrs={"type": "time"})
                    )
                else:
                    field = forms.CharField(
                        required=False, widget=forms.Textarea(attrs={"rows": 2})
                    )
                field.label = f"{labels[name]}, entry {i + 1}"
                self.fields[f"e{i}_{name}"] = field
        self.row_index: list[int] = []  # entry k sent to the service is row row_index[k]

    def rows(self):
        return [
            {"n": i + 1, "fields": [self[f"e{i}_{name}"] for name in self.ROW_FIELDS]}
            for i in range(MANUAL_ROWS)
        ]

    def clean(self):
        data = super().clean()
        for i in range(MANUAL_ROWS):
            texts = [data.get(f"e{i}_{n}") for n in ("antecedent", "behaviour", "consequence")]
            if any(texts) and not data.get(f"e{i}_time") and f"e{i}_time" not in self.errors:
                self.add_error(f"e{i}_time", "Give the time of this entry.")
        return data

    def service_kwargs(self) -> dict:
        data, day = self.cleaned_data, self.cleaned_data["date"]

        def at(time):
            return timezone.make_aware(dt.datetime.combine(day, time))

        entries, self.row_index = [], []
        for i in range(MANUAL_ROWS):
            values = {n: data.get(f"e{i}_{n}") for n in self.ROW_FIELDS}
            if not any(values.values()):
                continue
            self.row_index.append(i)
            entries.append(
                observations.EntryRecord(
                    at=at(values["time"]),
                    antecedent=values["antecedent"],
                    behaviour=values["behaviour"],
                    consequence=values["consequence"],
                )
            )
        return {
            "client_id": data["client_id"],
            "method": ObservationMethod.ABC,
            "lesson": data["lesson"],
            "activity": data["activity"],
            "staff_present": data["staff_present"],
            "notes": data["notes"],
            "started_at": at(data["start"]),
            "ended_at": at(data["end"]),
            "entries": entries,
        }

    aliases = {"started_at": "start", "ended_at": "end", "entries": None}

    def service_error_field(self, key):
        """The field of a key about one entry ("entries.2.at"), for apply_service_errors."""
        parts = key.split(".")
        if parts[0] == "entries" and len(parts) >= 2 and parts[1].isdigit():
            row = self.row_index[int(parts[1])]
            name = {"at": "time"}.get(parts[2], parts[2]) if len(parts) > 2 else "behaviour"
            return f"e{row}_{name}"
        return None


def _manual_form(data=None):
    now = timezone.localtime()
    initial = {
        "client_id": uuid.uuid4(),
        "date": now.date(),
        "end": now.time().replace(second=0, microsecond=0),
    }
    return ManualAbcForm(data, initial=initial, prefix="manual")


def _render_recorder(request, pupil, form, status):
    context = {
        "pupil": pupil,
        "form": form,
        "methods": ObservationMethod.choices,
        "intervals": INTERVALS,
    }
    return render(request, "behaviour/observe.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def observation_record(request, pupil_id):
    """GET: the recorder. POST: an observation as JSON (from observe.js: 201 new, 200 when
    the client_id was sent before, 4xx with {detail, errors}), or the write-up form."""
    pupil = access.get_pupil_for(request.user, pupil_id, "record_sessions")
    if request.method == "POST":
        if request.content_type == "application/json":
            return _record_json(request, pupil)
        return _record_form(request, pupil)
    record_access(actor=request.user, pupil=pupil, what="observation recorder")
    return _render_recorder(request, pupil, _manual_form(), 200)


def _record_json(request, pupil):
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return JsonResponse({"detail": NOT_JSON, "errors": {"body": NOT_JSON}}, status=400)
    try:
        obs, created = observations.observation_record(
            actor=request.user, pupil_id=pupil.pk, **observations.parse_json(data)
        )
    except ServiceError as exc:
        body = {"detail": " ".join(exc.errors.values()), "errors": exc.errors}
        return JsonResponse(body, status=exc.status)
    body = {
        "id": str(obs.pk),
        "client_id": str(obs.client_id),
        "created": created,
        "url": reverse("observation_detail", args=[obs.pk]),
        "summary": observations.summary_text(obs),
    }
    return JsonResponse(body, status=201 if created else 200)


def _record_form(request, pupil):
    form = ManualAbcForm(request.POST, prefix="manual")
    status = 422
    if form.is_valid():
        try:
            obs, _ = observations.observation_record(
                actor=request.user, pupil_id=pupil.pk, **form.service_kwargs()
            )
        except ServiceError as exc:
            apply_service_errors(form, exc.errors)
            status = exc.status
        else:
            messages.success(request, f"Observation of {pupil.name} saved ✓")
            return redirect("observation_detail", pk=obs.pk)
    return _render_recorder(request, pupil, form, status)


@login_required
@require_GET
def observation_detail(request, pk):
    """Costs a constant number of queries: the observation with its pupil and observer,
    its entries, its amendments, one access row."""
    obs = access.get_scoped(
        request.user,
        Observation.objects.select_related("pupil", "pupil__year_group", "observer"),
        pk,
    )
    entries = list(obs.entries.all())
    amendments = list(
        Amendment.objects.filter(
            record_type=Amendment.Record.OBSERVATION, record_id=obs.pk
        ).select_related("amended_by")
    )
    record_access(actor=request.user, pupil=obs.pupil, what="observation")
    most = max((e.count or 0 for e in entries), default=0)
    for e in entries:
        e.duration_label = observations.duration_text(e.duration_seconds)
        e.bar_pct = round(100 * (e.count or 0) / most) if most else 0
    context = {
        "obs": obs,
        "pupil": obs.pupil,
        "entries": entries,
        "amendments": amendments,
        "summary": observations.summary_text(obs),
        "total_duration": observations.duration_text(obs.total_duration_seconds),
        "on_count": sum(1 for e in entries if e.on_task),
        "may_record": access.can(request.user, obs.school_id, "record_sessions"),
    }
    return render(request, "behaviour/observe_detail.html", context)
