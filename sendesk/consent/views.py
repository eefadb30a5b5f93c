"""Consent pages: the pupil's consent on the staff side (every question with the decision in
force, the history, and a paper form typed in), and the parent's own page to give, refuse
or withdraw each kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendesk import access
from sendesk.agencies.models import Agency
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from . import selectors, services
from .forms import PaperForm, ParentForm
from .models import Decision, Kind


def _service(agency) -> str:
    """' (speech and language therapy)' after an agency's name, in a sentence's case; nothing
    when the name already says it ('North Riverside CAMHS')."""
    kind = agency.get_kind_display()
    first = kind.split()[0]
    if first.lower() in agency.name.lower():
        return ""
    return f" ({kind if first.isupper() else kind[0].lower() + kind[1:]})"


@login_required
@require_http_methods(["GET", "POST"])
def pupil_consent(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    may_record = access.can(request.user, pupil.school_id, "record_consent")
    agencies = Agency.objects.filter(school_id=pupil.school_id, active=True)
    status = 200
    form = PaperForm(agencies=agencies) if may_record else None
    if request.method == "POST":
        if not may_record:
            # Reading the page is not writing it: the same answer as a pupil out of scope.
            access.get_pupil_for(request.user, pupil_id, "record_consent")
        form = PaperForm(request.POST, agencies=agencies)
        status = 422
        if form.is_valid():
            try:
                services.paper_record(actor=request.user, pupil_id=pupil.pk, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = exc.status
            else:
                return redirect("pupil_consent", pupil_id=pupil.pk)
    else:
        record_access(actor=request.user, pupil=pupil, what="consent")
    context = {
        "pupil": pupil,
        "kinds": selectors.questions(pupil),
        "history": selectors.history(pupil.pk),
        "form": form,
    }
    return render(request, "consent/pupil.html", context, status=status)


def _explain(question: dict, name: str) -> dict:
    """What a parent reads about one consent question: what saying yes means, what saying
    no or withdrawing means, and the words on the 'yes' button. Plain English."""
    kind, agency = question["kind"], question["agency"]
    if kind == Kind.PHOTOS:
        return {
            "what": f"Staff sometimes take a photo or a short video of {name}'s work or of "
            f"{name} during a session, to show progress. They are kept on the school's "
            f"system, only staff who work with {name} and you can see them, and they are "
            "never put on the internet.",
            "no": f"Staff will not take photos or video of {name}.",
            "withdraw": "If you change your mind, staff will stop taking new photos and video "
            f"straight away. Photos already taken stay in {name}'s school record.",
            "yes": "Yes, staff may take photos and video",
        }
    if kind == Kind.AGENCY:
        return {
            "what": f"{agency}{_service(agency)} may help the school "
            f"support {name}. If you say yes, the school may share what it knows about "
            f"{name}'s needs and progress with them, and the people there who work with "
            f"{name} may read {name}'s records.",
            "no": f"The school will not share information about {name} with {agency}, and "
            f"nobody there can see {name}'s records.",
            "withdraw": f"If you change your mind, {agency} stop being able to see {name}'s "
            "records straight away. What was shared before stays with them.",
            "yes": f"Yes, the school may share information with {agency}",
        }
    if kind == Kind.REFERRAL:
        return {
            "what": f"The school would like to ask {agency} to see {name} and give advice.",
            # What therapy's hook does on a withdrawal or refusal (referral_consent_decided).
            "no": f"The school will not refer {name} to {agency}. A referral already made "
            "is closed.",
            "withdraw": f"If you change your mind, the referral to {agency} is closed "
            "straight away and the school's SENCO is told. What was shared before stays "
            "with them.",
            "yes": f"Yes, the school may refer {name} to {agency}",
        }
    if kind == Kind.MEDICATION:
        return {
            "what": f"Staff who are trained give {name} the medicines the school holds for "
            f"{name}, as the label and the school's medicine form say.",
            "no": f"Staff will not give {name} medicine at school. In an emergency they "
            "will call 999 and you.",
            "withdraw": "If you change your mind, staff will stop giving medicine straight "
            "away. In an emergency they will call 999 and you.",
            "yes": f"Yes, staff may give {name} their medicines",
        }
    return {
        "what": f"{name} may go on school trips and visits with their class. We tell you "
        "about each trip before it happens.",
        "no": f"{name} will not go on trips and visits; the school will plan something "
        "at school instead.",
        "withdraw": f"If you change your mind, {name} will not go on trips from now on.",
        "yes": f"Yes, {name} may go on trips and visits",
    }


@login_required
@require_http_methods(["GET", "POST"])
def family_consent(request, pupil_id):
    child = access.get_child(request.user, pupil_id)
    name = child.preferred_name or child.legal_first_name
    status, problem = 200, None
    if request.method == "POST":
        form = ParentForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.parent_decide(
                actor=request.user,
                pupil_id=child.pk,
                kind=data.get("kind") or Kind.PHOTOS,
                decision=data.get("decision") or "",
                agency_id=data.get("agency_id") or None,
                ref=data.get("ref") or "",
            )
        except ServiceError as exc:
            problem, status = "; ".join(exc.errors.values()), exc.status
        else:
            return redirect("family_consent", pupil_id=child.pk)
    else:
        record_access(actor=request.user, pupil=child, what="parent view")
    questions = selectors.questions(child)
    for q in questions:
        q["words"] = _explain(q, name)
    context = {
        "child": child,
        "name": name,
        "kinds": questions,
        "history": selectors.history(child.pk),
        "problem": problem,
        "Decision": Decision,
    }
    return render(request, "consent/family.html", context, status=status)
