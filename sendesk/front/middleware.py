class NoStoreMiddleware:
    """Pages about children must not stay in a shared tablet's browser cache after logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class LeaverReadOnlyMiddleware:
    """A write about a pupil who has left, refused by the audit's check
    (sendesk.pupils.leavers), reaching a page that did not show it beside its form: a page
    saying so (409), not a server error. Pages that catch ServiceError show the same words
    in their error summary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from sendesk.pupils.leavers import LeaverReadOnly

        if not isinstance(exception, LeaverReadOnly):
            return None
        context = {"pupil": exception.pupil, "message": exception.errors["__all__"]}
        return render(request, "pupils/read_only.html", context, status=exception.status)
