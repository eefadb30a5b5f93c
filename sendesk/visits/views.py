"""The trip pages: the list, planning a trip, a trip with its checks, the medicines to
take (printable), a dose given on the trip, and the provision missed because of it.

Pupils come through the access layer: a trip page names only the pupils the reader may
see (the others are counted, not named), and a trip the reader may not see is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.medication.forms import EmergencyForm
from sendesk.staff.selectors import school_staff

from . import services as visits
from .checks import TripFacts, medicines_to_take, ratios_for, run_checks
from .forms import TripDoseForm, TripForm
from .selectors import seen_on


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def trip_list(request):
    if not access.schools_where(request.user, "school_staff"):
        raise Http404
    today = timezone.localdate()
    trips = list(
        visits.visible_trips(request.user).select_related("school").order_by("-date", "-start")
    )
    context = {
        "upcoming": sorted((t for t in trips if t.date >= today), key=lambda t: (t.date, t.start)),
        "past": [t for t in trips if t.date < today],
        "may_plan": bool(visits.may_plan(request.user)),
    }
    return render(request, "visits/trip_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def trip_new(request):
    school_id = access.pick_school(visits.may_plan(request.user), request.GET.get("school"))
    pupils = list(
        access.visible_pupils(request.user)
        .filter(school_id=school_id)
        .select_related("year_group")
        .order_by("year_group__ordinal", "legal_last_name", "legal_first_name")
    )
    form = TripForm(_posted(request), pupils=pupils, staff=list(school_staff(school_id)))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                trip, checks = visits.trip_create(actor=request.user, data=form.trip_data())
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            except Http404:
                # A pupil id that is not one of the list (forged, or since out of scope).
                form.add_error("pupils", "Choose pupils from the list.")
            else:
                failing = sum(not c.ok for c in checks)
                outcome = f"{failing} check(s) to put right." if failing else "Every check passes."
                messages.success(request, f"Trip to {trip.destination} planned. {outcome}")
                return redirect("trip_detail", trip.pk)
    ratios = ratios_for(school_id)
    return render(request, "visits/trip_form.html", {"form": form, "ratios": ratios}, status=status)


def _seen(request, trip):
    """The trip's pupils the reader may see (visits.selectors.seen_on: the API's rule
    too), and all of them (the others are counted, not named)."""
    everyone = list(
        trip.pupils.select_related("year_group").order_by("legal_last_name", "legal_first_name")
    )
    visible = seen_on(request.user, trip)
    seen = [p for p in everyone if p.pk in visible]
    return everyone, seen


def _trip_context(request, trip):
    everyone, seen = _seen(request, trip)
    staff = list(trip.staff.order_by("full_name"))
    seen_ids = {p.pk for p in seen}
    facts = TripFacts.of(trip, pupils=everyone, staff=staff, named=seen_ids, reader=request.user)
    to_take = medicines_to_take(facts)
    checks = run_checks(facts, to_take)
    record_access_many(actor=request.user, pupils=seen, what="trip")
    return {
        "trip": trip,
        "pupils": seen,
        "hidden": len(everyone) - len(seen),
        "staff": staff,
        "checks": checks,
        "failing": [c for c in checks if not c.ok],
        "to_take": [t for t in to_take if t.pupil.pk in seen_ids],
        "on_trip": request.user in staff,
        "started": trip.date <= timezone.localdate(),
        "oversee": trip.school_id in access.schools_where(request.user, "oversee"),
        # An adult going who may give medicines records an emergency dose from the trip.
        "emergencies": [t for t in to_take if t.pupil.pk in seen_ids and t.medicine.emergency_use]
        if request.user in staff and access.can(request.user, trip.school_id, "give_care")
        else [],
    }


@login_required
@require_GET
def trip_detail(request, pk):
    trip = visits.get_trip(request.user, pk)
    context = _trip_context(request, trip)
    if context["started"] and (context["on_trip"] or context["oversee"]):
        context["provision_due"] = visits.provision_due(trip, context["pupils"])
    return render(request, "visits/trip_detail.html", context)


@login_required
@require_GET
def trip_medicines(request, pk):
    trip = visits.get_trip(request.user, pk)
    return render(request, "visits/trip_medicines.html", _trip_context(request, trip))


@login_required
@require_http_methods(["GET", "POST"])
def trip_dose(request, pk):
    trip = visits.get_trip(request.user, pk)
    if not visits.on_trip(request.user, trip):
        raise Http404
    context = _trip_context(request, trip)
    form = TripDoseForm(
        _posted(request),
        to_take=context["to_take"],
        day=trip.date,
        witnesses=[u for u in context["staff"] if u.pk != request.user.pk],
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                record, _ = visits.trip_dose(actor=request.user, trip=trip, **form.dose_data())
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Recorded on {record.pupil.name}'s medication record, at {trip.destination}.",
                )
                return redirect("trip_detail", trip.pk)
    context["form"] = form
    return render(request, "visits/trip_dose.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def trip_emergency(request, pk, medicine_id):
    """An emergency dose on the trip: the emergency form and service of the medication
    pages, with the trip's destination as the place and the trip's adults as the
    witnesses; saved, back to the trip. Only an adult going who may give medicines, for a
    medicine for emergencies of a pupil going they may see (404 otherwise)."""
    trip = visits.get_trip(request.user, pk)
    context = _trip_context(request, trip)
    item = next((t for t in context["emergencies"] if t.medicine.pk == medicine_id), None)
    if item is None:
        raise Http404
    medicine = item.medicine
    medicine.pupil = item.pupil
    witnesses = {"staff": context["staff"], "actor": request.user}
    if request.method == "GET":
        initial = {**EmergencyForm.initial_for(), "date": trip.date}
        form = EmergencyForm(initial=initial, medicine=medicine, **witnesses)
        return _render_emergency(request, trip, medicine, form, 200)
    form = EmergencyForm(request.POST, medicine=medicine, **witnesses)
    status = 422
    if form.is_valid():
        try:
            record, created = visits.trip_emergency(
                actor=request.user, trip=trip, medicine_id=medicine.pk, **form.service_kwargs()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            words = (
                f"Emergency recorded on {item.pupil.name}'s medication record: {record.dose} of "
                f"{medicine.name} at {timezone.localtime(record.given_at):%H:%M}, at "
                f"{trip.destination}. The SENCO and {item.pupil.name}'s parents are being "
                "e-mailed."
            )
            messages.success(request, words if created else "Already recorded. " + words)
            return redirect("trip_detail", trip.pk)
    return _render_emergency(request, trip, medicine, form, status)


def _render_emergency(request, trip, medicine, form, status):
    context = {
        "medicine": medicine,
        "pupil": medicine.pupil,
        "form": form,
        "plan": medicine.healthcare_plan,
        "trip": trip,
    }
    return render(request, "care/medication_emergency.html", context, status=status)


@login_required
@require_POST
def trip_provision(request, pk):
    trip = visits.get_trip(request.user, pk)
    try:
        sessions = visits.trip_provision_missed(actor=request.user, trip=trip)
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        if sessions:
            messages.success(
                request, f"{len(sessions)} session(s) recorded as missed: on the trip."
            )
        else:
            messages.success(request, "Nothing left to record: every session has a record.")
    return redirect("trip_detail", trip.pk)
