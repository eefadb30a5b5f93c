"""The trust view page (issue 13): a trust SENCO's or trust lead's one view of SEN across
the trust's schools. Anyone without a trust role at the trust asked for gets 404, as for
any page out of their scope."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendesk.audit.services import record_access_many

from .selectors import trust_view


@login_required
@require_GET
def trust_overview(request):
    view = trust_view(request.user, request.GET.get("trust"))
    # The shortfall and intervention lists name pupils: each named is a view of them.
    record_access_many(actor=request.user, pupils=view.pupils_shown, what="trust view")
    return render(request, "trust/overview.html", {"view": view})
