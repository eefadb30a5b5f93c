"""The line manager's "My team" page (issue 9, section 3): for each TA they manage, the
week's timetable from the published plan, sessions recorded, planned sessions left
unrecorded, training, and hours planned against the contract; the pupils those TAs support
(links through the access layer, which lets a line manager read them). The SENCO and head
see every team, or one manager's with ?manager=. 404 for anyone who manages nobody.

It reads deployment, provision and staff side by side, so it sits in front. Its cost does
not grow with the team: each reading is one query for the whole team."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendesk.audit.services import record_access_many
from sendesk.deployment import selectors
from sendesk.deployment import timetable as tt
from sendesk.lib import inputs
from sendesk.schools import capabilities
from sendesk.schools.calendar import minutes_between
from sendesk.schools.models import Role
from sendesk.staff import selectors as staff_selectors
from sendesk.staff.models import Training

# Training a TA's work leans on; the page says which are current.
TRAINING_KINDS = [
    Training.Kind.SAFEGUARDING,
    Training.Kind.FIRST_AID,
    Training.Kind.MEDICATION,
    Training.Kind.POSITIVE_HANDLING,
]
KIND_LABELS = dict(Training.Kind.choices)
GIVING = {"support", "group"}


# The states staff.selectors.status_of gives, best first: the record that counts for a
# person and kind is their best.
RANK = {"current": 0, "expiring": 1, "expired": 2}


def _training(staff_ids, day) -> dict[int, list[tuple[str, str]]]:
    """(training, 'current' | 'expiring' | 'expired' | 'none') per person, as the training
    register says it (staff.selectors.status_of). One query."""
    held: dict[tuple[int, str], str] = {}
    rows = Training.objects.filter(
        user_id__in=list(staff_ids), kind__in=TRAINING_KINDS, completed_on__lte=day
    ).only("user_id", "kind", "completed_on", "expires_on")
    for row in rows:
        state = staff_selectors.status_of(row, day)
        key = (row.user_id, row.kind)
        if RANK[state] < RANK.get(held.get(key), 3):
            held[key] = state
    return {
        s: [(KIND_LABELS[k], held.get((s, k), "none")) for k in TRAINING_KINDS] for s in staff_ids
    }


def _member_row(member, items, monday, reading) -> dict:
    recorded, done, now, training = reading
    # Only what should have happened by now: this afternoon's session is not late yet.
    unrecorded = [
        i for i in items
        if i["kind"] in GIVING and i["provision_id"]
        and (i["date"], i["end"]) <= (now.date(), now.time())
        and (member.user_id, i["provision_id"], i["date"]) not in done
    ]  # fmt: skip
    planned = sum(minutes_between(i["start"], i["end"]) for i in items if i["kind"] != "break")
    pupils = {}
    for item in items:
        pupils.update(dict(item["pupils"]))
    return {
        "member": member,
        "name": member.user.full_name or member.user.email,
        "days": tt.by_day(items, monday),
        "recorded": recorded.get(member.user_id, 0),
        "unrecorded": unrecorded,
        "planned_hours": round(planned / 60, 2),
        "contract_hours": member.hours_per_week,
        "over": planned / 60 > float(member.hours_per_week),
        "training": training[member.user_id],
        "pupils": sorted(pupils.items(), key=lambda p: p[1]),
    }  # fmt: skip


@login_required
@require_GET
def team(request):
    user = request.user
    staff_at = capabilities.schools_where(user, "school_staff")
    oversee = capabilities.schools_where(user, "oversee")
    school_id = capabilities.pick_school(staff_at, request.GET.get("school") or None)
    manager_id = inputs.parse_id(request.GET.get("manager"))
    if school_id in oversee:
        manager = None
        if manager_id is not None:
            manager = selectors.managers(school_id).filter(pk=manager_id).first()
            if manager is None:
                raise Http404
    else:
        manager = user
    members = selectors.team(manager, school_id)
    # An HLTA finds the page in their bar, with or without a team yet; anyone else who
    # manages nobody finds nothing here.
    hlta = any(role == Role.HLTA for _, role in capabilities.roles_of(user))
    if manager is user and not members and not hlta:
        raise Http404
    try:
        monday = tt.parse_week(request.GET.get("week"), timezone.localdate())
    except tt.WeekError as error:
        return render(request, "deployment/team.html", {"problem": str(error)}, status=400)
    today = timezone.localdate()
    until = min(today, monday + dt.timedelta(days=4))
    ids = [m.user_id for m in members]
    weeks = tt.staff_weeks(user, ids, [school_id], monday)
    named = tt.named_pupils(item for items in weeks.values() for item in items)
    record_access_many(actor=user, pupils=named, what="team timetable")
    recorded = selectors.recorded_counts(ids, monday, until)
    done = selectors.recorded_pairs(ids, monday, until)
    training = _training(ids, today)
    reading = (recorded, done, timezone.localtime().replace(tzinfo=None), training)
    rows = [_member_row(m, weeks.get(m.user_id, []), monday, reading) for m in members]
    context = {
        "rows": rows,
        "manager": manager,
        "managers": list(selectors.managers(school_id)) if school_id in oversee else [],
        "week": {
            "label": tt.week_label(monday),
            "prev": tt.week_label(monday - dt.timedelta(days=7)),
            "next": tt.week_label(monday + dt.timedelta(days=7)),
            "monday": monday,
        },
        "oversee": school_id in oversee,
        # Whom a line manager may give their team's work to: their team (the SENCO and
        # head change plans on the plan page).
        "team_staff": []
        if school_id in oversee
        else [(m.user_id, m.user.full_name or m.user.email) for m in members],
    }
    return render(request, "deployment/team.html", context)
