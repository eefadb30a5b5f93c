from django.apps import AppConfig

from sendesk.lib.registry import ASSESS_GROUP

# The school census's SEN figures (issue 12): before each census day (October, January,
# May) the SENCO sees what the MIS will send and what looks wrong.


class CensusConfig(AppConfig):
    name = "sendesk.census"
    label = "census"
    # The census check: the SENCO's and the head's, as the register they oversee ("oversee").
    nav = [(188, "census_check", "Census check", {"senco", "head"}, ASSESS_GROUP)]
    audit_names: dict = {}
