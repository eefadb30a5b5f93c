"""The review pages: the list (with the statutory steps overdue, for the SENCO), a plan's
reviews and booking one, a review with its timeline, views, evidence, record and
decisions, the forms for each, the pack (PDF), and a parent's view from the parent pages.

Every review comes through its pupil's scope (services.get_review: access.get_scoped);
out of scope is a 404, exactly as a review that does not exist. Every page about a
pupil writes an access row."""

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.plans.models import Plan, Target

from . import pack, prompts, selectors, services, statutory
from .forms import DecisionForm, RecordForm, ScheduleForm, StepForm, ViewForm
from .models import ReviewMeeting, ReviewView

VIEW_AUTHOR_LABELS = {
    "pupil": "The pupil's name, as they like to be called",
    "teacher": "Your name and role",
    "ta": "Your name and role",
    "agency": "Agency and the professional's name (e.g. Educational psychologist, Dr A Khan)",
}

ADD_VIEW = {
    "pupil": "Add the pupil's view",
    "teacher": "Add your view as their teacher",
    "ta": "Add your view as their TA",
    "agency": "Add an agency's advice",
}


def _posted(request):
    return request.POST if request.method == "POST" else None


NOT_SAVED = object()


def _save(request, form, write, done: str, aliases=None):
    """The POST half of every form here: when the form is valid, `write()` (a service
    call); its result, with `done` as the message, or NOT_SAVED with each refusal beside
    its field (the page then answers 422 with what was typed)."""
    if not form.is_valid():
        return NOT_SAVED
    try:
        result = write()
    except ServiceError as error:
        apply_service_errors(form, error, aliases)
        return NOT_SAVED
    messages.success(request, done)
    return result


@login_required
@require_GET
def reviews_list(request):
    if not access.schools_where(request.user, "school_staff"):
        raise Http404
    today = timezone.localdate()
    rows = selectors.review_rows(request.user, today)
    record_access_many(actor=request.user, pupils=[r.review.pupil for r in rows], what="reviews")
    context = {
        "overdue": [r for r in rows if r.overdue],
        "rows": [r for r in rows if not r.overdue],
        "to_book": selectors.plans_to_book(request.user, today),
        "today": today,
    }
    return render(request, "reviews/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reviews_plan(request, plan_id):
    """A plan's reviews, and booking the next one."""
    plan = access.get_scoped(
        request.user, Plan.objects.select_related("pupil", "pupil__year_group"), plan_id
    )
    kinds = [
        k
        for k in ReviewMeeting.Kind.values
        if services.may_run(request.user, plan.pupil.school_id, k)
    ]
    form = ScheduleForm(
        _posted(request),
        initial={"kind": "annual" if plan.kind == Plan.Kind.EHCP else "termly",
                 "date": plan.review_date},
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        if not kinds:
            raise Http404
        d = form.cleaned_data if form.is_valid() else {}
        review = _save(request, form, lambda: services.review_schedule(
            actor=request.user, plan=plan, kind=d.get("kind") or "", date=d.get("date"),
        ), "Review booked.", {"plan_id": None})  # fmt: skip
        if review is not NOT_SAVED:
            return redirect("reviews_detail", review.pk)
        status = 422
    record_access(actor=request.user, pupil=plan.pupil, what="reviews")
    today = timezone.localdate()
    context = {
        "plan": plan,
        "pupil": plan.pupil,
        "rows": selectors.review_rows(request.user, today, plan=plan),
        "form": form,
        "may_book": bool(kinds),
    }
    return render(request, "reviews/plan.html", context, status=status)


def _detail_context(request, review):
    today = timezone.localdate()
    since, until = selectors.period(review, today)
    school_id = review.pupil.school_id
    return {
        "review": review,
        "pupil": review.pupil,
        "plan": review.plan,
        "today": today,
        "since": since,
        "until": until,
        "steps": selectors.steps(review, today),
        "views": selectors.views_by_kind(review),
        "groups": selectors.plan_with_targets(review),
        "attendees": list(review.attendees.all()),
        "sections": selectors.sections(review.pupil, since, until),
        "decisions": selectors.decisions(review),
        "may_run": services.may_run(request.user, school_id, review.kind),
        "may_decide": services.may_run(request.user, school_id, review.kind)
        and access.can(request.user, school_id, "write_plans"),
        "step_form": StepForm(initial={"on": today}),
        "open": review.status == ReviewMeeting.Status.PLANNED,
        "held": review.status == ReviewMeeting.Status.HELD,
        "meeting_come": review.date <= today,
        "view_kinds": [
            (k, label) for k, label in ADD_VIEW.items()
            if k != "agency" or services.may_run(request.user, school_id, review.kind)
        ],
    }  # fmt: skip


@login_required
@require_GET
# The evidence section draws its photos as data: URIs (the same markup goes into the PDF).
@csp_update({"img-src": ["data:"]})
def reviews_detail(request, pk):
    review = services.get_review(request.user, pk)
    record_access(actor=request.user, pupil=review.pupil, what="review")
    return render(request, "reviews/detail.html", _detail_context(request, review))


@login_required
@require_POST
def reviews_step(request, pk):
    review = services.get_review(request.user, pk)
    form = StepForm(request.POST)
    saved = _save(request, form, lambda: services.review_step(
        actor=request.user, review=review, step=form.cleaned_data["step"],
        on=form.cleaned_data["on"],
    ), "Step recorded.", {"step": None})  # fmt: skip
    if saved is not NOT_SAVED:
        return redirect(reverse("reviews_detail", args=[review.pk]) + "#timeline")
    record_access(actor=request.user, pupil=review.pupil, what="review")
    context = _detail_context(request, review)
    context["step_form"] = form
    return render(request, "reviews/detail.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def reviews_view(request, pk, kind):
    """Add (or rewrite, before the meeting) a view: the pupil's, as they said it to the
    adult writing it down; the adult's own; or an agency's advice (the SENCO)."""
    review = services.get_review(request.user, pk)
    if kind not in services.STAFF_VIEW_KINDS:
        raise Http404
    if kind == "agency" and not services.may_run(request.user, review.pupil.school_id, review.kind):
        raise Http404
    initial = {"author": review.pupil.name if kind == "pupil" else request.user.full_name}
    mine = review.views.filter(kind=kind, written_by=request.user).order_by("-written_at").first()
    if mine is not None and kind != "agency":
        initial = {"author": mine.author, **mine.answers}
    form = ViewForm(_posted(request), kind=kind, author_label=VIEW_AUTHOR_LABELS[kind],
                    initial=initial)  # fmt: skip
    status = 200
    if request.method == "POST":
        saved = _save(request, form, lambda: services.view_save(
            actor=request.user, review=review, kind=kind,
            author=form.cleaned_data.get("author", ""), answers=form.answers(),
        ), "View saved for the review.")  # fmt: skip
        if saved is not NOT_SAVED:
            return redirect(reverse("reviews_detail", args=[review.pk]) + "#views")
        status = 422
    record_access(actor=request.user, pupil=review.pupil, what="review")
    context = {
        "review": review,
        "pupil": review.pupil,
        "form": form,
        "kind": kind,
        "kind_label": dict(ReviewView.Kind.choices)[kind],
        "closed": review.status != ReviewMeeting.Status.PLANNED,
    }
    return render(request, "reviews/view_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reviews_record(request, pk):
    review = services.get_review(request.user, pk)
    if not services.may_run(request.user, review.pupil.school_id, review.kind):
        raise Http404
    targets = list(Target.objects.filter(plan=review.plan).order_by("order", "text"))
    form = RecordForm(_posted(request), review=review, targets=targets,
                      initial={"next_review_date": _next_default(review)})  # fmt: skip
    status = 200
    if request.method == "POST":
        saved = _save(request, form, lambda: services.review_record(
            actor=request.user, review=review, data=form.record_data(),
        ), "The meeting is recorded.")  # fmt: skip
        if saved is not NOT_SAVED:
            return redirect("reviews_detail", review.pk)
        status = 422
    record_access(actor=request.user, pupil=review.pupil, what="review")
    context = {"review": review, "pupil": review.pupil, "form": form,
               "held": review.status != ReviewMeeting.Status.PLANNED}  # fmt: skip
    return render(request, "reviews/record_form.html", context, status=status)


def _next_default(review):
    if review.kind == ReviewMeeting.Kind.ANNUAL:
        return statutory.add_year(review.date) - timezone.timedelta(days=14)
    return review.date + timezone.timedelta(weeks=13)


@login_required
@require_http_methods(["GET", "POST"])
def reviews_decide(request, pk):
    review = services.get_review(request.user, pk)
    school_id = review.pupil.school_id
    if not (services.may_run(request.user, school_id, review.kind)
            and access.can(request.user, school_id, "write_plans")):  # fmt: skip
        raise Http404
    targets = list(Target.objects.filter(plan=review.plan, status=Target.Status.OPEN))
    provisions = selectors.provisions_in_force(review)
    form = DecisionForm(_posted(request), targets=targets, provisions=provisions,
                        initial={"target_id": request.GET.get("target", "")})  # fmt: skip
    status = 200
    if request.method == "POST":
        saved = _save(request, form, lambda: services.review_decide(
            actor=request.user, review=review, kind=form.cleaned_data["kind"] or "",
            data=form.decision_data(),
        ), "Decision recorded, and the plan updated.")  # fmt: skip
        if saved is not NOT_SAVED:
            return redirect(reverse("reviews_detail", args=[review.pk]) + "#decisions")
        status = 422
    record_access(actor=request.user, pupil=review.pupil, what="review")
    context = {"review": review, "pupil": review.pupil, "form": form,
               "decisions": selectors.decisions(review)}  # fmt: skip
    return render(request, "reviews/decide_form.html", context, status=status)


@login_required
@require_GET
def reviews_pack(request, pk):
    review = services.get_review(request.user, pk)
    if not services.may_run(request.user, review.pupil.school_id, review.kind):
        raise Http404
    record_access(actor=request.user, pupil=review.pupil, what="review pack")
    response = HttpResponse(pack.pack_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename(review)}"'
    return response


# --- Parents ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reviews_family_view(request, pupil_id, pk):
    """A parent's view for their own child's review, in plain English, from the parent
    pages. Any other child, or a review not theirs, is a 404."""
    child = access.get_child(request.user, pupil_id)
    review = (
        ReviewMeeting.objects.select_related("pupil", "plan")
        .filter(pupil=child)
        .exclude(status=ReviewMeeting.Status.CANCELLED)
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404
    mine = review.views.filter(kind=ReviewView.Kind.PARENT, written_by=request.user).first()
    form = ViewForm(_posted(request), kind="parent", initial=mine.answers if mine else {})
    status = 200
    if request.method == "POST":
        saved = _save(request, form, lambda: services.parent_view_save(
            actor=request.user, review=review, answers=form.answers(),
        ), "Thank you: your views are with the school.")  # fmt: skip
        if saved is not NOT_SAVED:
            return redirect("family_child", child.pk)
        status = 422
    record_access(actor=request.user, pupil=child, what="parent view")
    context = {
        "child": child,
        "review": review,
        "form": form,
        "sent": mine,
        "closed": review.status != ReviewMeeting.Status.PLANNED,
        "questions": prompts.PARENT,
    }
    return render(request, "reviews/family_view.html", context, status=status)
