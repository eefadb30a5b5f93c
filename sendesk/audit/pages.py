"""One form page over a pupil's record, for any app: showing it writes the access trail,
so it lives here beside record_access rather than in lib, which sits below audit."""

from django.contrib import messages
from django.shortcuts import redirect, render

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors

from .services import record_access

CORRECTION_SAVED = "Correction saved. The original stays in the history below."


def service_form_page(request, *, form, pupil, what, template, context, save, done, done_url):
    """A page with one form that one service call saves: GET shows it (and logs the view
    of the pupil's record as `what`); POST runs `save(form)` and goes to `done_url` with
    the message `done`, or re-renders 422 (or the service's status) with what was typed and
    the service's messages beside the fields. Service errors reach the form
    through apply_service_errors."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                save(form)
            except ServiceError as error:
                apply_service_errors(form, error)
                status = error.status
            else:
                messages.success(request, done)
                return redirect(done_url)
    else:
        record_access(actor=request.user, pupil=pupil, what=what)
    return render(request, template, {**context, "pupil": pupil, "form": form}, status=status)
