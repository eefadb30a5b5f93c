"""The demo's provision map (issue 10, part 9), made last, after every module that adds
provision: Oakfield's notional SEN budget, and a cost per hour on any provision another
module made without one (the reading intervention group), at the rate of the adult who
staffs it, as the generator costs its own. Equipment and adaptations are left without a
cost: a school buys them once, not by the hour."""

from decimal import Decimal

from sendesk.provision.models import Provision

from .generator import HOURLY

# A one-form-entry primary of about 210 pupils: the local authority's notional SEN budget
# (the school's first £6,000 for each pupil needing SEN support, from its formula). Set so
# that the year's provision (about £70,000 at the demo's rates) commits nearly 60 %
# of it, the rest funding what the map does not list (the SENCO's time, training, resources).
NOTIONAL_SEN_BUDGET = Decimal("120000.00")
# A provision staffed by "any trained adult" is costed as a TA's time.
RATE = {**HOURLY, Provision.Staffing.ANY: HOURLY["ta"]}


def make_provision_map(data) -> None:
    """data: the generator's SchoolData for the demo school."""
    school = data.school
    school.notional_sen_budget = NOTIONAL_SEN_BUDGET
    school.save(update_fields=["notional_sen_budget"])
    uncosted = Provision.objects.filter(pupil__school=school, cost_per_hour__isnull=True).exclude(
        kind=Provision.Kind.EQUIPMENT
    )
    for staffing, rate in RATE.items():
        uncosted.filter(staffing=staffing).update(cost_per_hour=rate)
