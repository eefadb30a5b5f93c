"""The parents' page of exams: for each of their children, in plain English, what they may
have in tests and exams, that it is how they work in class (counted), and their exams to
come with where they sit, when they finish and who supports them. Parents see their own
children only (access.children_of); anyone else gets 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access_many

from . import selectors
from .models import Arrangement

WORDS = {
    Arrangement.Kind.READER: "an adult to read the questions aloud (a reader)",
    Arrangement.Kind.SCRIBE: "an adult to write down the answers {name} says (a scribe)",
    Arrangement.Kind.PROMPTER: "an adult to give a gentle prompt to keep going (a prompter)",
    Arrangement.Kind.REST_BREAKS: "short rest breaks, with the clock stopped",
    Arrangement.Kind.SEPARATE_ROOM: "a quieter room away from the main exam room",
    Arrangement.Kind.WORD_PROCESSOR: "a laptop or computer to type the answers",
    Arrangement.Kind.MODIFIED_PAPERS: "papers changed to suit {name}",
}


def in_words(a: Arrangement, name: str) -> str:
    if a.kind == Arrangement.Kind.EXTRA_TIME:
        said = f"{a.extra_time_percent} % more time to finish each paper"
    else:
        said = WORDS[a.kind].format(name=name)
    return f"{said} ({a.details})" if a.details else said


def used_words(ev) -> str:
    if not ev.uses:
        return "Staff have not yet recorded using this in class."
    times = "once" if ev.uses == 1 else f"{ev.uses} times"
    return f"Used in class {times}, most recently on {ev.last:%A %-d %B}."


@login_required
@require_GET
def family_exams(request):
    children = list(access.children_of(request.user).order_by("legal_first_name", "pk"))
    if not children:
        raise Http404  # not a parent (or no longer linked to a child)
    today = timezone.localdate()
    shown = []
    for child in children:
        name = child.preferred_name or child.legal_first_name
        arrangements = selectors.arrangements_of(child, ended=False)
        seats = selectors.upcoming_seats(child, today)
        shown.append({
            "child": child, "name": name,
            "arrangements": [{"words": in_words(a, name), "used": used_words(a.evidence_counted),
                              "assessed": a.assessed_on, "assessor": a.assessor}
                             for a in arrangements],
            "seats": seats,
        })  # fmt: skip
    record_access_many(actor=request.user, pupils=children, what="exam arrangements")
    return render(request, "exams/family.html", {"children": shown})
