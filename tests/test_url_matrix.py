"""Every page keyed by a pupil answers a person who may not see that pupil exactly as it
answers for a pupil that does not exist: same status, same body. Walks the URL patterns,
so pages added later are covered without a new test."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from sendesk.audit.models import AccessEvent


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("admin/", "api/")):
                continue  # the admin holds no pupil data; the API has its own matrix
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


PUPIL_ROUTES = sorted({p for p in _patterns() if "<uuid:pupil_id>" in p})


def test_there_are_pupil_routes_to_check():
    assert len(PUPIL_ROUTES) >= 6, PUPIL_ROUTES


@pytest.mark.parametrize("route", PUPIL_ROUTES)
@pytest.mark.parametrize(
    ("person", "hidden"),
    [("alice", "cara"), ("bob", "ben"), ("tess", "cara"), ("hana", "ben"), ("olga", "ben"),
     ("senco", "olly"), ("nobody", "ben")],
)  # fmt: skip
def test_out_of_scope_looks_like_nonexistent(world, as_user, route, person, hidden):
    client = as_user(getattr(world, person))
    path = "/" + route.replace("<uuid:pupil_id>", str(getattr(world, hidden).pk))
    ghost = "/" + route.replace("<uuid:pupil_id>", str(uuid.uuid4()))
    before = AccessEvent.objects.count()
    out_of_scope, missing = client.get(path), client.get(ghost)
    assert out_of_scope.status_code in (404, 405)
    assert (out_of_scope.status_code, out_of_scope.content) == (
        missing.status_code,
        missing.content,
    )
    assert AccessEvent.objects.count() == before
