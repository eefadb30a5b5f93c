"""The input rules every service applies to what people type or devices send: one
implementation, one behaviour, tested once (tests/core/test_inputs.py).

Services collect messages in an `errors` dict keyed by field and raise one ServiceError
with all of them, so a form shows every problem at once and nothing is written."""

import datetime as dt
import decimal
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

NUL_MESSAGE = "{label} holds a character that can't be stored: retype it."


def text(value, name, errors, *, limit, required="", label="This") -> str:
    """`value` as stripped text, "" when absent. A message goes to errors[name] when it is
    not text, holds NUL (PostgreSQL can't store it and a pasted control character is never
    meant: it is refused, not silently dropped), is empty while `required` (the message to
    give) is set, or is longer than `limit` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = f"{label} must be text."
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[name] = NUL_MESSAGE.format(label=label)
    elif required and not value:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = f"Keep this to {limit:,} characters or fewer (it has {len(value):,})."
    return value


def search_text(value, *, limit=100) -> str:
    """What a search box sent, stripped and cut to `limit` characters. A search stores
    nothing, so a NUL (which no stored text holds, and PostgreSQL refuses in a query) is
    dropped rather than refused: the search is for the rest."""
    return (value or "").replace("\x00", "").strip()[:limit]


def text_fields(data: dict, names, errors, *, limits, required=None) -> None:
    """text() for several fields of `data`, in place: each is replaced by its stripped
    value. `limits` gives each field's length; `required` its message when it is needed."""
    required = required or {}
    for name in names:
        data[name] = text(
            data.get(name), name, errors, limit=limits[name], required=required.get(name, "")
        )


def whole(value) -> bool:
    """An int sent as an int: JSON's true must not pass for 1, nor 2.5 for 2."""
    return isinstance(value, int) and not isinstance(value, bool)


def email(value) -> tuple[str, bool]:
    """(the address as stored: trimmed, lower case; whether it is one): a valid address of
    at most 254 characters, the most a mailbox can have."""
    address = str(value or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return address, False
    return address, len(address) <= 254


def is_date(value) -> bool:
    """A date and not a datetime (which is a date too, and would pass for one)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


MAX_ID = 2**63 - 1  # the largest id the database holds


def whole_number(value, lo: int, hi: int) -> int | None:
    """`value` as an int from lo to hi, or None: an int sent as an int (see whole()), or
    text of ASCII digits (str.isdigit() also accepts '²' and other digits int() refuses;
    nothing longer than 19 digits is turned into a number)."""
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit() or len(value) > 19:
            return None
        value = int(value)
    elif not whole(value):
        return None
    return value if lo <= value <= hi else None


def parse_id(value, hi: int = MAX_ID) -> int | None:
    """An id from outside (a form, a path, JSON) as an int, or None when it is not one: the
    one id parser, so that "12", 12 and a lookup by it agree everywhere."""
    return whole_number(value, 1, hi)


def plain(value):
    """`value` as the audit trail stores it in JSON: times in local time (what the person
    saw), dates and times as ISO text, ids and decimals as text."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    return value
