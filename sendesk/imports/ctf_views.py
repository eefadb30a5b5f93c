"""The pupil's CTF for the next school, as a download: for the SENCO and head only (the
"oversee" capability); anyone else, or a pupil out of scope, gets the same 404 as a pupil
that does not exist. Each download is logged on the pupil's access trail."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from sendesk import access
from sendesk.audit.services import record_access

from . import ctf_export

WHAT = "CTF for the next school"


def ctf_response(user, pupil_id, via: str) -> HttpResponse:
    """The download, shared by the page and the API so both check and log alike."""
    pupil = access.get_pupil_for(user, pupil_id, "oversee")
    body = ctf_export.build(pupil)
    record_access(actor=user, pupil=pupil, what=WHAT, via=via)
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ctf_export.filename(pupil)}"'
    return response


@login_required
@require_GET
def pupil_ctf(request, pupil_id):
    return ctf_response(request.user, pupil_id, via="web")
