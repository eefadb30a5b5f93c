"""Reads the API needs that no shared selector gives yet. Each costs a fixed number of
queries, whatever the number of rows."""

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)

from sendesk import access
from sendesk.audit.models import AccessEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import TargetRating
from sendesk.provision.selectors import reconcile
from sendesk.pupils.models import PupilNeed
from sendesk.pupils.selectors import BadCursor, timeline_page  # noqa: F401 (BadCursor re-exported)


def pupil_list(user):
    """The pupils `user` may see, with what a list shows. Two queries per page: the
    pupils (with their year group) and their needs."""
    return (
        access.visible_pupils(user)
        .select_related("year_group")
        .prefetch_related(Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")))
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def pupil_profile(pupil):
    """Loads what the profile shows onto `pupil`: five queries."""
    prefetch_related_objects(
        [pupil],
        "teaching_groups",
        "sen_history",
        Prefetch("needs", queryset=PupilNeed.objects.order_by("rank")),
        "strategies",
        "contacts",
    )
    return pupil


def _latest_rating(field: str):
    latest = TargetRating.objects.filter(target=OuterRef("pk")).order_by("-date", "-id")
    return Subquery(latest.values(field)[:1])


def pupil_plans(pupil):
    """The pupil's plans, active first, with outcomes and targets; each target carries
    its latest rating (latest_rating, latest_rating_date; None if never rated). Three
    queries; the latest rating is a subquery on the (target, -date) index."""
    targets = Target.objects.annotate(
        latest_rating=_latest_rating("rating"), latest_rating_date=_latest_rating("date")
    ).order_by("order", "text")
    status_order = Case(
        When(status=Plan.Status.ACTIVE, then=Value(0)),
        When(status=Plan.Status.DRAFT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Plan.objects.filter(pupil=pupil)
        .order_by(status_order, "-created", "id")
        .prefetch_related("outcomes", Prefetch("targets", queryset=targets))
    )


def pupil_provision(pupil, day):
    """Every provision of the pupil with its promised and delivered minutes as of `day`
    (provision.selectors.reconcile). Six queries."""
    provisions = list(
        pupil.provisions.all()
        .prefetch_related(Prefetch("targets", queryset=Target.objects.only("id")))
        .order_by("start", "title", "id")
    )
    return reconcile(provisions, day)


def pupil_timeline(pupil, *, cursor: str | None, size: int):
    """A page of the timeline with its opaque cursor (pupils.selectors.timeline_page).
    Raises BadCursor for a cursor this API did not give. One query."""
    return timeline_page(pupil, cursor=cursor, size=size)


def pupil_access_log(pupil):
    """Who viewed the pupil, newest first; slice it to page."""
    return AccessEvent.objects.filter(pupil=pupil).select_related("actor").order_by("-at", "-id")
