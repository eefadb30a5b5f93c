"""Leavers' pages (issue 12): record a leaving, undo it, the list of leavers, and the
transfer pack for the next school. Pupils come through sendesk.access; writes through
sendesk.pupils.leavers; the pack is built by sendesk.records.transfer."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, date_field
from sendesk.pupils import leavers
from sendesk.pupils.models import PupilLeaving
from sendesk.records import transfer


class LeavingForm(forms.Form):
    # The day the pupil is off roll: from it the record is read-only and the pupil leaves
    # the adults' lists (pupils.models, access.on_roll). Said plainly, as the day after their
    # last day in school, so that nobody records the last day and loses it.
    left_on = date_field(
        "Date of leaving",
        "The first day they are no longer at the school (the day after their last day in "
        "school). From that day the record is kept read-only.",
    )
    reason = forms.ChoiceField(
        label="Why the pupil left",
        required=False,
        choices=[("", "Choose…"), *PupilLeaving.Reason.choices],
    )
    next_school = forms.CharField(
        label="Next school (if known)", required=False, max_length=150, strip=True
    )
    next_school_urn = forms.CharField(
        label="Next school's URN (optional)",
        required=False,
        help_text="6 digits, from Get Information about Schools.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    next_school_laestab = forms.CharField(
        label="Next school's LA/Estab number (optional)",
        required=False,
        help_text="7 digits, e.g. 999/2001: where the CTF goes.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _pupil_for(user, pupil_id, capability):
    return access.get_pupil_for(user, pupil_id, capability)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_leave(request, pupil_id):
    pupil = _pupil_for(request.user, pupil_id, "record_leaving")
    status = 200
    if request.method == "POST":
        form = LeavingForm(request.POST)
        if form.is_valid():
            try:
                leavers.pupil_leave(actor=request.user, pupil=pupil, data=form.cleaned_data)
            except ServiceError as error:
                apply_service_errors(form, error)
            else:
                return redirect(reverse("pupil_detail", args=[pupil.pk]) + "#h-leaving")
        status = 422
    else:
        form = LeavingForm()
    return render(request, "pupils/leave.html", {"pupil": pupil, "form": form}, status=status)


@login_required
@require_POST
def pupil_rejoin(request, pupil_id):
    pupil = _pupil_for(request.user, pupil_id, "rejoin_pupil")
    try:
        leavers.pupil_rejoin(actor=request.user, pupil=pupil)
    except ServiceError as error:
        context = {"pupil": pupil, "message": error.errors.get("__all__", str(error))}
        return render(request, "pupils/read_only.html", context, status=409)
    return redirect(reverse("pupil_detail", args=[pupil.pk]) + "#h-leaving")


@login_required
@require_GET
def leaver_list(request):
    """The school's leavers, newest first, with where they went and whether their file
    went with them: for the SENCO and head. A fixed number of queries, however many."""
    schools = access.schools_where(request.user, "record_leaving")
    if not schools:
        raise Http404
    rows = transfer.leaver_rows(schools)
    record_access_many(actor=request.user, pupils=[r.pupil for r in rows], what="leavers list")
    return render(request, "pupils/leavers.html", {"rows": rows})


@login_required
@require_GET
def transfer_pack(request, pupil_id):
    return transfer.pack_response(request.user, pupil_id, via="web")


def leaving_panel(user, pupil) -> dict | None:
    """What the pupil page shows of a leaving (None when there is none and the user may
    not record one): the leaving, and for the SENCO and head whether the DSL has recorded
    sending the safeguarding file (yes or no, and when: nothing else of it)."""
    may = access.can(user, pupil.school_id, "record_leaving")
    if pupil.left_on is None:
        return {"may_record": True} if may else None
    leaving = leavers.current_leaving(pupil)
    return {
        "leaving": leaving,
        # The words every refused write says, so the page says the same.
        "message": leavers.read_only_message(pupil) if pupil.has_left else "",
        "may_record": may,
        "may_rejoin": access.can(user, pupil.school_id, "rejoin_pupil"),
        "safeguarding_sent_on": transfer.safeguarding_sent_on(pupil) if may else None,
        "disclosures": list(pupil.disclosures.select_related("by")[:5]) if may else [],
    }
