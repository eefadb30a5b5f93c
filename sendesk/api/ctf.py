"""A pupil's Common Transfer File (XML) for the next school: SENCO and head (issue 12)."""

import uuid

from ninja import Router

from sendesk.imports.ctf_views import ctf_response

from .common import LOOKUP_ERRORS

router = Router(tags=["pupils"])

CTF_DOC = {
    "responses": {
        200: {
            "description": "The pupil's CTF: SEN history and ranked needs, as XML.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/{pupil_id}/ctf",
    response={**LOOKUP_ERRORS},
    summary="The pupil's Common Transfer File for the next school (SENCO, head)",
    openapi_extra=CTF_DOC,
)
def pupil_ctf(request, pupil_id: uuid.UUID):
    return ctf_response(request.auth, pupil_id, via="api")
