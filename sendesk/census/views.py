"""The census check page (SENCO, head): before each census day, the SEN figures the MIS
will send and what looks wrong, each issue linking to the pupil. Anyone who does not
oversee the school gets 404, as on the other school-wide pages."""

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.schools.models import School

from .check import sen_check


@login_required
@require_GET
def census_check(request):
    schools = access.schools_where(request.user, "oversee")
    school_id = access.oversight_school(request.user, request.GET.get("school"))
    check = sen_check(school_id)
    # The page names the pupils it flags (the counts name nobody): each is a view of them.
    record_access_many(
        actor=request.user,
        pupils=[SimpleNamespace(pk=i.pupil_id, school_id=school_id) for i in check.issues],
        what="census check",
    )
    several = len(schools) > 1
    context = {"check": check, "several": several, "school_id": school_id}
    if several:
        context["schools"] = School.objects.filter(pk__in=schools).order_by("name")
    return render(request, "census/check.html", context)
