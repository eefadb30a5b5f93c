"""Reads behind the safeguarding wall, for the DSL team only. Each takes the user and
narrows to the schools where they are a DSL; callers write the SafeguardingAccess rows
(except pupil_panel, which writes its own so that no page can forget it)."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When

from sendesk import access
from sendesk.pupils.models import Pupil

from . import services
from .models import Concern, ConcernAction

STATUS_ORDER = Case(
    When(status=Concern.Status.NEW, then=Value(0)),
    When(status=Concern.Status.OPEN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
RISK_ORDER = Case(
    When(risk=Concern.Risk.HIGH, then=Value(0)),
    When(risk=Concern.Risk.MEDIUM, then=Value(1)),
    When(risk=Concern.Risk.LOW, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
PANEL_ITEMS = 5


def dsl_schools(user) -> set[int]:
    return access.schools_where(user, "safeguarding")


def concerns_for(user):
    """Every concern `user` may read (a DSL at its school), as a QuerySet."""
    return Concern.objects.filter(school_id__in=dsl_schools(user))


def inbox(user, *, closed: bool = False):
    """The DSL's inbox: new concerns first, then open ones by risk (high first), newest
    first within each; or, with closed=True, the closed ones, newest first. One query per
    page of rows (pupil, year group and reporter joined)."""
    qs = concerns_for(user).select_related("pupil", "pupil__year_group", "reported_by")
    if closed:
        return qs.filter(status=Concern.Status.CLOSED).order_by("-reported_at", "pk")
    return (
        qs.exclude(status=Concern.Status.CLOSED)
        .annotate(status_order=STATUS_ORDER, risk_order=RISK_ORDER)
        .order_by("status_order", "risk_order", "-reported_at", "pk")
    )


def counts(user) -> dict[str, int]:
    """How many concerns are new, open, open at high risk, and closed. One query."""
    return concerns_for(user).aggregate(
        new=Count("pk", filter=Q(status=Concern.Status.NEW)),
        open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
        high=Count("pk", filter=Q(status=Concern.Status.OPEN, risk=Concern.Risk.HIGH)),
        closed=Count("pk", filter=Q(status=Concern.Status.CLOSED)),
    )


def concern_detail(user, pk) -> Concern:
    """One concern with its actions (one query each), for its school's DSL team;
    Http404 for everyone else, exactly as for a concern that does not exist."""
    qs = Concern.objects.select_related("pupil", "pupil__year_group", "school", "reported_by")
    concern = access.get_safeguarding(user, qs, pk)
    concern.action_list = list(concern.actions.select_related("by").order_by("at", "pk"))
    return concern


@dataclass
class Item:
    """One line of a chronology: a concern as reported, or something the DSL team did."""

    at: object
    concern: Concern
    action: ConcernAction | None = None

    @property
    def is_concern(self) -> bool:
        return self.action is None

    @property
    def kind(self) -> str:
        return "concern" if self.action is None else self.action.kind

    @property
    def label(self) -> str:
        return "Concern reported" if self.action is None else self.action.get_kind_display()


def _items(concerns, actions, limit=None) -> list[Item]:
    by_id = {c.pk: c for c in concerns}
    items = [Item(at=c.occurred_at, concern=c) for c in concerns]
    for a in actions:
        concern = by_id.get(a.concern_id) or a.concern
        items.append(Item(at=a.at, concern=concern, action=a))
    # Newest first; at the same moment, what the DSL team did comes after (above) the concern.
    items.sort(key=lambda i: (i.at, i.action is not None, i.action.pk if i.action else 0))
    items.reverse()
    return items[:limit] if limit else items


def chronology(pupil: Pupil, *, limit: int | None = None) -> list[Item]:
    """The pupil's concerns (at when they happened) and the DSL team's actions (at when
    they were taken), interleaved, newest first. Two queries, whatever the length. The
    caller has fetched the pupil through access.get_pupil_for_dsl."""
    concerns = Concern.objects.filter(pupil=pupil).select_related("reported_by")
    actions = ConcernAction.objects.filter(concern__pupil=pupil).select_related("by")
    if limit:
        concerns = concerns.order_by("-occurred_at", "-pk")[:limit]
        actions = actions.select_related("concern").order_by("-at", "-pk")[:limit]
    return _items(list(concerns), list(actions), limit)


def pupil_panel(user, pupil: Pupil):
    """What the pupil page shows a DSL beside the timeline: open concerns and the latest
    chronology items. None, with no query, for anyone who is not on the DSL team of the
    pupil's school (the roles are cached on the user by the access layer). For a DSL:
    three queries and one INSERT into the wall's own access trail."""
    if not access.can(user, pupil.school_id, "safeguarding"):
        return None
    open_count = Concern.objects.filter(pupil=pupil).exclude(status=Concern.Status.CLOSED).count()
    items = chronology(pupil, limit=PANEL_ITEMS)
    services.access_record(
        actor=user, pupil_id=pupil.pk, school_id=pupil.school_id, what="pupil page panel"
    )
    return {"pupil": pupil, "open_count": open_count, "items": items}


def report_pupils(user, q: str, limit: int = 20):
    """Pupils of the schools where `user` holds any role whose names match `q`: names and
    year group only, for choosing whom a concern is about. Empty until something is typed."""
    words = q.split()
    if not words:
        return Pupil.objects.none()
    member_of = access.schools_where(user, "report_concern")
    qs = Pupil.objects.filter(school_id__in=member_of)
    for word in words[:5]:
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return (
        qs.select_related("year_group")
        .only(
            "pk", "school_id", "legal_first_name", "legal_last_name", "preferred_name",
            "year_group", "year_group__name",
        )
        .order_by("legal_last_name", "legal_first_name", "pk")[:limit]
    )  # fmt: skip
