"""Setting the school's notional SEN budget, which the provision map sets its costs
against: validated, written and audited in one transaction."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change
from sendesk.lib.errors import ServiceError
from sendesk.schools.models import School

# The field holds up to 99,999,999.99; no school's SEN budget comes near, so a larger
# figure is a typing mistake (an extra nought or two).
MOST = Decimal("10000000")


def parse_amount(value) -> Decimal | None:
    """A sum of money as typed: "£150,000", "150000.50"; "" for none. ServiceError if it is
    not a sum of pounds and pence above 0 and below ten million."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace("£", "").strip()
    message = "Give the budget in pounds, e.g. 150000 or 150,000.00, or leave it empty."
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ServiceError({"notional_sen_budget": message}) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ServiceError({"notional_sen_budget": message})
    if amount <= 0:
        raise ServiceError(
            {"notional_sen_budget": "Give a budget above £0, or leave it empty if not known."}
        )
    if amount >= MOST:
        raise ServiceError(
            {"notional_sen_budget": "That is more than £10 million: check the number of noughts."}
        )
    return amount.quantize(Decimal("0.01"))


def budget_set(*, actor, school_id: int, amount) -> School:
    """Set (or clear, with "" or None) the notional SEN budget of a school where `actor`
    may see the provision map."""
    access.require(actor, school_id, "view_provision_map")
    value = parse_amount(amount)
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=school_id)
        before = school.notional_sen_budget
        if before == value:
            return school
        school.notional_sen_budget = value
        school.save(update_fields=["notional_sen_budget"])
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=school,
            school_id=school_id,
            before={"notional_sen_budget": None if before is None else str(before)},
            after={"notional_sen_budget": None if value is None else str(value)},
        )
    return school
