"""What a parent's pages show about their own child: the provision promised and what was
delivered, and therapy programmes. Deliberately narrow: no staff notes, behaviour,
incidents, restrictive interventions, care notes or safeguarding ever pass through here."""

import datetime as dt

from sendesk.medication.models import Medicine
from sendesk.provision.models import Provision
from sendesk.provision.selectors import label_missed, reconcile
from sendesk.schools.calendar import term_around, week_start
from sendesk.therapy.models import Programme
from sendesk.therapy.selectors import sessions_delivered


def child_page(child, day: dt.date) -> dict:
    """Current provisions with promised vs delivered minutes this week and this term and
    missed reasons; therapy programmes with the sessions delivered this term. A fixed
    number of queries whatever the number of provisions."""
    provisions = list(
        Provision.objects.filter(pupil=child)
        .current_on(day)
        .select_related("pupil")
        .order_by("title")
    )
    figures = label_missed(reconcile(provisions, day))
    programmes = list(
        Programme.objects.filter(provision__in=[p.pk for p in provisions])
        .select_related("referral", "provision")
        .order_by("title")
    )
    term = term_around(child.school_id, day)
    monday = week_start(day)
    term_start = min(term.start if term else monday, monday)
    delivered = sessions_delivered([p.provision for p in programmes], term_start, day)
    for programme in programmes:
        programme.sessions_this_term = delivered.get(programme.provision_id, 0)
    return {
        "figures": figures,
        "programmes": programmes,
        "term": term,
        "term_start": term_start,
        "has_medicines": has_medicines(child),
    }


def has_medicines(child) -> bool:
    """Whether the child has any medicine on record, so a medication record (MAR) exists
    to show. One query."""
    return Medicine.objects.filter(pupil=child).exists()
