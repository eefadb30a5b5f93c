"""Appraisal, CPD, certificates, required training and induction pages. Every record is
fetched through appraisal.rules (404 for anyone who may not see it, exactly as for one that
does not exist); writes go through appraisal.services; views stay thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk.accounts.models import User
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools import capabilities
from sendesk.staff import access as staff_access
from sendesk.staff.models import Training
from sendesk.staff.selectors import school_staff, status_of

from . import needs, rules, services
from .evidence import appraisal_evidence
from .forms import (
    AmendForm,
    AppraisalStartForm,
    CertificateForm,
    CpdForm,
    InductionForm,
    ManagerReviewForm,
    ObjectiveForm,
    OwnReviewForm,
    RequiredForm,
)
from .models import (
    AmendmentConfirmation,
    Certificate,
    CpdEntry,
    Induction,
    InductionItem,
    Objective,
    RequiredTraining,
    Review,
    ReviewAmendment,
)
from .standards import AREAS, BANDS, STANDARDS

AREA_LABELS, BAND_LABELS = dict(AREAS), dict(BANDS)


def _fail(form, error):
    apply_service_errors(form, error.errors)
    return error.status


def _amend_failed(reason, form, error):
    """An amendment's errors: the reason's (and the whole form's) on the reason form, the
    rest beside their fields."""
    mine = ("reason", "__all__")
    apply_service_errors(reason, {k: v for k, v in error.errors.items() if k in mine})
    apply_service_errors(form, {k: v for k, v in error.errors.items() if k not in mine})
    return error.status


# --- Appraisal ------------------------------------------------------------------------


def _managing_schools(user) -> dict[int, list]:
    """{school_id: [people whose appraisal `user` may open there]}: the head/admin's whole
    staff, a line manager's team. Two or three queries."""
    out = {}
    for school_id in sorted(capabilities.schools_where(user, rules.APPRAISE_ALL)):
        out[school_id] = [p for p in school_staff(school_id) if p.pk != user.pk]
    team = staff_access.managed_members(user).select_related("user").order_by("user__full_name")
    for member in team:
        if member.school_id not in out:
            out.setdefault(member.school_id, []).append(member.user)
    return out


@login_required
@require_GET
def appraisal_list(request):
    if not capabilities.schools_where(request.user, "school_staff"):
        raise Http404
    rows = list(
        rules.visible_appraisals(request.user)
        .select_related("appraisee")
        .order_by("-year", "appraisee__full_name")
    )
    waiting = _waiting_for(request.user, rows)
    for row in rows:
        row.waiting = row.pk in waiting
    mine = [a for a in rows if a.appraisee_id == request.user.pk]
    others = [a for a in rows if a.appraisee_id != request.user.pk]
    may_start = bool(_managing_schools(request.user))
    return render(request, "appraisal/list.html",
                  {"mine": mine, "others": others, "may_start": may_start})  # fmt: skip


def _waiting_for(user, rows) -> set[int]:
    """The appraisals among `rows` amended after sign-off by the other party and waiting
    for `user` to give their sign-off again: how the appraisee and the line manager are
    told (the app sends no e-mail about appraisals). One query."""
    pending = ReviewAmendment.objects.filter(
        review__appraisal__in=[a.pk for a in rows], confirmation__isnull=True
    ).values_list("review__appraisal_id", "review__appraisal__appraisee_id", "amended_by_id")
    out = set()
    for appraisal_id, appraisee_id, amended_by in pending:
        by_appraisee = amended_by == appraisee_id
        if by_appraisee != (user.pk == appraisee_id):
            out.add(appraisal_id)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_new(request):
    schools = _managing_schools(request.user)
    school_id = capabilities.pick_school(set(schools), request.GET.get("school") or None)
    this_year = services.school_year(timezone.localdate())
    form = AppraisalStartForm(
        request.POST if request.method == "POST" else None,
        people=schools[school_id],
        years=[this_year, this_year + 1, this_year - 1],
        initial={"year": this_year, "appraisee_id": request.GET.get("person", "")},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                appraisal = services.appraisal_start(
                    actor=request.user, school_id=school_id, **form.cleaned_data
                )
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, "Appraisal opened: agree the objectives first.")
                return redirect("appraisal_detail", pk=appraisal.pk)
    return render(request, "appraisal/new.html", {"form": form}, status=status)


FIELD_LABELS = {"held_on": "Date of the meeting", "summary": "Line manager's summary",
                "cpd_plan": "CPD plan", "own_review": "Own review"}  # fmt: skip
OBJECTIVE_LABELS = {"text": "wording", "success_criteria": "success criteria", "area": "area",
                    "standards": "standards"}  # fmt: skip


def _change_lines(amendment, numbers) -> list[tuple]:
    """(what, old, new) per change of an amendment, in words (ReviewAmendment.changes)."""
    lines = []
    for key, (old, new) in amendment.changes.items():
        kind, _, rest = key.partition(":")
        if kind == "judgement":
            label = f"Judgement, {AREA_LABELS.get(rest, rest)}"
        elif kind == "objective":
            pk, _, field = rest.partition(":")
            label = f"Objective {numbers.get(int(pk), '')}, {OBJECTIVE_LABELS.get(field, field)}"
        else:
            label = FIELD_LABELS.get(key, key)
        lines.append((label, old, new))
    return lines


def _stages(appraisal, objectives):
    """The three stages in order, each with its judgements by area, its amendments in
    words and whose re-confirmation they wait for (review.waiting_for: 'appraisee' and/or
    'manager'); each objective gains its own amendments (objective.history)."""
    reviews = list(appraisal.reviews.prefetch_related(
        "judgements", "amendments__amended_by", "amendments__confirmation__confirmed_by"
    ).select_related("manager_signed_by"))  # fmt: skip
    order = {s.value: n for n, s in enumerate(Review.Stage)}
    reviews.sort(key=lambda r: order[r.stage])
    numbers = {o.pk: n for n, o in enumerate(objectives, start=1)}
    by_objective = {o.pk: o for o in objectives}
    for o in objectives:
        o.history = []
    for review in reviews:
        review.by_area = {j.area: j for j in review.judgements.all()}
        review.areas = [(label, STANDARDS[key], review.by_area.get(key)) for key, label in AREAS]
        review.amendment_list = list(review.amendments.all())
        review.waiting_for = set()
        for a in review.amendment_list:
            a.lines = _change_lines(a, numbers)
            a.confirms = services.confirms(a, appraisal.appraisee_id)
            a.confirmed = _confirmation(a)
            if a.confirmed is None:
                review.waiting_for.add(a.confirms)
            for key in {k.split(":")[1] for k in a.changes if k.startswith("objective:")}:
                if int(key) in by_objective:
                    by_objective[int(key)].history.append(a)
    return reviews


def _confirmation(amendment):
    try:
        return amendment.confirmation
    except AmendmentConfirmation.DoesNotExist:
        return None


@login_required
@require_GET
def appraisal_detail(request, pk):
    appraisal = rules.get_appraisal(request.user, pk)
    role = "appraisee" if request.user.pk == appraisal.appraisee_id else (
        "manager" if rules.may_manage(request.user, appraisal) else "reader"
    )  # fmt: skip
    objectives = list(appraisal.objectives.all())
    reviews = _stages(appraisal, objectives)
    start = reviews[0]
    day = timezone.localdate()
    context = {
        "appraisal": appraisal,
        "role": role,
        "reviews": reviews,
        "objectives": objectives,
        "objectives_open": not start.signed_off and role != "reader",
        "objectives_fixed": start.signed_off,
        "evidence": appraisal_evidence(appraisal, day),
        "lacking": needs.lacking_for(
            appraisal.school_id, appraisal.appraisee_id, day, reader=request.user
        ),
        "area_labels": AREA_LABELS,
    }
    return render(request, "appraisal/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request, pk):
    appraisal = rules.get_appraisal(request.user, pk)
    # Once the start of the year is signed off by both the page says so instead of a form.
    locked = appraisal.reviews.filter(
        stage=Review.Stage.START, appraisee_signed_at__isnull=False,
        manager_signed_at__isnull=False,
    ).exists()  # fmt: skip
    form = ObjectiveForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.objective_add(actor=request.user, appraisal=appraisal,
                                       **form.cleaned_data)  # fmt: skip
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, "Objective added.")
                return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + "#h-objectives")
    context = {"appraisal": appraisal, "form": form, "standards": STANDARDS, "areas": AREAS,
               "locked": locked}  # fmt: skip
    return render(request, "appraisal/objective_form.html", context, status=status)


def _review(request, pk, stage):
    appraisal = rules.get_appraisal(request.user, pk)
    if stage not in Review.Stage.values:
        raise Http404
    review = appraisal.reviews.get(stage=stage)
    review.appraisal = appraisal
    return appraisal, review


def _review_initial(review):
    initial = {"held_on": review.held_on, "summary": review.summary,
               "cpd_plan": review.cpd_plan, "own_review": review.own_review}  # fmt: skip
    for j in review.judgements.all():
        initial[f"band_{j.area}"] = j.band
        initial[f"comment_{j.area}"] = j.comment
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, pk, stage):
    appraisal, review = _review(request, pk, stage)
    manager = rules.may_manage(request.user, appraisal)
    if not manager and request.user.pk != appraisal.appraisee_id:
        raise Http404
    if review.signed_off:
        return redirect("review_amend", pk=appraisal.pk, stage=stage)
    form_class = ManagerReviewForm if manager else OwnReviewForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=_review_initial(review))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.review_save(actor=request.user, review=review, data=form.cleaned_data)
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, f"Saved: {review.get_stage_display().lower()}.")
                return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + f"#h-{stage}")
    context = {"appraisal": appraisal, "review": review, "form": form, "manager": manager}
    return render(request, "appraisal/review_form.html", context, status=status)


@login_required
@require_POST
def review_sign(request, pk, stage):
    appraisal, review = _review(request, pk, stage)
    try:
        review = services.review_sign(actor=request.user, review=review)
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        words = "signed off by both and fixed" if review.signed_off else "signed"
        messages.success(request, f"{review.get_stage_display()}: {words}.")
    return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + f"#h-{stage}")


@login_required
@require_http_methods(["GET", "POST"])
def review_amend(request, pk, stage):
    appraisal, review = _review(request, pk, stage)
    manager = rules.may_manage(request.user, appraisal)
    if not manager and request.user.pk != appraisal.appraisee_id:
        raise Http404
    if not review.signed_off:
        return redirect("review_edit", pk=appraisal.pk, stage=stage)
    part = ManagerReviewForm if manager else OwnReviewForm
    data = request.POST if request.method == "POST" else None
    form = part(data, initial=_review_initial(review))
    reason = AmendForm(data)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and reason.is_valid():
            fields = services.MANAGER_FIELDS if manager else services.APPRAISEE_FIELDS
            values = {k: form.cleaned_data.get(k) for k in fields}
            if manager:  # the judgement per area too
                values.update({k: v for k, v in form.cleaned_data.items()
                               if k.startswith(("band_", "comment_"))})  # fmt: skip
            try:
                services.review_amend(
                    actor=request.user,
                    review=review,
                    reason=reason.cleaned_data["reason"],
                    data=values,
                )
            except ServiceError as error:
                status = _amend_failed(reason, form, error)
            else:
                messages.success(request, "Amended: the earlier wording is kept with the reason.")
                return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + f"#h-{stage}")
    context = {"appraisal": appraisal, "review": review, "form": form, "reason": reason,
               "manager": manager, "amending": True}  # fmt: skip
    return render(request, "appraisal/review_form.html", context, status=status)


@login_required
@require_POST
def review_confirm(request, pk, stage):
    """Give one's sign-off again after the other party amended a signed-off stage."""
    appraisal, review = _review(request, pk, stage)
    try:
        services.review_confirm(actor=request.user, review=review)
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, f"{review.get_stage_display()}: your sign-off is given again.")
    return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + f"#h-{stage}")


@login_required
@require_http_methods(["GET", "POST"])
def objective_amend(request, pk, objective_id):
    """Correct an objective signed off at the start of the year: the line manager or head,
    with a reason; the old wording stays in the amendment."""
    appraisal = rules.get_appraisal(request.user, pk)
    objective = Objective.objects.filter(appraisal=appraisal, pk=rules._pk(objective_id)).first()
    if objective is None:
        raise Http404
    objective.appraisal = appraisal
    manager = rules.may_manage(request.user, appraisal)
    data = request.POST if request.method == "POST" and manager else None
    initial = {name: getattr(objective, name) for name in services.OBJECTIVE_FIELDS}
    form = ObjectiveForm(data, initial=initial)
    reason = AmendForm(data)
    status = 200 if manager else 403
    if data is not None:
        status = 422
        form.is_valid()
        reason.is_valid()
        try:
            services.objective_amend(actor=request.user, objective=objective,
                                     reason=reason.cleaned_data.get("reason"),
                                     **{k: form.cleaned_data.get(k) for k in initial})  # fmt: skip
        except ServiceError as error:
            status = _amend_failed(reason, form, error)
        else:
            messages.success(request, "Objective amended: the earlier wording is kept with the "
                             "reason.")  # fmt: skip
            return redirect(reverse("appraisal_detail", args=[appraisal.pk]) + "#h-objectives")
    context = {"appraisal": appraisal, "objective": objective, "form": form, "reason": reason,
               "manager": manager, "standards": STANDARDS, "areas": AREAS}  # fmt: skip
    return render(request, "appraisal/objective_amend.html", context, status=status)


# --- Training, certificates and the CPD log ----------------------------------------------


def _person_page(request, person_id):
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    day = timezone.localdate()
    training = list(
        Training.objects.filter(user_id=person_id)
        .select_related("certificate")
        .defer("certificate__data")
        .order_by("kind", "-completed_on")
    )
    for row in training:
        row.status = status_of(row, day)
        row.has_certificate = _has_certificate(row)
    school_id = rules.school_of(request.user, person_id)
    context = {
        "person": person,
        "own": person_id == request.user.pk,
        "training": training,
        "cpd": list(CpdEntry.objects.filter(user_id=person_id)),
        "may_keep": rules.may_keep_training(request.user, person_id),
        "lacking": needs.lacking_for(school_id, person_id, day, reader=request.user),
        "day": day,
    }
    return render(request, "appraisal/cpd.html", context)


def _has_certificate(training) -> bool:
    try:
        return training.certificate is not None
    except Certificate.DoesNotExist:
        return False


@login_required
@require_GET
def cpd_mine(request):
    if not capabilities.schools_where(request.user, "school_staff"):
        raise Http404
    return _person_page(request, request.user.pk)


@login_required
@require_GET
def cpd_person(request, user_id):
    return _person_page(request, rules.get_person_training(request.user, user_id))


@login_required
@require_http_methods(["GET", "POST"])
def cpd_new(request, user_id):
    person_id = rules.get_person_training(request.user, user_id)
    if not rules.may_keep_training(request.user, person_id):
        raise Http404
    form = CpdForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.cpd_add(actor=request.user, user_id=person_id, **form.cleaned_data)
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, "Added to the CPD log.")
                return redirect("cpd_person", user_id=person_id)
    person = User.objects.get(pk=person_id)
    return render(request, "appraisal/cpd_form.html", {"form": form, "person": person},
                  status=status)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def certificate_upload(request, pk):
    training = rules.get_training(request.user, pk)
    if not rules.may_keep_training(request.user, training.user_id):
        raise Http404
    posted = request.method == "POST"
    form = CertificateForm(request.POST, request.FILES) if posted else CertificateForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.certificate_upload(
                    actor=request.user, training=training, upload=form.cleaned_data["file"]
                )
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, "Certificate saved.")
                return redirect("cpd_person", user_id=training.user_id)
    context = {"form": form, "training": training, "has": _has_certificate(training)}
    return render(request, "appraisal/certificate_form.html", context, status=status)


@login_required
@require_GET
def certificate_download(request, pk):
    """The certificate file, after the access check; never cached by a shared cache, never
    sniffed into something else, always a download (not shown inside the site)."""
    training = rules.get_training(request.user, pk)
    cert = Certificate.objects.filter(training=training).first()
    if cert is None:
        raise Http404
    response = HttpResponse(bytes(cert.data), content_type=cert.content_type)
    safe = "".join(c for c in cert.name if c.isalnum() or c in "._- ") or "certificate"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The SENCO's page: required training, who lacks it, who expires soon, inductions ------


@login_required
@require_GET
def training_needs(request):
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    day = timezone.localdate()
    context = {
        **needs.needs_page(school_id, day, reader=request.user),
        "day": day,
        "rules": list(RequiredTraining.objects.filter(school_id=school_id)),
        "form": RequiredForm(),
        "inductions": _inductions(school_id),
    }
    return render(request, "appraisal/needs.html", context)


def _inductions(school_id):
    rows = list(Induction.objects.filter(school_id=school_id).select_related("user", "mentor"))
    counts = {}
    for induction_id, done in InductionItem.objects.filter(
        induction__school_id=school_id
    ).values_list("induction_id", "done_on"):
        total, ticked = counts.get(induction_id, (0, 0))
        counts[induction_id] = (total + 1, ticked + (done is not None))
    for row in rows:
        row.total, row.done = counts.get(row.pk, (0, 0))
    return rows


@login_required
@require_POST
def required_add(request):
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    form = RequiredForm(request.POST)
    form.is_valid()
    try:
        services.required_add(actor=request.user, school_id=school_id,
                              post=form.cleaned_data.get("post"),
                              kind=form.cleaned_data.get("kind"))  # fmt: skip
    except ServiceError as error:
        apply_service_errors(form, error.errors)
        day = timezone.localdate()
        context = {
            **needs.needs_page(school_id, day, reader=request.user),
            "day": day,
            "rules": list(RequiredTraining.objects.filter(school_id=school_id)),
            "form": form,
            "inductions": _inductions(school_id),
        }
        return render(request, "appraisal/needs.html", context, status=error.status)
    messages.success(request, "Required training added.")
    return redirect(reverse("training_needs") + "#h-rules")


@login_required
@require_POST
def required_remove(request, pk):
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    services.required_remove(actor=request.user, school_id=school_id, rule_id=pk)
    messages.success(request, "Required training removed.")
    return redirect(reverse("training_needs") + "#h-rules")


@login_required
@require_http_methods(["GET", "POST"])
def induction_new(request):
    school_id = capabilities.oversight_school(request.user, request.GET.get("school") or None)
    staff = list(school_staff(school_id))
    form = InductionForm(request.POST if request.method == "POST" else None, staff=staff,
                         initial={"started_on": timezone.localdate()})  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                induction = services.induction_start(
                    actor=request.user, school_id=school_id, **form.cleaned_data
                )
            except ServiceError as error:
                status = _fail(form, error)
            else:
                messages.success(request, "Induction started with its checklist.")
                return redirect("induction_detail", pk=induction.pk)
    return render(request, "appraisal/induction_form.html", {"form": form}, status=status)


def _get_induction(user, pk) -> Induction:
    """The inductee, their mentor, their line manager, and the SENCO and head."""
    induction = Induction.objects.select_related("user", "mentor").filter(pk=rules._pk(pk)).first()
    if induction is None:
        raise Http404
    if (
        user.pk in (induction.user_id, induction.mentor_id)
        or capabilities.can(user, induction.school_id, "oversee")
        or rules.is_line_manager(user, induction.school_id, induction.user_id)
    ):
        return induction
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def induction_detail(request, pk):
    induction = _get_induction(request.user, pk)
    may_tick = services.may_tick(request.user, induction)
    if request.method == "POST":
        if not may_tick:
            raise Http404
        item = induction.items.filter(pk=rules._pk(request.POST.get("item"))).first()
        if item is None:
            raise Http404
        item.induction = induction
        services.induction_tick(actor=request.user, item=item,
                                done=request.POST.get("done") == "1")  # fmt: skip
        if request.htmx:
            return render(request, "appraisal/induction.html#item",
                          {"item": item, "induction": induction, "may_tick": may_tick})  # fmt: skip
        return redirect(reverse("induction_detail", args=[induction.pk]) + f"#item-{item.pk}")
    items = list(induction.items.select_related("done_by"))
    context = {"induction": induction, "items": items, "may_tick": may_tick,
               "done": sum(1 for i in items if i.done_on)}  # fmt: skip
    return render(request, "appraisal/induction.html", context)
