import html
import uuid

from tests.world import TODAY

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    """The response body as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def quick_form(**changes):
    """What the My day quick form posts for a delivered session, with `changes` applied
    (a change to None leaves the field out)."""
    data = {
        "client_id": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "outcome": "delivered",
        "minutes": "30",
        "start_time": "",
        "attendance": "present",
        "response": "4",
        "adaptations": "",
        "note": "",
        "missed_reason": "",
        "missed_note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
