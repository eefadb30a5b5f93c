"""The JSON API, /api/v1/. Its paths are the contract later integrations rely on."""

from csp.decorators import csp_update
from ninja import NinjaAPI

from . import (
    agencies,
    assessment,
    auth,
    behaviour,
    care,
    census,
    consent,
    ctf,
    deployment,
    errors,
    evidence,
    exams,
    faults,
    homeschool,
    imports,
    leavers,
    medication,
    notifications,
    observations,
    offline,
    plans,
    provision,
    provision_map,
    pupils,
    referrals,
    retention,
    reviews,
    safeguarding,
    sessions,
    staff,
    subject_access,
    therapy,
    timetable,
    trips,
    trust,
)

api = NinjaAPI(
    title="SENDesk API",
    version="1",
    description="Pupils, plans, promised provision and TA session records. Get a token from "
    "POST /auth/token and send it as 'Authorization: Bearer <token>'. A record out of your "
    "scope answers 404, exactly as one that does not exist.",
    urls_namespace="api",
    auth=auth.BearerToken(),
    parser=errors.ObjectParser(),
    # The docs page (Swagger UI, served from ninja's own static files, no CDN) draws its
    # icons as data: images; only it (and openapi.json, which ninja decorates alike) may.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)
errors.install(api)
faults.install(api)
api.add_router("/auth", auth.router)
api.add_router("/pupils", pupils.router)
api.add_router("/pupils", plans.router)
api.add_router("/pupils", ctf.router)
api.add_router("/pupils", leavers.router)
api.add_router("", provision.router)
api.add_router("/sessions", sessions.router)
api.add_router("", behaviour.router)
api.add_router("", observations.router)
api.add_router("", safeguarding.router)
api.add_router("", medication.router)
api.add_router("", care.router)
api.add_router("", therapy.router)
api.add_router("/staff", timetable.router)
api.add_router("", deployment.router)
api.add_router("", trips.router)
api.add_router("", staff.router)
api.add_router("", reviews.router)
api.add_router("", evidence.router)
api.add_router("", exams.router)
api.add_router("", assessment.router)
api.add_router("", provision_map.router)
api.add_router("", notifications.router)
api.add_router("", consent.router)
api.add_router("", referrals.router)
api.add_router("", homeschool.router)
api.add_router("", agencies.router)
api.add_router("", census.router)
api.add_router("", imports.router)
api.add_router("", subject_access.router)
api.add_router("", retention.router)
api.add_router("", trust.router)
api.add_router("/offline", offline.router)
