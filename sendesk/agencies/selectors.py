"""Reads for the page that keeps a school's agencies and their professionals (head,
SENCO) and for the API's /agencies. Everyone else gets the 404 of a page that does not
exist; an agency or member of another school answers the same."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from sendesk.schools import capabilities

from .models import Agency, AgencyMember

MANAGE = "manage_agencies"

# A referral is open while it waits for the agency's answer or is accepted (not declined
# or closed), until its end date. Written as the therapy app stores them
# (therapy.models.Status): therapy sits above this app in the layers, so its models are
# reached through the relation only.
_OPEN = ("sent", "accepted")


def managed_school(user, school_id=None) -> int:
    """The school whose agencies `user` keeps (`school_id` as sent, or their first);
    Http404 for anyone without the capability there."""
    return capabilities.pick_school(capabilities.schools_where(user, MANAGE), school_id)


def _small(value) -> bool:
    return isinstance(value, int) and 0 < value < 2**31


def agencies_of(school_id: int, day=None):
    """The school's agencies, active first, each with `professionals` (active members) and
    `open_referrals`. One query whatever their number: both counts come from one join,
    counted distinct so that one does not multiply the other."""
    day = day or timezone.localdate()
    open_referral = Q(referrals__status__in=_OPEN) & (
        Q(referrals__end__isnull=True) | Q(referrals__end__gte=day)
    )
    return (
        Agency.objects.filter(school_id=school_id)
        .annotate(
            professionals=Count("members", filter=Q(members__active=True), distinct=True),
            open_referrals=Count("referrals", filter=open_referral, distinct=True),
        )
        .order_by("-active", "name", "pk")
    )


def get_agency(user, agency_id) -> Agency:
    """One agency of a school where `user` keeps the agencies; Http404 otherwise, the same
    whether it exists at another school or not at all."""
    schools = capabilities.schools_where(user, MANAGE)
    agency = (
        Agency.objects.filter(pk=agency_id, school_id__in=schools).select_related("school").first()
        if _small(agency_id) and schools
        else None
    )
    if agency is None:
        raise Http404
    return agency


def members_of(agency):
    """The agency's professionals, current first, with their accounts. One query."""
    return list(
        AgencyMember.objects.filter(agency=agency)
        .select_related("user")
        .order_by("-active", "user__full_name", "pk")
    )


def get_member(agency, member_id) -> AgencyMember:
    """One membership of `agency` (already checked for the user); Http404 otherwise."""
    try:
        value = int(member_id)
    except (TypeError, ValueError):
        raise Http404 from None
    member = (
        AgencyMember.objects.filter(pk=value, agency=agency).select_related("user").first()
        if _small(value)
        else None
    )
    if member is None:
        raise Http404
    member.agency = agency
    return member


def agencies_with_members(school_id: int, **filters):
    """The school's agencies (narrowed by `filters`) with their members and accounts, for
    the API. Two queries."""
    members = AgencyMember.objects.select_related("user").order_by("-active", "user__full_name")
    return list(
        agencies_of(school_id)
        .filter(**filters)
        .prefetch_related(Prefetch("members", queryset=members))
    )
