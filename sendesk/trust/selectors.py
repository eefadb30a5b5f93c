"""The trust view (issue 13): what is slipping across a trust's schools, for a trust SENCO
or trust lead. Built from the school-level selectors in their school-set forms (provision
ranking, behaviour's parents-to-tell rule, staff training, deployment gaps), each ONE
query for all the schools: the query count does not grow with the trust.

A trust role opens this view only. A pupil named here links to their page only where the
viewer may open it through a role held at that school (sendesk.access, unchanged)."""

import datetime as dt
import heapq
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from sendesk import access
from sendesk.behaviour.selectors import interventions_overseen
from sendesk.deployment.selectors import gaps_across
from sendesk.lib.paths import Paths
from sendesk.provision.selectors import ranked_provision, ranked_provisions, tallies, windows_of
from sendesk.schools.calendar import week_start
from sendesk.schools.models import School, Trust, TrustRole
from sendesk.staff.selectors import training_across

# The shortfall list across schools shows the worst this many (and how many there are):
# a trust SENCO acts on the worst first, and the page stays one screen of tables.
SHORTFALL_CAP = 50
# Training lists: the soonest-expiring / longest-expired this many across the trust.
TRAINING_CAP = 50
# Parents to tell: the overdue first, then the soonest deadlines, this many (each school's
# line still counts them all).
INTERVENTIONS_CAP = 50


@dataclass
class SchoolLine:
    """One school's figures on the trust view."""

    school_id: int
    name: str
    promised: int = 0  # minutes owed this term to date
    delivered: int = 0  # of those, delivered (a provision's extra minutes do not count)
    short: int = 0  # minutes short
    pupils_short: int = 0
    provisions_short: int = 0
    ri_overdue: int = 0
    ri_due: int = 0
    training_expired: int = 0
    training_expiring: int = 0
    plan_published: bool = False
    gap_provisions: int = 0
    gap_minutes: int = 0
    _short_pupils: set = field(default_factory=set, repr=False)

    @property
    def pct(self) -> int | None:
        """Delivered as a % of promised (None: nothing owed yet)."""
        return round(100 * self.delivered / self.promised) if self.promised else None


@dataclass
class TrustView:
    trust: object
    trusts: list  # every trust the person holds a role at, for a chooser
    roles: list  # their roles at this trust, in words
    day: dt.date
    schools: list
    shortfalls: list
    shortfall_count: int
    interventions: list
    interventions_count: int
    training: list
    training_count: int

    @property
    def pupils_shown(self) -> list:
        """Every pupil the view names (shortfalls and interventions), for the access log."""
        seen = {}
        for row in [*self.shortfalls, *self.interventions]:
            seen[row.pupil_id] = SimpleNamespace(pk=row.pupil_id, school_id=row.school_id)
        return list(seen.values())


def _shortfalls(windows: dict, day: dt.date, names: dict) -> tuple[list, dict, int]:
    """(the first SHORTFALL_CAP short provisions across schools, worst first by minutes
    short then % then school, pupil and title; school id -> SchoolLine figures; how many
    are short in all). Adds up every current provision from their tallies (a few columns
    each), then reads the names of only the rows it shows."""
    lines = {
        school_id: SchoolLine(school_id=school_id, name=name) for school_id, name in names.items()
    }
    short = []
    for pk, pupil_id, school_id, owed, got in tallies(windows, day):
        line = lines[school_id]
        line.promised += owed
        if owed > got:
            line.delivered += got
            line.short += owed - got
            line.provisions_short += 1
            line._short_pupils.add(pupil_id)
            short.append((got - owed, round(100 * got / owed), names[school_id], pk, owed, got))
        else:
            line.delivered += owed  # extra minutes do not hide another's shortfall
    for line in lines.values():
        line.pupils_short = len(line._short_pupils)
    # The first SHORTFALL_CAP by minutes short, % and school, picked without sorting the
    # thousands behind them; rows tied with the last of those on all three may still come
    # before it by pupil and title, so they are read too.
    first = heapq.nsmallest(SHORTFALL_CAP, short)
    if len(first) == SHORTFALL_CAP:
        edge = first[-1][:3]
        first = [t for t in short if t[:3] <= edge]
    shown = ranked_provisions(windows, day, ids=[t[3] for t in first]) if first else []
    # The rows' figures are those the schools' lines were added up from: a session saved
    # between the two reads must not make a row disagree with its school's line.
    added_up = {uuid.UUID(t[3]): t for t in first}
    keyed = []
    for ranked in shown:
        _, pct, _, _, owed, got = added_up[uuid.UUID(str(ranked[0]))]
        title = ranked[1]
        pupil = ranked_provision(ranked).pupil
        school = names[pupil.school_id]
        row = SimpleNamespace(
            pupil_id=pupil.pk,
            pupil_name=pupil.name,
            year_group=pupil.year_group.name,
            school_id=pupil.school_id,
            school=school,
            title=title,
            promised=owed,
            delivered=got,
            short=owed - got,
            pct=pct,
            url="",  # set where the viewer may open the pupil (trust_view)
        )
        # Ties on all the rest (a group's members) go by the provision's id: one order.
        order = (got - owed, pct, school, pupil.legal_last_name, pupil.legal_first_name, title)
        keyed.append(((*order, str(ranked[0])), row))
    keyed.sort(key=lambda pair: pair[0])
    rows = [row for _, row in keyed]
    return rows[:SHORTFALL_CAP], lines, len(short)


def _interventions(school_ids, now, lines, names) -> tuple[list, int]:
    """The first INTERVENTIONS_CAP restrictive interventions whose parents are not yet
    told (behaviour's rule: with_notified), overdue first then by deadline, and how many
    there are; all counted per school."""
    rows = list(
        interventions_overseen(school_ids, now=now)
        .filter(notified=False)
        .values(
            "pk",
            "pupil_id",
            "pupil__preferred_name",
            "pupil__legal_first_name",
            "pupil__legal_last_name",
            "school_id",
            "kind",
            "started_at",
            "notify_parent_by",
            "overdue",
        )
        .order_by("-overdue", "notify_parent_by", "pk")
    )
    for r in rows:
        line = lines[r["school_id"]]
        if r["overdue"]:
            line.ri_overdue += 1
        else:
            line.ri_due += 1
    found = []
    for r in rows[:INTERVENTIONS_CAP]:
        first = r["pupil__preferred_name"] or r["pupil__legal_first_name"]
        found.append(
            SimpleNamespace(
                pk=r["pk"],
                pupil_id=r["pupil_id"],
                pupil_name=f"{first} {r['pupil__legal_last_name']}",
                school_id=r["school_id"],
                school=names[r["school_id"]],
                started_at=(started := timezone.localtime(r["started_at"])),
                notify_by=(notify_by := timezone.localtime(r["notify_parent_by"])),
                # In words here, not by the template's date filter (a list's dates were
                # a sixth of the page's time): "Wed 18 Nov 2026, 13:05", "Thu 19 Nov, 13:05".
                started_words=f"{started:%a} {started.day} {started:%b %Y, %H:%M}",
                notify_words=f"{notify_by:%a} {notify_by.day} {notify_by:%b, %H:%M}",
                overdue=r["overdue"],
                url="",
            )
        )
    return found, len(rows)


def _training(school_ids, day, lines, names) -> list:
    rows = []
    for school_id, lists in training_across(school_ids, day).items():
        line = lines[school_id]
        line.training_expired = len(lists["expired"])
        line.training_expiring = len(lists["expiring"])
        for state, records in (("expired", lists["expired"]), ("expiring", lists["expiring"])):
            for r in records:
                rows.append(
                    SimpleNamespace(
                        person=r.user.full_name,
                        school_id=school_id,
                        school=names[school_id],
                        kind=r.label,
                        expires_on=r.expires_on,
                        expires_words=f"{r.expires_on.day} {r.expires_on:%b %Y}",
                        expired=state == "expired",
                    )
                )
    rows.sort(key=lambda r: (r.expires_on, r.school, r.person, r.kind))
    return rows


def trust_view(user, trust_id=None, day: dt.date | None = None) -> TrustView:
    """Everything the trust view shows, for a person with a trust role (Http404 for
    anyone else, or for a trust that is not theirs). A fixed number of queries, whatever
    the number of schools: roles, trusts, schools, calendars, provision, interventions,
    staff and training, deployment, and the viewer's openable pupils."""
    trust_id, trusts = access.get_trust(user, trust_id)
    day = day or timezone.localdate()
    schools = list(
        School.objects.filter(trust_id__in=list(trusts))
        .select_related("trust")
        .order_by("trust__name", "name")
    )
    mine = [s for s in schools if s.trust_id == trust_id]
    names = {s.pk: s.name for s in mine}
    school_ids = list(names)
    short, lines, short_count = _shortfalls(windows_of(school_ids, day), day, names)
    interventions, interventions_count = _interventions(school_ids, timezone.now(), lines, names)
    # Links only where the person may open the pupil through a role they hold at that
    # school (access's own rules): one query for every pupil the view names.
    named = {r.pupil_id for r in [*short, *interventions]}
    openable = set()
    if named and access.roles_of(user):
        openable = set(
            access.visible_pupils(user).filter(pk__in=list(named)).values_list("pk", flat=True)
        )
    paths = Paths()
    for r in [*short, *interventions]:
        if r.pupil_id in openable:
            r.url = paths("pupil_detail", r.pupil_id)
    training = _training(school_ids, day, lines, names)
    for school_id, gap in gaps_across(school_ids, week_start(day)).items():
        line = lines[school_id]
        line.plan_published = gap["published"]
        line.gap_provisions = gap["provisions"]
        line.gap_minutes = gap["minutes"]
    labels = dict(TrustRole.Kind.choices)
    trust = next((s.trust for s in mine), None) or _trust(trust_id)
    return TrustView(
        trust=trust,
        trusts=sorted({(s.trust_id, s.trust.name) for s in schools}, key=lambda t: t[1]),
        roles=[labels[r] for r in sorted(trusts[trust_id])],
        day=day,
        schools=[lines[pk] for pk in school_ids],
        shortfalls=short,
        shortfall_count=short_count,
        interventions=interventions,
        interventions_count=interventions_count,
        training=training[:TRAINING_CAP],
        training_count=len(training),
    )


def _trust(trust_id):
    """A trust with no school yet (nothing to show but its name)."""
    return Trust.objects.get(pk=trust_id)
