"""The TA's and the teacher's pages: My day with its quick session form, a session record
and its corrections, and the teacher's feed. Every read goes through the access layer and
the provision selectors; every write through provision.services."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, small_int
from sendesk.lib.paths import Paths
from sendesk.lib.registry import declared
from sendesk.pupils.amendments import Wording, changes_in_words

from . import selectors, services
from .forms import AmendForm, ProvisionEndForm, ProvisionForm, SessionForm
from .models import Attendance, MissedReason, Provision, Rating, Session, SessionPupil, TargetRating

FEED_PAGE_SIZE = 30


def _day_from(raw: str | None, today: dt.date) -> tuple[dt.date, str]:
    """The day asked for in ?date=, and what is wrong with it ('' when nothing is)."""
    if not raw:
        return today, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, "That is not a date. Give it as YYYY-MM-DD, like 2026-11-17."
    if day > today:
        return day, (
            f"{day:%A %-d %B %Y} hasn't happened yet: sessions can't be recorded for the future."
        )
    if day < today - dt.timedelta(days=366):
        return today, "My day goes back one year. Use the pupil's page for older records."
    return day, ""


def _prev_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.isoweekday() > 5:
        day -= dt.timedelta(days=1)
    return day


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return day


def _require_recorder(user) -> None:
    # A page that leads nowhere for this person looks like any other page they can't have.
    if not access.schools_where(user, "record_sessions"):
        raise Http404


def _my_day_url(day: dt.date, today: dt.date) -> str:
    url = reverse("my_day")
    return url if day == today else f"{url}?{urlencode({'date': day.isoformat()})}"


def _card(
    provision,
    *,
    day,
    done=None,
    form=None,
    just_recorded=False,
    another=False,
    opened=False,
    read_only=False,
    record_url=None,
):
    """What one provision's card on My day needs. `day` is a date or, after a failed post,
    the date as it was typed. A card with neither `done` nor `form` is the compact summary
    whose "Record this session" loads the form (`opened` when it came that way), or, when
    `read_only`, the plan for a day that has not come yet."""
    day_text = day.isoformat() if isinstance(day, dt.date) else str(day)
    prefix = f"c{provision.pk.hex}"
    is_today = day_text == timezone.localdate().isoformat()
    # Given by a page of many cards from one reverse() (lib.paths.Paths); one card reverses it.
    record_url = record_url or reverse("session_record", args=[provision.pk])
    return {
        "provision": provision,
        "pupil": provision.pupil,
        "done": done,
        "form": form,
        "day": day_text,
        "draft_key": f"provision-{provision.pk}-{day_text}",
        "day_label": f"{day:%A %-d %B}" if isinstance(day, dt.date) else day_text,
        "is_today": is_today,
        "record_url": record_url,
        # "Record this session": the day in the link unless it is today.
        "open_url": record_url if is_today else f"{record_url}?{urlencode({'date': day_text})}",
        "prefix": prefix,
        "error_links": form.error_links(prefix) if form is not None and form.is_bound else [],
        "just_recorded": just_recorded,
        "another": another,
        "opened": opened,
        "read_only": read_only,
        "ratings": _saved_ratings(done),
        "targets": _open_targets(provision) if done is None and form is None else [],
    }


def _open_targets(provision) -> list:
    """The targets a compact card lists: as My day's selector gathered them (plain values),
    or from the provision's targets."""
    gathered = getattr(provision, "open_targets", None)
    return list(provision.targets.all()) if gathered is None else gathered


def _strategies(pupil) -> list:
    """The strategies a pupil's header lists: as My day's selector gathered them, or from
    the pupil's strategies."""
    gathered = getattr(pupil, "strategy_list", None)
    return list(pupil.strategies.all()) if gathered is None else gathered


_RATING_WORDS = dict(Rating.choices)


def _saved_ratings(done) -> list[tuple[str, str]]:
    """(target, rating) in words for each rating saved with a recorded card: as the
    selector or the save gathered them, or (a record fetched on its own) from the
    database."""
    if done is None:
        return []
    saved = getattr(done, "saved_ratings", None)
    if saved is None:
        saved = done.ratings.all()
    return [(r.target.text, _RATING_WORDS.get(r.rating, r.rating)) for r in saved]


def _day_groups(user, day, open_schools, *, read_only=False):
    """The cards of `day`, grouped by pupil: compact summaries, or the saved record."""
    groups = {}
    paths = Paths()
    for provision, done in selectors.my_day(user, day, open_schools):
        group = groups.setdefault(
            provision.pupil_id,
            {"pupil": provision.pupil, "strategies": _strategies(provision.pupil), "cards": []},
        )
        group["cards"].append(
            _card(
                provision,
                day=day,
                done=done,
                read_only=read_only,
                record_url=paths("session_record", provision.pk),
            )
        )
    return list(groups.values())


@login_required
@require_GET
def my_day(request):
    """The day's cards as compact summaries: the recording form loads when a card is opened
    (its link is the session record page, so it works with no script too). Out of school
    today, the next school day's plan, to read. Not found for those who record nothing
    (a parent, a therapist, the DSL as such)."""
    _require_recorder(request.user)
    today = timezone.localdate()
    day, problem = _day_from(request.GET.get("date"), today)
    closed, pupils, plan_day = "", [], None
    if not problem:
        closed, open_schools = selectors.not_school_day(request.user, day)
        if not closed:
            pupils = _day_groups(request.user, day, open_schools)
        elif day == today:
            plan_day, open_schools = selectors.next_school_day(request.user, today)
            if plan_day is not None:
                pupils = _day_groups(request.user, plan_day, open_schools, read_only=True)
        if pupils:
            record_access_many(
                actor=request.user, pupils=[g["pupil"] for g in pupils], what="my day"
            )
    context = {
        "day": day,
        "today": today,
        "problem": problem,
        "closed": closed,
        # Lines other apps add (the deployment plan: where to be when, and what nobody
        # covers), through the registry: provision imports none of them.
        "lines": _lines(request.user, plan_day or day) if not problem else [],
        "plan_day": plan_day,
        "pupils": pupils,
        "prev_url": _my_day_url(_prev_weekday(min(day, today)), today),
        # Never a link to a day that has not come (that answers 400): from Friday, seen on
        # a Sunday, "next day" is today's My day, which shows Monday's plan to read.
        "next_url": _my_day_url(min(_next_weekday(day), today), today) if day < today else "",
        "today_url": reverse("my_day"),
    }
    return render(request, "provision/my_day.html", context, status=400 if problem else 200)


def _lines(user, day) -> list[dict]:
    return [line for lines_of in declared("my_day_lines") for line in lines_of(user, day)]


def _provision_for(user, provision_id, *, strategies=True) -> Provision:
    """The provision, if its pupil is in the user's scope and they may record sessions
    there; Http404 otherwise, the same as when it does not exist. The pupil's strategies
    only when the page shows them."""
    # The pupil's header (its year group and strategies) only when the page shows it.
    header = ["pupil__year_group"] if strategies else []
    provisions = Provision.objects.select_related("pupil", *header)
    if strategies:
        provisions = provisions.prefetch_related("pupil__strategies")
    provision = access.get_scoped(user, provisions, provision_id)
    access.require(user, provision.pupil.school_id, "record_sessions")
    return provision


@login_required
@require_http_methods(["GET", "POST"])
def session_record(request, provision_id):
    """GET: the quick form for one provision (a card, or a page without htmx). POST: record
    it; success shows the card's recorded state, failure the form as typed with a 422."""
    # The card htmx swaps in after a post has no pupil header: no strategies to fetch.
    posted_card = request.method == "POST" and bool(request.htmx)
    provision = _provision_for(request.user, provision_id, strategies=not posted_card)
    today = timezone.localdate()
    if request.method == "GET":
        day, problem = _day_from(request.GET.get("date"), today)
        if problem:
            day = today
        targets = services.targets_in_force(provision.pk)
        form = SessionForm(provision=provision, day=day, targets=targets)
        card = _card(
            provision,
            day=day,
            form=form,
            another="another" in request.GET,
            opened=bool(request.htmx),
        )
        record_access_many(actor=request.user, pupils=[provision.pupil], what="session form")
        return _render_card(request, card, 200)

    # The save reads the targets it is sent ratings for (the service checks whose they
    # are); the targets in force are read only to draw the form again after a refusal.
    form = SessionForm(request.POST, provision=provision, day=today)
    refusal = None
    if form.is_valid():
        try:
            session, created = services.session_record(
                actor=request.user, **form.service_kwargs(services.PupilRecord)
            )
        except ServiceError as exc:
            refusal = exc
        else:
            return _recorded(request, provision, session, today, created=created)
    form.offer_targets(services.targets_in_force(provision.pk))
    if refusal is not None:
        apply_service_errors(form, refusal.errors)
    card = _card(provision, day=_posted_day(form, today), form=form)
    return _render_card(request, card, 422 if refusal is None else refusal.status)


def _posted_day(form, today):
    raw = form.date_value()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return raw or today


def _render_card(request, card, status):
    if request.htmx:
        return render(request, "provision/my_day.html#card", {"card": card}, status=status)
    context = {
        "card": card,
        "pupil": card["pupil"],
        "strategies": _strategies(card["pupil"]),
        "today": timezone.localdate(),
    }
    return render(request, "provision/session_record.html", context, status=status)


def _recorded(request, provision, session, today, *, created):
    if not request.htmx:
        messages.success(
            request,
            f"Recorded ✓ {provision.title} for {provision.pupil.name}, {session.date:%-d %B}.",
        )
        return redirect(_my_day_url(session.date, today))
    if created:
        # What this save wrote, as it wrote it: nothing to read back.
        done = next(sp for sp in session.written if sp.pupil_id == provision.pupil_id)
    else:
        # The same form sent again: the record stored the first time.
        done = (
            SessionPupil.objects.filter(session=session, pupil_id=provision.pupil_id)
            .select_related("session", "session__recorded_by")
            .prefetch_related(Prefetch("ratings", queryset=_ratings()))
            .first()
        )
    card = _card(provision, day=session.date, done=done, just_recorded=True)
    card["session"] = session
    # The recorded card holds no form and no navigation: it needs nothing of the request,
    # so it is drawn without the context processors (the nav bar's links and capabilities
    # were a quarter of the save's drawing time).
    return HttpResponse(loader.render_to_string("provision/my_day.html#card", {"card": card}))


def _ratings():
    return TargetRating.objects.select_related("target").order_by("target__order", "target__text")


def _session_for(user, pk):
    """The session and the pupil records in it that `user` may see. Http404 when none is
    in scope, exactly as for a session that does not exist."""
    records = list(
        access.scoped(user, SessionPupil.objects.filter(session_id=pk))
        .select_related("pupil", "pupil__year_group", "provision")
        .prefetch_related(Prefetch("ratings", queryset=_ratings()))
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    if not records:
        raise Http404
    session = Session.objects.select_related("provision", "delivered_by", "recorded_by").get(pk=pk)
    return session, records


_FIELD_LABELS = {
    "minutes": "Minutes",
    "start_time": "Start time",
    "delivered": "Delivered or missed",
    "missed_reason": "Why missed",
    "missed_note": "Note on the missed session",
    "attendance": "attendance",
    "response": "response",
    "note": "note",
    "note_shared_with_parents": "note shared with parents",
    "adaptations": "adaptations",
    "flag_for_teacher": "flag for teacher",
    "flag_note": "what the teacher should look at",
}
_VALUE_LABELS = {
    "delivered": {True: "Delivered", False: "Missed"},
    "missed_reason": dict(MissedReason.choices),
    "attendance": dict(Attendance.choices),
    "rating": dict(Rating.choices),
    "flag_for_teacher": {True: "Yes", False: "No"},
    "note_shared_with_parents": {True: "Yes", False: "No"},
}


def _amendment_rows(amendments, records):
    """Each amendment with its changes in words, leaving out pupils the viewer may not see."""
    pupils = {str(sp.pupil_id): sp.pupil for sp in records}
    targets = {str(r.target_id): r.target for sp in records for r in sp.ratings.all()}

    def key(key):
        if not key.startswith("pupil:"):
            return key, key
        _, pid, field, *rest = key.split(":")
        if pid not in pupils:
            return None
        name = pupils[pid].name
        if field == "rating":
            target = targets.get(rest[0]) if rest else None
            return f"{name}: rating for “{target.text if target else 'a target'}”", field
        if field == "minutes":
            return f"{name}: minutes received", field
        return f"{name}: {_FIELD_LABELS.get(field, field)}", field

    wording = Wording(labels=_FIELD_LABELS, choices=_VALUE_LABELS, key=key)
    return changes_in_words(amendments, wording)


@login_required
@require_GET
def session_detail(request, pk):
    session, records = _session_for(request.user, pk)
    amendments = list(session.amendments.select_related("amended_by"))
    record_access_many(
        actor=request.user, pupils=[sp.pupil for sp in records], what="session record"
    )
    # Pictures taken in the session (the evidence app answers through the registry).
    for media_of in declared("session_media"):
        template, by_pupil = media_of(request.user, session.pk)
        for sp in records:
            sp.media = by_pupil.get(sp.pupil_id, [])
            sp.media_template = template
    context = {
        "session": session,
        "records": records,
        "amendments": _amendment_rows(amendments, records),
        "may_amend": services.session_can_amend(request.user, session),
        # Adding a photo to the session is for those who record sessions (issue 10).
        "may_record": access.can(request.user, session.school_id, "record_sessions"),
    }
    return render(request, "provision/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_amend(request, pk):
    session, records = _session_for(request.user, pk)
    if not services.session_can_amend(request.user, session):
        raise Http404
    if request.method == "GET":
        form = AmendForm(session=session, records=records)
        record_access_many(
            actor=request.user, pupils=[sp.pupil for sp in records], what="session record"
        )
        return _render_amend(request, session, form, 200)

    form = AmendForm(request.POST, session=session, records=records)
    status = 422
    if form.is_valid():
        changes, pupil_changes = form.changes()
        try:
            services.session_amend(
                actor=request.user,
                session=session,
                reason=form.cleaned_data["reason"],
                changes=changes,
                pupil_changes=pupil_changes,
            )
        except ServiceError as exc:
            apply_service_errors(form, exc.errors)
            status = exc.status
        else:
            messages.success(request, "Correction saved. The original stays in the history below.")
            return redirect("session_detail", pk=session.pk)
    return _render_amend(request, session, form, status)


def _render_amend(request, session, form, status):
    context = {
        "session": session,
        "form": form,
        "prefix": "amend",
        "error_links": form.error_links("amend") if form.is_bound else [],
    }
    return render(request, "provision/session_amend.html", context, status=status)


def _feed(user, today):
    # The rows' ratings are read by _dress, for the rows drawn only.
    return selectors.teacher_feed(user, day=today)


def _feed_filters(data) -> dict:
    """The feed's filter as asked for in a query string or a posted form."""
    return {"flagged": data.get("flagged") == "1"}


def _feed_url(filters, page="") -> str:
    query = {}
    if filters["flagged"]:
        query["flagged"] = "1"
    if small_int(page, 2, 10**6):
        query["page"] = page
    url = reverse("teacher_feed")
    return f"{url}?{urlencode(query)}" if query else url


def _feed_rows(user, today, filters):
    rows = _feed(user, today)
    if filters["flagged"]:
        rows = rows.filter(flag_for_teacher=True)
    return rows


def _dress(rows):
    """What each feed row shows, worked out once here instead of by chains of template
    lookups per row: its links, what it was, its day, its ratings in order."""
    paths = Paths()
    # The ratings as plain (record, target text, rating) tuples in one query: a prefetch
    # built two model objects and a related manager per rating and row.
    ratings = {row.pk: [] for row in rows}
    if rows:
        labels = dict(Rating.choices)
        for pk, text, rating in (
            TargetRating.objects.filter(session_pupil__in=list(ratings))
            .order_by("target__order", "target__text")
            .values_list("session_pupil_id", "target__text", "rating")
        ):
            ratings[pk].append((text, labels.get(rating, rating)))
    for row in rows:
        provision = row.provision or row.session.provision
        row.what = provision.title if provision else "Ad-hoc support"
        row.pupil_url = paths("pupil_detail", row.pupil_id)
        row.record_url = paths("session_detail", row.session_id)
        row.seen_url = paths("feed_seen", row.pk)
        row.day_text = f"{row.date:%a %-d %b}"
        row.day_short = f"{row.date:%-d %b}"
        row.pupil_name = row.pupil.name
        row.by = str(row.session.delivered_by)
        row.attendance_text = row.get_attendance_display()
        row.rating_list = ratings[row.pk]
    return rows


@login_required
@require_GET
def teacher_feed(request):
    """Costs a constant number of queries: the count, one page of rows, their ratings and
    one INSERT of access rows. "Flagged only" narrows it to what a TA asked the teacher
    to look at."""
    _require_recorder(request.user)
    today = timezone.localdate()
    filters = _feed_filters(request.GET)
    page = Paginator(_feed_rows(request.user, today, filters), FEED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _dress(list(page.object_list))
    record_access_many(actor=request.user, pupils=[row.pupil for row in rows], what="teacher feed")
    context = {
        "page": page,
        "rows": rows,
        "today": today,
        "filters": filters,
        "unseen": [row for row in rows if not row.seen],
        "all_url": _feed_url({"flagged": False}),
        "flagged_url": _feed_url({"flagged": True}),
    }
    return render(request, "provision/feed.html", context)


@login_required
@require_POST
def feed_seen(request, pk):
    today = timezone.localdate()
    row = access.get_scoped(request.user, _feed(request.user, today), pk)
    services.feed_mark_all_seen(actor=request.user, session_pupils=[row])
    row.seen = True
    _dress([row])
    record_access_many(actor=request.user, pupils=[row.pupil], what="teacher feed")
    if request.htmx:
        return render(request, "provision/feed.html#row", {"row": row, "just_seen": True})
    url = _feed_url(_feed_filters(request.POST), request.POST.get("page", ""))
    return redirect(f"{url}#feed-{row.pk}")


@login_required
@require_POST
def feed_seen_all(request):
    """Mark every record the teacher had on screen seen, in one tap: the form names them
    (so a record that arrived since is not marked unread), and only those in the
    teacher's own feed count. The page comes back (htmx: the page's list) as it is now."""
    today = timezone.localdate()
    filters = _feed_filters(request.POST)
    # isascii(): str.isdigit() also takes "²", which int() refuses (it was a 500).
    rows = request.POST.getlist("row")
    ids = [int(pk) for pk in rows if pk.isascii() and pk.isdigit() and len(pk) <= 18]
    ids = ids[:FEED_PAGE_SIZE]
    rows = list(_feed(request.user, today).filter(pk__in=ids)) if ids else []
    marked = services.feed_mark_all_seen(actor=request.user, session_pupils=rows)
    url = _feed_url(filters, request.POST.get("page", ""))
    messages.success(request, _marked_message(marked, len(rows) - marked))
    if not request.htmx:
        return redirect(url)
    # htmx: load the page afresh in place (the order changes: seen records go last).
    response = HttpResponse(status=200)
    response["HX-Location"] = url
    return response


def _marked_message(marked: int, already: int) -> str:
    """What one tap did, counted from what was written (not from the page as drawn: a
    record marked seen meanwhile in another tab is not counted twice)."""
    message = f"Marked {marked} record{'s' if marked != 1 else ''} seen."
    if already:
        message += f" {already} {'was' if already == 1 else 'were'} already marked seen."
    return message


# --- Provision -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def provision_new(request, pupil_id):
    pupil = access.get_pupil_for(request.user, pupil_id, "write_plans")
    record_access(actor=request.user, pupil=pupil, what="provision form")
    # "Add provision" on a plan page preselects that plan; an unknown id selects nothing.
    initial = {"plan": request.GET["plan"]} if request.GET.get("plan") else {}
    form = ProvisionForm(request.POST or None, pupil=pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provision_create(
                actor=request.user,
                pupil=pupil,
                data=form.provision_data(),
                targets=form.cleaned_data["targets"],
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return redirect(reverse("pupil_detail", args=[pupil.pk]) + "#provision")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "plans/provision_form.html", {"form": form, "pupil": pupil}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def provision_end(request, provision_id):
    provision = access.get_scoped(
        request.user, Provision.objects.select_related("pupil", "pupil__school"), provision_id
    )
    access.require(request.user, provision.pupil.school_id, "write_plans")
    record_access(actor=request.user, pupil=provision.pupil, what="provision")
    form = ProvisionEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.provision_end(
                actor=request.user,
                provision=provision,
                end=form.cleaned_data["end"] or timezone.localdate(),
            )
        except ServiceError as error:
            provision.refresh_from_db()
            apply_service_errors(form, error)
        else:
            return redirect(reverse("pupil_detail", args=[provision.pupil_id]) + "#provision")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "provision": provision, "pupil": provision.pupil}
    return render(request, "plans/provision_end.html", context, status=status)
