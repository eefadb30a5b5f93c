"""What training each adult of a school must hold, and who lacks it or whose is about to
run out: the SENCO's "training needs" page.

Required training comes from two places:
- the post (RequiredTraining: every TA safeguarding, say), set by the head or SENCO;
- the pupils an adult supports (pupils.Deployment, 1:1 or key adult, on the day): each of
  the pupil's active medicines needs the training its `training` field names (buccal
  midazolam, auto-injector, medication), each active care plan its own (intimate care,
  moving and handling, gastrostomy …), and an active individual behaviour plan needs
  positive handling. Class and group support does not make an adult the one who gives a
  pupil's medicine or care, so group deployments are not counted.

Everything is read in a fixed number of queries (tests/appraisal/test_needs.py counts
them), whatever the number of staff, pupils and records."""

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Q

from sendesk import access
from sendesk.care.models import CarePlan
from sendesk.medication.models import Medicine
from sendesk.plans.models import Plan
from sendesk.pupils.models import Deployment
from sendesk.staff.models import StaffMember, Training
from sendesk.staff.selectors import WARN_DAYS, school_staff, status_of

from .models import RequiredTraining

KIND_LABELS = dict(Training.Kind.choices)
POST_LABELS = dict(StaffMember.Post.choices)
DIRECT = (Deployment.Kind.ONE_TO_ONE, Deployment.Kind.KEY_ADULT)


def pupil_needs(pupil_ids) -> dict:
    """{pupil_id: [(training kind, why)]} from the pupils' active medicines, care plans and
    behaviour plans. Three queries."""
    needs = defaultdict(list)
    ids = list(pupil_ids)
    for pupil_id, kind, name in (
        Medicine.objects.filter(pupil_id__in=ids, active=True)
        .order_by("name", "pk")
        .values_list("pupil_id", "training", "name")
    ):
        needs[pupil_id].append((kind, f"medicine: {name}"))
    for pupil_id, kind, title in CarePlan.objects.filter(pupil_id__in=ids, active=True).values_list(
        "pupil_id", "training", "title"
    ):
        needs[pupil_id].append((kind, f"care plan: {title}"))
    for pupil_id in Plan.objects.filter(
        pupil_id__in=ids, kind=Plan.Kind.IBP, status=Plan.Status.ACTIVE
    ).values_list("pupil_id", flat=True):
        needs[pupil_id].append((Training.Kind.POSITIVE_HANDLING.value, "behaviour plan"))
    return needs


UNSEEN = "a pupil you do not support"


def _names_for(reader, names: dict, day) -> dict:
    """`names` ({pupil_id: name}) as `reader` may read them: a pupil outside the reader's
    scope (sendesk.access) becomes UNSEEN, so a line manager learns why their TA needs a
    training without learning who the pupil is. One query; none without a reader."""
    if reader is None or not names:
        return names
    seen = set(
        access.visible_pupils(reader, day).filter(pk__in=list(names)).values_list("pk", flat=True)
    )
    return {pk: name if pk in seen else UNSEEN for pk, name in names.items()}


def required_for(school_id: int, day: dt.date, user_ids=None, reader=None) -> dict:
    """{user_id: {kind: [why, …]}}: the training each adult of the school (or of
    `user_ids`) must hold on `day`, by post and by the pupils they support. Five queries,
    and one more to name the pupils as `reader` may (without a reader: named, for code
    that shows nobody the result)."""
    required = defaultdict(lambda: defaultdict(list))
    members = StaffMember.objects.filter(school_id=school_id).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=day)
    )
    if user_ids is not None:
        members = members.filter(user_id__in=list(user_ids))
    rules = defaultdict(list)
    for post, kind in RequiredTraining.objects.filter(school_id=school_id).values_list(
        "post", "kind"
    ):
        rules[post].append(kind)
    for user_id, post in members.values_list("user_id", "post"):
        for kind in rules.get(post, ()):
            required[user_id][kind].append(f"every {POST_LABELS[post].lower()}")
    deployments = Deployment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=day), school_id=school_id, kind__in=DIRECT,
        start__lte=day,
    )  # fmt: skip
    if user_ids is not None:
        deployments = deployments.filter(staff_id__in=list(user_ids))
    supported = defaultdict(set)
    names = {}
    for staff_id, pupil_id, first, preferred, last in deployments.values_list(
        "staff_id", "pupil_id", "pupil__legal_first_name", "pupil__preferred_name",
        "pupil__legal_last_name",
    ):  # fmt: skip
        supported[staff_id].add(pupil_id)
        names[pupil_id] = f"{preferred or first} {last}"
    needs = pupil_needs(names)
    shown = _names_for(reader, names, day)
    for staff_id, pupils in supported.items():
        for pupil_id in sorted(pupils, key=lambda p: (shown[p] == UNSEEN, names[p])):
            for kind, why in needs.get(pupil_id, ()):
                name = shown[pupil_id]
                required[staff_id][kind].append(
                    f"{name} ({why})" if name == UNSEEN else f"{name}'s {why}"
                )
    return required


def _held(user_ids, day):
    """{(user_id, kind): the record that counts}: the one that runs longest. One query."""
    best = {}
    for row in Training.objects.filter(user_id__in=list(user_ids), completed_on__lte=day).only(
        "user_id", "kind", "completed_on", "expires_on", "course"
    ):
        key = (row.user_id, row.kind)
        held = best.get(key)
        if held is None or (
            held.expires_on is not None
            and (row.expires_on is None or row.expires_on > held.expires_on)
        ):
            best[key] = row
    return best


def needs_page(school_id: int, day: dt.date, reader=None) -> dict:
    """The SENCO's page: `lacking` (an adult without current training they must hold, and
    why they must), `expiring` (required training that runs out within WARN_DAYS) and
    `expired_other` (any other training of theirs that has expired), each a list of rows
    with person, kind label, why and dates, pupils named as `reader` may see them. Eight
    queries, whatever the school's size."""
    staff = {p["pk"]: p["full_name"] or p["email"] for p in
             school_staff(school_id).values("pk", "full_name", "email")}  # fmt: skip
    required = required_for(school_id, day, reader=reader)
    held = _held(staff, day)
    lacking, expiring = [], []
    for user_id, kinds in required.items():
        if user_id not in staff:
            continue  # no longer holds a role here
        for kind, why in kinds.items():
            record = held.get((user_id, kind))
            state = status_of(record, day) if record else "none"
            row = SimpleNamespace(
                user_id=user_id, name=staff[user_id], kind=kind, label=KIND_LABELS[kind],
                why=why, record=record, state=state,
            )  # fmt: skip
            if state in ("none", "expired"):
                lacking.append(row)
            elif state == "expiring":
                expiring.append(row)
    soon = day + dt.timedelta(days=WARN_DAYS)
    expiring_other = [
        SimpleNamespace(user_id=user_id, name=staff[user_id], kind=kind, label=KIND_LABELS[kind],
                        why=[], record=record, state="expiring")
        for (user_id, kind), record in held.items()
        if record.expires_on and day <= record.expires_on <= soon
        and kind not in required.get(user_id, {})
    ]  # fmt: skip
    lacking.sort(key=lambda r: (r.name, r.label))
    expiring = sorted(expiring + expiring_other, key=lambda r: (r.record.expires_on, r.name))
    return {"lacking": lacking, "expiring": expiring, "warn_days": WARN_DAYS}


def lacking_for(school_id: int, user_id: int, day: dt.date, reader=None) -> list:
    """What one person must hold and does not (for their own training page and their
    appraisal), pupils named as `reader` may see them. Seven queries."""
    required = required_for(school_id, day, user_ids=[user_id], reader=reader).get(user_id, {})
    held = _held([user_id], day)
    out = []
    for kind, why in required.items():
        record = held.get((user_id, kind))
        state = status_of(record, day) if record else "none"
        if state in ("none", "expired", "expiring"):
            out.append(SimpleNamespace(kind=kind, label=KIND_LABELS[kind], why=why, state=state,
                                       record=record))  # fmt: skip
    return sorted(out, key=lambda r: r.label)
