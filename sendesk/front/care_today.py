"""The SENCO's daily care list: what to act on today across care, medication and staff
training, so it sits above those apps. The template stays under care/."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendesk import access

from .selectors import daily_list


@login_required
@require_GET
def care_today(request):
    school_id = access.oversight_school(request.user, request.GET.get("school"))
    data = daily_list(request.user, school_id)
    return render(request, "care/daily.html", data)
