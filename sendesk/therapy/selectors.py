"""Reads for therapy pages, the therapy API and the TA's session form.

A therapist's scope is referred_pupils: the pupils referred to them today. Within
it they see, per pupil, only their own referrals' shared notes, their programmes, the
sessions recorded for each programme's provision and its promised vs delivered minutes."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html_join
from django.utils.safestring import mark_safe

from sendesk import access
from sendesk.agencies.models import Agency, AgencyMember
from sendesk.consent.selectors import pupils_sharing_with, pupils_sharing_with_any
from sendesk.lib.dates import active_on
from sendesk.lib.ids import parse_uuid
from sendesk.plans.models import Plan, Target
from sendesk.provision import progress
from sendesk.provision.models import (
    RESPONSE_CHOICES,
    Attendance,
    MissedReason,
    Rating,
    SessionPupil,
    TargetRating,
)
from sendesk.provision.selectors import reconcile
from sendesk.pupils.models import Pupil
from sendesk.schools.models import Role

from .models import Advice, Programme, ProgrammeReview, Referral, Status

# A declined or closed referral opens nothing, whatever its dates say.
ENDED = (Status.DECLINED, Status.CLOSED)

# The programme page lists this many of the latest session records.
SESSIONS_SHOWN = 60
# Stored value -> the words the page shows, as the models' get_FOO_display() give them.
ATTENDANCE = dict(Attendance.choices)
MISSED = dict(MissedReason.choices)
RATINGS = dict(Rating.choices)
RESPONSES = dict(RESPONSE_CHOICES)


def is_therapist(user) -> bool:
    return any(role == Role.THERAPIST for _, role in access.roles_of(user))


def referred_pupils(user, day=None):
    """The pupils referred to `user` as an external professional, on `day`: their whole
    scope. It lives here, with the referrals, and is built on access (roles, the 404 rule);
    only the therapy and agency pages use it: a referral shows the programme, its sessions,
    what the school shares and the professional's own advice.

    A referral counts when it is in force on `day` (start..end), was not declined or closed,
    is to `user` (or, naming nobody yet, to an agency `user` works for), and, when it is to
    an agency, the parents' latest decision about sharing with that agency on `day` is
    'given' (consent.selectors.pupils_sharing_with): withdrawal or a missing consent takes
    the pupil out at once, the same 404 as a stranger. A referral without an agency (the
    issue-9 therapist referral) rests on the consent typed into it."""
    day = day or timezone.localdate()
    schools = {school for school, role in access.roles_of(user) if role == Role.THERAPIST}
    in_scope = _referrals_in_scope(user, day).filter(pupil=OuterRef("pk"))
    return Pupil.objects.filter(Exists(in_scope), school_id__in=schools)


def _referrals_in_scope(user, day):
    """referred_pupils' rules for one referral, as a subquery to correlate (the consent
    part refers to the referral's own agency, so it cannot stand alone)."""
    agencies = AgencyMember.objects.filter(user=user, active=True).values("agency_id")
    # An agency professional is an agency's only while their membership is active: one who
    # left (active=False) loses the referrals naming them as well as their agency's.
    mine = Q(agency__isnull=True, therapist=user) | (
        Q(agency__in=agencies) & (Q(therapist=user) | Q(therapist__isnull=True))
    )
    # An agency professional given a referral without an agency (the issue-9 therapist
    # referral, made before they joined, say) still needs the parents' consent to share
    # with one of their agencies: the consent is theirs to withdraw, not the typed-in one.
    not_agency_person = ~Q(therapist__in=AgencyMember.objects.filter(active=True).values("user_id"))
    shared = Q(pupil__in=pupils_sharing_with_any(agencies, day))
    return Referral.objects.filter(
        active_on(day),
        # A pupil who has left the school is no longer the school's to share (issue 12).
        access.on_roll("pupil", day),
        mine,
        (Q(agency__isnull=True) & (not_agency_person | shared))
        | Q(pupil__in=pupils_sharing_with(OuterRef("agency_id"), day)),
    ).exclude(status__in=ENDED)


def referrals_in_scope(user, day, **filters):
    """The referrals that put a pupil in `user`'s scope on `day` (referred_pupils' rules),
    narrowed by `filters`. A QuerySet."""
    in_scope = _referrals_in_scope(user, day).filter(pk=OuterRef("pk"))
    return Referral.objects.filter(Exists(in_scope), **filters)


def get_referred_pupil(user, pupil_id) -> Pupil:
    """A pupil referred to `user`; Http404 otherwise, whether it exists or not."""
    try:
        return referred_pupils(user).select_related("school").get(pk=parse_uuid(pupil_id))
    except Pupil.DoesNotExist:
        raise Http404 from None


def active_referrals(user, day: dt.date):
    """The referrals to `user` in force on `day` (referred_pupils' rules, each referral
    asked on its own: consent to one agency does not open another's referral). A QuerySet:
    no query until evaluated."""
    return referrals_in_scope(user, day, pupil__in=referred_pupils(user, day))


def _count(queryset):
    """A subquery counting `queryset`'s rows for the outer row, 0 when there are none."""
    counted = queryset.order_by().values("pupil").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programmes_for(user, day: dt.date, referral_ids=None):
    """The therapist's programmes (those of referrals in force), each annotated with when
    it was last reviewed and how many session records there are since then. One query.
    `referral_ids`: the referrals in force, when the caller has read them already (then
    the query does not ask for them again through nested subqueries)."""
    if referral_ids is None:
        referral_ids = active_referrals(user, day)
    last_review = ProgrammeReview.objects.filter(programme=OuterRef("pk")).order_by("-at", "-id")
    records = SessionPupil.objects.filter(provision=OuterRef("provision"), pupil=OuterRef("pupil"))
    return (
        Programme.objects.filter(referral__in=referral_ids)
        .select_related("provision", "referral", "pupil")
        .annotate(
            last_review_at=Subquery(last_review.values("at")[:1]),
            sessions_total=_count(records),
            sessions_since_review=_count(
                records.filter(
                    session__recorded_at__gt=Subquery(
                        ProgrammeReview.objects.filter(programme=OuterRef(OuterRef("pk")))
                        .order_by("-at", "-id")
                        .values("at")[:1]
                    )
                )
            ),
        )
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "title")
    )


def therapist_home(user, day: dt.date):
    """[(pupil, [programmes], [referrals])] for the therapist's home. Four queries (roles,
    pupils, referrals, programmes) whatever the number of pupils; two when none is
    referred."""
    pupils = list(
        referred_pupils(user, day)
        .select_related("year_group")
        .order_by("legal_last_name", "legal_first_name")
    )
    # The referrals in force of the pupils just read (the therapist's scope), by their
    # ids: active_referrals() would ask for the referred pupils again in a subquery, and
    # the programmes for the referrals in another, nested; building those query trees cost
    # the page more than its SQL. The same rows: a few pupils, never the school's roll.
    referrals = list(
        referrals_in_scope(user, day, pupil__in=[p.pk for p in pupils]).order_by("start")
    )
    programmes = list(programmes_for(user, day, [r.pk for r in referrals]))
    for programme in programmes:
        programme.sessions_new = (
            programme.sessions_since_review
            if programme.last_review_at is not None
            else programme.sessions_total
        )
    rows = []
    for pupil in pupils:
        rows.append(
            (
                pupil,
                [p for p in programmes if p.pupil_id == pupil.pk],
                [r for r in referrals if r.pupil_id == pupil.pk],
            )
        )
    return rows


def get_programme(user, pk, day: dt.date) -> Programme:
    """One of the therapist's programmes (its referral in force, its pupil referred to
    them). Http404 otherwise, the same as a programme that does not exist."""
    try:
        return (
            Programme.objects.select_related(
                "provision", "provision__pupil", "referral", "pupil", "pupil__school"
            )
            .filter(referral__in=active_referrals(user, day))
            .get(pk=pk)
        )
    except (Programme.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def session_records(programme: Programme, *, limit: int = SESSIONS_SHOWN):
    """The latest session records of the programme's provision for its pupil: attendance,
    minutes, response, ratings, note, as objects for the API. Two queries (the rows, their
    ratings), each with only the columns the API gives."""
    ratings = (
        TargetRating.objects.select_related("target")
        .only("session_pupil_id", "rating", "target__text")
        .order_by("target__order", "pk")
    )
    return list(
        SessionPupil.objects.filter(provision=programme.provision_id, pupil=programme.pupil_id)
        .select_related("session", "session__delivered_by")
        .only(
            "session_id",
            "date",
            "attendance",
            "minutes",
            "response",
            "note",
            "session__delivered",
            "session__missed_reason",
            "session__delivered_by__full_name",
        )  # fmt: skip
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .order_by("-date", "-session__recorded_at")[:limit]
    )


def session_rows(programme: Programme, *, limit: int = SESSIONS_SHOWN) -> list:
    """session_records as the therapist's page shows them, each a table row of safe HTML
    (_session_row): words and numbers from plain values, no model objects (up to
    SESSIONS_SHOWN rows are built on every view, and building three objects and their
    ratings per row was most of the page's time). Two queries, as session_records."""
    rows = list(
        SessionPupil.objects.filter(provision=programme.provision_id, pupil=programme.pupil_id)
        .order_by("-date", "-session__recorded_at")
        .values_list(
            "pk",
            "date",
            "attendance",
            "minutes",
            "response",
            "note",
            "session_id",
            "session__delivered",
            "session__missed_reason",
            "session__delivered_by__full_name",
        )[:limit]  # fmt: skip
    )
    ratings = defaultdict(list)
    for sp_id, text, rating in (
        TargetRating.objects.filter(session_pupil__in=[row[0] for row in rows])
        .order_by("target__order", "pk")
        .values_list("session_pupil_id", "target__text", "rating")
    ):
        ratings[sp_id].append((text, RATINGS.get(rating, rating)))
    return [_session_row(row, ratings) for row in rows]


def _session_row(row, ratings):
    """One session record's <tr> on the therapist's page, written once here with every
    value escaped (the ratings by format_html): a template row of lookups and conditions
    for each of up to SESSIONS_SHOWN records was most of the page's drawing."""
    pk, day, attendance, minutes, response, note, _session_id, delivered, reason, by = row
    if delivered:
        session = f"Delivered by {escape(by)}"
    else:
        session = (
            f'<span class="badge warn">Missed: {escape(MISSED.get(reason, reason).lower())}</span>'
        )
    progress = (
        format_html_join(mark_safe("<br>"), "{}: <strong>{}</strong>", ratings[pk])
        if pk in ratings
        else "—"
    )
    attendance = ATTENDANCE.get(attendance, attendance) or "—"
    response = "—" if response is None else RESPONSES.get(response, response)
    return mark_safe(  # noqa: S308 (each value is escaped)
        f'<tr>\n        <td data-label="Date">{day:%a} {day.day} {day:%b}</td>\n'
        f'        <td data-label="Session">{session}</td>\n'
        f'        <td data-label="Attendance">{escape(attendance)}</td>\n'
        f'        <td data-label="Minutes" class="num">{escape(minutes)}</td>\n'
        f'        <td data-label="Response">{escape(response)}</td>\n'
        f'        <td data-label="Progress"><span>{conditional_escape(progress)}</span></td>\n'
        f'        <td data-label="Note" class="notes">{escape(note or "—")}</td>\n      </tr>'
    )


def programme_page(user, pupil, day: dt.date):
    """What the therapist's page for one referred pupil shows: their referrals in force,
    each of their programmes with its figures (promised vs delivered), reviews and
    session records. A fixed number of queries per programme."""
    # `pupil` came from get_referred_pupil(user): its scope is checked, so its referrals
    # are asked for by the one pupil, not through referred_pupils()' list of the school
    # (an IN of every pupil tested by EXISTS: 0.6 ms on the large bench school, growing).
    referrals = list(referrals_in_scope(user, day, pupil=pupil).order_by("start"))
    by_pk = {r.pk: r for r in referrals}
    programmes = list(
        Programme.objects.filter(referral__in=list(by_pk))
        .select_related("provision")
        .order_by("title")
    )
    for programme in programmes:  # already at hand: no join for them
        programme.referral = by_pk[programme.referral_id]
        if programme.provision.pupil_id == pupil.pk:
            programme.provision.pupil = pupil
    return referrals, programme_details(programmes, day, records=session_rows)


def programme_details(programmes, day: dt.date, *, records=session_records):
    """Sets on each programme (all of one school) `figures` (promised vs delivered),
    `records` (its latest session records, by `records`: session_records for the API,
    session_rows for the page) and prefetches its reviews."""
    prefetch_related_objects(
        programmes, Prefetch("reviews", queryset=ProgrammeReview.objects.select_related("by"))
    )
    figures = {f.provision.pk: f for f in reconcile([p.provision for p in programmes], day)}
    for programme in programmes:
        programme.figures = figures.get(programme.provision_id)
        programme.records = records(programme)
    return programmes


def school_agencies(school_id: int):
    """The school's active agencies, for the referral form."""
    return Agency.objects.filter(school_id=school_id, active=True).order_by("name")


def school_professionals(school_id: int):
    """The agencies' professionals with the external role at the school."""
    from sendesk.accounts.models import User

    members = AgencyMember.objects.filter(agency__school_id=school_id, active=True)
    return User.objects.filter(
        pk__in=members.values("user_id"),
        is_active=True,
        staff_roles__school_id=school_id,
        staff_roles__role=Role.THERAPIST,
    ).order_by("full_name")


def overdue_referrals(school_ids, day: dt.date):
    """Referrals to an agency still waiting for its answer after their timescale, oldest
    first: the SENCO's alert, the API's ?overdue=true and the daily check."""
    return (
        Referral.objects.filter(
            pupil__school_id__in=list(school_ids), status=Status.SENT, respond_by__lt=day
        )
        .select_related("pupil", "pupil__school", "agency", "therapist")
        .order_by("respond_by", "pk")
    )


def school_referrals(school_id: int):
    """The school's referrals for the SENCO: in force first, then ended, newest first."""
    return (
        Referral.objects.filter(pupil__school_id=school_id)
        .select_related("pupil", "pupil__year_group", "therapist", "referred_by", "agency")
        .prefetch_related("programmes")
        .order_by("-start", "-pk")
    )


def sessions_delivered(programme_provisions, start: dt.date, end: dt.date) -> dict:
    """{provision id: sessions the pupil attended} between two dates, for the parent's
    page ("it is happening"). One query."""
    ids = [p.pk for p in programme_provisions]
    if not ids:
        return {}
    rows = (
        SessionPupil.objects.filter(
            provision__in=ids, date__range=(start, end), session__delivered=True, minutes__gt=0
        )
        .values("provision")
        .annotate(n=Count("pk"))
    )
    return {row["provision"]: row["n"] for row in rows}


def own_advice(referrals) -> list:
    """The advice written under `referrals` (the professional's own, in force), newest
    first. One query."""
    return list(
        Advice.objects.filter(referral__in=[r.pk for r in referrals]).prefetch_related("files")
    )


def pupil_advice(pupil, since: dt.date, until: dt.date) -> list:
    """Every professional's advice and visits for `pupil` between two dates, oldest first:
    for the pupil's reviews. One query."""
    return list(
        Advice.objects.filter(pupil=pupil, at__date__gte=since, at__date__lte=until)
        .select_related("by", "referral", "referral__agency")
        .prefetch_related("files")
        .order_by("at", "pk")
    )


def shared_picture(pupil, day: dt.date) -> dict:
    """What parents agree to when they consent to sharing with an agency: "what the school
    knows about the child's needs and progress". So an agency's professional reads the
    ranked needs, the one-page profile, the strategies that work and the targets being
    worked on with how each has moved — never the timeline, notes, incidents or anything
    behind the safeguarding wall. Four queries whatever the number of targets."""
    targets = list(
        Target.objects.in_force()
        .filter(plan__pupil=pupil, plan__kind__in=[Plan.Kind.EHCP, Plan.Kind.IEP])
        .select_related("plan")
        .order_by("plan__kind", "order", "text")
    )
    starts = [t.plan.start_date for t in targets if t.plan.start_date]
    since = progress.window(min(starts, default=None), day)
    weeks = progress.weekly([t.pk for t in targets], since, day)
    for target in targets:
        target.progress = progress.summary(weeks.get(target.pk, []))
    return {
        "needs": list(pupil.needs.order_by("rank")),
        "strategies": list(
            pupil.strategies.order_by("created", "pk").values_list("text", flat=True)
        ),
        "targets": targets,
    }
