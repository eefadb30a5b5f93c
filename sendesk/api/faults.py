"""The API's side of sendesk/lib/faults.py: a database fault answers 503 {"detail": ...}
from every operation, and the OpenAPI document says so for every operation.

Ninja has no setting for a response every operation may give, so the document is completed
here after ninja builds it (one place, rather than a 503 line in each operation's
`response=`, which a new operation would forget)."""

from django.db import DatabaseError
from ninja import NinjaAPI

from sendesk.lib.faults import answer, classify

SERVICE_UNAVAILABLE = {
    "description": "The database cannot serve the request (unreachable, read-only, full, or "
    "its file missing); detail says which, in plain words. Nothing sent was saved.",
    "content": {
        "application/json": {
            "schema": {
                "title": "FaultOut",
                "type": "object",
                "properties": {"detail": {"title": "Detail", "type": "string"}},
                "required": ["detail"],
            }
        }
    },
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def install(api: NinjaAPI) -> None:
    def database_error(request, exc: DatabaseError):
        fault = classify(exc)
        if fault is None:
            raise exc  # a programming error: Django's 500, for the developers to see
        return answer(request, fault)

    # Answered here too (FaultsMiddleware answers the same), so that DEBUG, where ninja would
    # turn the error into a traceback page, gives the same 503.
    api.add_exception_handler(DatabaseError, database_error)

    build = api.get_openapi_schema

    def get_openapi_schema(**kwargs):
        schema = build(**kwargs)
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if method in _METHODS:
                    operation.setdefault("responses", {}).setdefault("503", SERVICE_UNAVAILABLE)
        return schema

    api.get_openapi_schema = get_openapi_schema
