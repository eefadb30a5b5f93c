"""Written parental consent (care.models.Consent), the one rule every record holding it
keeps (care plans, healthcare plans, medicines): who gave it and when, both or neither,
not dated in the future, and where the signed form is kept."""

import datetime as dt

from django.utils import timezone

from sendesk.lib import inputs


def check_consent(data: dict, errors: dict, today: dt.date | None = None) -> None:
    """Checks and tidies data's consent_by, consent_on and consent_document in place,
    adding a message per field to `errors`."""
    today = today or timezone.localdate()
    by = data["consent_by"] = inputs.text(data.get("consent_by"), "consent_by", errors, limit=150)
    data["consent_document"] = inputs.text(
        data.get("consent_document"), "consent_document", errors, limit=200
    )
    on = data.get("consent_on")
    if on in ("", None):
        data["consent_on"] = on = None
    elif not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        errors["consent_on"] = "Give the date consent was given as day, month and year."
        return
    elif on > today:
        errors["consent_on"] = "Consent can't be dated in the future."
    if by and on is None and "consent_on" not in errors:
        errors["consent_on"] = "Say when consent was given."
    if on is not None and not by and "consent_by" not in errors:
        errors["consent_by"] = "Say who gave consent (the parent or carer)."
