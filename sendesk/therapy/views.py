"""The therapist's pages (their referred pupils and programmes only) and the SENCO's
referral pages. Reads go through therapy.selectors, writes through
therapy.services; anything out of scope answers 404, the same as a record that does not
exist."""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib import files
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.provision.forms import ProvisionForm
from sendesk.provision.models import WEEKDAYS, Provision
from sendesk.provision.selectors import label_missed

from . import selectors, services
from .forms import (
    AdviceFileForm,
    AdviceForm,
    AgencyReferralForm,
    ProgrammeEndForm,
    ProgrammeForm,
    ReferralEndForm,
    ReferralForm,
    ReferralStatusForm,
)
from .models import THERAPIES, Advice, AdviceFile, Referral

WHAT = "therapy programme"

_CHANGE_LABELS = {
    "title": "Title",
    "goals": "Goals",
    "activities": "Activities",
    "sessions_per_week": "Sessions a week",
    "session_minutes": "Minutes a session",
    "days": "Days",
    "end": "Last day",
}


def _shown(field, value):
    if value in (None, ""):
        return "—"
    if field == "days":
        return ", ".join(WEEKDAYS[int(d) - 1] for d in str(value) if d in "12345")
    return value


def change_rows(review):
    """A review's changes in words, for the history."""
    return [
        {"label": _CHANGE_LABELS.get(k, k), "old": _shown(k, old), "new": _shown(k, new)}
        for k, (old, new) in review.changes.items()
    ]


def _therapist(request):
    if not selectors.is_therapist(request.user):
        raise Http404


def _pupil_url(pupil_id):
    return reverse("therapy_pupil", args=[pupil_id])


# --- The therapist ---------------------------------------------------------------------


@login_required
@require_GET
def therapy_home(request):
    """Constant queries: roles, pupils, referrals, programmes, one INSERT of access rows."""
    _therapist(request)
    rows = selectors.therapist_home(request.user, timezone.localdate())
    record_access_many(actor=request.user, pupils=[pupil for pupil, _, _ in rows], what=WHAT)
    return render(request, "therapy/home.html", {"rows": rows})


@login_required
@require_GET
def therapy_pupil(request, pupil_id):
    pupil = selectors.get_referred_pupil(request.user, pupil_id)
    today = timezone.localdate()
    referrals, programmes = selectors.programme_page(request.user, pupil, today)
    label_missed([p.figures for p in programmes if p.figures])
    for programme in programmes:
        programme.history = [(r, change_rows(r)) for r in programme.reviews.all()]
        programme.can_change_frequency = services.programme_can_change_frequency(programme)
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    context = {
        "pupil": pupil,
        "referrals": referrals,
        "programmes": programmes,
        "today": today,
        "advice": selectors.own_advice(referrals),
        # Only through an agency, whose parents' consent covers needs and progress; a
        # therapist's own referral shares the notes the school wrote for them.
        "picture": (
            selectors.shared_picture(pupil, today) if any(r.agency_id for r in referrals) else None
        ),
    }
    return render(request, "therapy/pupil.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request, pupil_id):
    pupil = selectors.get_referred_pupil(request.user, pupil_id)
    referrals = list(
        selectors.active_referrals(request.user, timezone.localdate()).filter(pupil=pupil)
    )
    if not referrals:
        raise Http404
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    initial = {
        "source": "ehcp_f" if pupil.sen_status == "E" else "sen_support",
        "referral": str(referrals[0].pk),
    }
    form = ProgrammeForm(request.POST or None, referrals=referrals, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("referral")
        referral = next((r for r in referrals if str(r.pk) == chosen), referrals[0])
        if chosen and str(referral.pk) != chosen:
            form.add_error("referral", "Choose one of your referrals for this pupil.")
        else:
            try:
                programme = services.programme_create(
                    actor=request.user, referral=referral, data=form.data_for_service()
                )
            except ServiceError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Programme “{programme.title}” set. TAs will see it when they record "
                    "the sessions.",
                )
                return redirect(_pupil_url(pupil.pk))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "therapy/programme_form.html", {"form": form, "pupil": pupil}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_review(request, pk):
    programme = selectors.get_programme(request.user, pk, timezone.localdate())
    pupil, provision = programme.pupil, programme.provision
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    frequency = services.programme_can_change_frequency(programme)
    initial = {
        "title": programme.title,
        "goals": programme.goals,
        "activities": programme.activities,
        "sessions_per_week": provision.sessions_per_week,
        "session_minutes": provision.session_minutes,
        "days": list(provision.days),
    }
    form = ProgrammeForm(request.POST or None, review=True, frequency=frequency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.programme_review(
                actor=request.user,
                programme=programme,
                note=form.cleaned_data["note"],
                data=form.data_for_service(),
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Review saved" + (" with your changes." if review.changes else " (no changes)."),
            )
            return redirect(_pupil_url(pupil.pk) + f"#programme-{programme.pk}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "pupil": pupil, "programme": programme, "frequency": frequency}
    return render(request, "therapy/programme_review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def programme_end(request, pk):
    programme = selectors.get_programme(request.user, pk, timezone.localdate())
    pupil = programme.pupil
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    form = ProgrammeEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_end(
                actor=request.user,
                programme=programme,
                end=form.cleaned_data["end"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"“{programme.title}” ends. Its session records are kept.")
            return redirect(_pupil_url(pupil.pk) + f"#programme-{programme.pk}")
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "pupil": pupil,
        "programme": programme,
        "can_end": services.programme_can_change_frequency(programme),
    }
    return render(request, "therapy/programme_end.html", context, status=status)


# --- The SENCO / head: referrals -------------------------------------------------------


def _referral_form(request, pupil_id, *, form, create, said, template):
    """The two referral forms' one page: the pupil (the SENCO or head: write_pupils), the
    form built by `form(pupil, data)`, saved by `create` (a service), the success message
    `said(pupil, referral)`, then back to the school's referrals."""
    pupil = access.get_pupil_for(request.user, pupil_id, "write_pupils")
    record_access(actor=request.user, pupil=pupil, what="referral form")
    form = form(pupil, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = create(actor=request.user, pupil=pupil, data=form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, said(pupil, referral))
            return redirect(reverse("referral_list") + f"?school={pupil.school_id}")
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, "pupil": pupil}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, pupil_id):
    return _referral_form(
        request,
        pupil_id,
        form=lambda pupil, data: ReferralForm(
            data, therapists=services.therapists_of(pupil.school_id)
        ),
        create=services.referral_create,
        said=lambda pupil, referral: (
            f"{pupil.name} referred to {referral.therapist.full_name} "
            f"({referral.get_discipline_display().lower()})."
        ),
        template="therapy/referral_form.html",
    )


@login_required
@require_GET
def referral_list(request):
    school_id = access.oversight_school(request.user, request.GET.get("school"))
    today = timezone.localdate()
    referrals = list(selectors.school_referrals(school_id))
    overdue_only = request.GET.get("overdue") in ("1", "true")
    if overdue_only:
        referrals = [r for r in referrals if r.overdue_on(today)]
    for r in referrals:
        r.overdue = r.overdue_on(today)
    # A declined or closed referral is over, whatever its dates say.
    current = [r for r in referrals if r.start <= today and (r.end is None or r.end >= today)
               and r.status not in selectors.ENDED]  # fmt: skip
    other = [r for r in referrals if r not in current]
    record_access_many(actor=request.user, pupils=[r.pupil for r in referrals], what="referrals")
    context = {
        "current": current,
        "other": other,
        "today": today,
        "school_id": school_id,
        "overdue_only": overdue_only,
        "overdue": sum(r.overdue for r in referrals),
    }
    return render(request, "therapy/referral_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_end(request, pk):
    referral = access.get_scoped(
        request.user,
        Referral.objects.select_related("pupil", "pupil__school", "therapist"),
        pk,
    )
    access.require(request.user, referral.pupil.school_id, "write_pupils")
    record_access(actor=request.user, pupil=referral.pupil, what="referrals")
    form = ReferralEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_end(
                actor=request.user, referral=referral, end=form.cleaned_data["end"]
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"The referral of {referral.pupil.name} to "
                f"{referral.therapist.full_name} ends on {form.cleaned_data['end']:%-d %B %Y}.",
            )  # fmt: skip
            return redirect(reverse("referral_list") + f"?school={referral.pupil.school_id}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "referral": referral, "pupil": referral.pupil}
    return render(request, "therapy/referral_end.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agency_referral_new(request, pupil_id):
    """The SENCO or head refers a pupil to one of the school's agencies (issue 11)."""
    return _referral_form(
        request,
        pupil_id,
        form=lambda pupil, data: AgencyReferralForm(
            data,
            agencies=selectors.school_agencies(pupil.school_id),
            professionals=selectors.school_professionals(pupil.school_id),
        ),
        create=services.agency_referral_create,
        said=lambda pupil, referral: (
            f"{pupil.name} referred to {referral.who}. A response is expected by "
            f"{referral.respond_by:%-d %B %Y}."
        ),
        template="therapy/agency_referral_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_status(request, pk):
    """The agency's answer to a referral (accepted, declined), or the referral closed."""
    referral = access.get_scoped(
        request.user,
        Referral.objects.select_related("pupil", "pupil__school", "therapist", "agency"),
        pk,
    )
    access.require(request.user, referral.pupil.school_id, "write_pupils")
    record_access(actor=request.user, pupil=referral.pupil, what="referrals")
    form = ReferralStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_status(
                actor=request.user,
                referral=referral,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The referral of {referral.pupil.name} to {referral.who} is now "
                f"“{referral.get_status_display().lower()}”.",
            )
            return redirect(reverse("referral_list") + f"?school={referral.pupil.school_id}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "referral": referral, "pupil": referral.pupil}
    return render(request, "therapy/referral_status.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def advice_new(request, pupil_id):
    """The professional writes advice, a report's findings, or logs a visit (issue 11)."""
    pupil = selectors.get_referred_pupil(request.user, pupil_id)
    referrals = list(
        selectors.active_referrals(request.user, timezone.localdate())
        .filter(pupil=pupil)
        .select_related("agency", "therapist")
    )
    if not referrals:
        raise Http404
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    form = AdviceForm(request.POST or None, request.FILES or None, referrals=referrals)
    if request.method == "POST" and form.is_valid() and (referral := form.chosen_referral()):
        try:
            services.advice_add(actor=request.user, referral=referral, data=form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Saved. The school sees it, and it goes into the reviews.")
            return redirect(_pupil_url(pupil.pk) + "#advice")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "therapy/advice_form.html", {"form": form, "pupil": pupil}, status=status
    )


# --- Staff: the advice about a pupil, and adopting it ------------------------------------


def _advice_page(request, pupil, *, failed=None, status=200):
    """The page; `failed`: (advice pk, what was typed, messages) of a refused adoption,
    shown beside that advice with what was typed kept."""
    today = timezone.localdate()
    context = {
        "pupil": pupil,
        "advice": list(reversed(selectors.pupil_advice(pupil, dt.date.min, today))),
        "can_adopt": access.can(request.user, pupil.school_id, "write_plans"),
        # The SENCO or head attaches a professional's report file on their behalf.
        "can_attach": access.can(request.user, pupil.school_id, "write_pupils"),
        "failed": failed,
    }
    # What became of each piece of advice ("Became provision: …"): one query.
    prefetch_related_objects(context["advice"], "provisions__provision")
    return render(request, "therapy/pupil_advice.html", context, status=status)


@login_required
@require_GET
def pupil_advice(request, pupil_id):
    """What external professionals advised about a pupil in the viewer's scope; those who
    write plans turn any of it into a strategy or a target in one step."""
    pupil = access.get_pupil(request.user, pupil_id)
    record_access(actor=request.user, pupil=pupil, what="advice from professionals")
    return _advice_page(request, pupil)


@login_required
@require_http_methods(["POST"])
def advice_adopt(request, pk):
    advice = access.get_scoped(
        request.user, Advice.objects.select_related("pupil", "pupil__school", "by"), pk
    )
    typed = {"as_what": request.POST.get("as_what", ""), "text": request.POST.get("text", "")}
    if typed["as_what"] == "provision":
        # Provision needs who and how often: confirmed on the provision form, prefilled.
        access.require(request.user, advice.pupil.school_id, "write_plans")
        request.session[_WORDS_KEY] = {"pk": advice.pk, "text": typed["text"][:200]}
        return redirect("advice_provision", pk=advice.pk)
    try:
        services.advice_adopt(actor=request.user, advice=advice, **typed)
    except ServiceError as error:
        failed = {"pk": advice.pk, **typed, "errors": list(error.errors.values())}
        return _advice_page(request, advice.pupil, failed=failed, status=422)
    what = "a strategy" if typed["as_what"] == "strategy" else "a target of the current plan"
    messages.success(request, f"Added as {what}.")
    return redirect(reverse("pupil_advice", args=[advice.pupil_id]) + f"#advice-{advice.pk}")


# --- Report files (issue 11) -------------------------------------------------------------


def _advice_for(user, pk) -> Advice:
    """The advice, for a professional under a referral in force today (consent included),
    or for staff with its pupil in their scope; Http404 otherwise, as if it did not exist."""
    queryset = Advice.objects.select_related("pupil", "pupil__school", "by", "referral")
    if selectors.is_therapist(user):
        queryset = queryset.filter(
            referral__in=selectors.active_referrals(user, timezone.localdate())
        )
        try:
            return queryset.get(pk=pk)
        except Advice.DoesNotExist:
            raise Http404 from None
    return access.get_scoped(user, queryset, pk)


def _back_to(user, advice) -> str:
    if selectors.is_therapist(user):
        return _pupil_url(advice.pupil_id) + "#advice"
    return reverse("pupil_advice", args=[advice.pupil_id]) + f"#advice-{advice.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def advice_file_new(request, pk):
    """Attach a report file to a report: the professional, or the SENCO on their behalf."""
    advice = _advice_for(request.user, pk)
    if not services.may_attach(request.user, advice):
        raise Http404
    record_access(actor=request.user, pupil=advice.pupil, what="advice from professionals")
    form = AdviceFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.advice_file_add(
                actor=request.user, advice=advice, upload=form.cleaned_data.get("file")
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"“{row.name}” attached to the report.")
            return redirect(_back_to(request.user, advice))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "advice": advice, "pupil": advice.pupil,
               "back": _back_to(request.user, advice)}  # fmt: skip
    return render(request, "therapy/advice_file_form.html", context, status=status)


@login_required
@require_GET
def advice_file(request, pk):
    """A report file, only to whoever may read the advice it belongs to (the same rule as
    _advice_for); each download is a view of the pupil's records."""
    queryset = AdviceFile.objects.select_related("pupil")
    if selectors.is_therapist(request.user):
        referrals = selectors.active_referrals(request.user, timezone.localdate())
        row = queryset.filter(pk=pk, advice__referral__in=referrals).first()
        if row is None:
            raise Http404
    else:
        row = access.get_scoped(request.user, queryset, pk)
    try:
        handle = open(files.document_path(row.path), "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404 from None
    record_access(actor=request.user, pupil=row.pupil, what="report file")
    pdf = row.content_type == "application/pdf"
    # A PDF is downloaded rather than opened in the page: a document from outside the
    # school never runs in SENDesk's own origin. nosniff: never read as anything else.
    response = FileResponse(handle, content_type=row.content_type, as_attachment=pdf,
                            filename=row.name)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Advice into provision (issue 11) ----------------------------------------------------

# The SENCO's trimmed words wait in the session for the provision form, not in its
# address: words about a child stay out of URLs, browser history and server logs.
_WORDS_KEY = "advice_provision_words"
_PER_WEEK = re.compile(r"(\d{1,2})\s*(?:x|×|times)\s*(?:a|per|each)\s*week", re.I)
_MINUTES = re.compile(r"(\d{1,3})\s*(?:-\s*)?min", re.I)


def _provision_initial(advice, words: str) -> dict:
    """The provision form prefilled from the advice: what (the SENCO's trimmed words, the
    advice itself as the description), how often and how long when the advice says so
    ("3 times a week", "20 minutes"), the pupil's current SEN plan, starting today. The
    SENCO confirms or changes each before anything is saved."""
    text = advice.text.strip()
    title = words.strip() or (text.splitlines()[0].strip() if text else "")
    initial = {
        "title": title[:200],
        "description": f"{text[:1500]}\n\n{services.advice_source(advice)}",
        "start": timezone.localdate(),
        "staffing": Provision.Staffing.TA,
    }
    if advice.referral.discipline in THERAPIES:
        initial["kind"] = Provision.Kind.THERAPY
    if (per_week := _PER_WEEK.search(text)) and 1 <= int(per_week[1]) <= 25:
        initial["sessions_per_week"] = int(per_week[1])
    if (minutes := _MINUTES.search(text)) and 5 <= int(minutes[1]) <= 360:
        initial["session_minutes"] = int(minutes[1])
    if plan := services.sen_plan(advice.pupil):
        initial["plan"] = plan.pk
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def advice_provision(request, pk):
    """The SENCO turns a professional's advice into provision: the provision form,
    prefilled from the advice, confirmed, and saved through the provision app's service."""
    advice = access.get_scoped(
        request.user,
        Advice.objects.select_related("pupil", "pupil__school", "by", "referral"),
        pk,
    )
    pupil = advice.pupil
    access.require(request.user, pupil.school_id, "write_plans")
    record_access(actor=request.user, pupil=pupil, what="provision form")
    words = request.session.get(_WORDS_KEY) or {}
    words = words.get("text", "") if words.get("pk") == advice.pk else ""
    form = ProvisionForm(
        request.POST or None, pupil=pupil, initial=_provision_initial(advice, words)
    )
    if request.method == "POST" and form.is_valid():
        try:
            provision = services.advice_to_provision(
                actor=request.user,
                advice=advice,
                data=form.provision_data(),
                targets=form.cleaned_data["targets"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            request.session.pop(_WORDS_KEY, None)
            messages.success(request, f"Provision added: {provision.title}.")
            return redirect(reverse("pupil_advice", args=[pupil.pk]) + f"#advice-{advice.pk}")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "pupil": pupil, "advice": advice}
    return render(request, "therapy/advice_provision_form.html", context, status=status)
