from django.apps import AppConfig

# The school census's SEN figures (issue 12): before each census day (October, January,
# May) the SENCO sees what the MIS will send and what looks wrong.


class CensusConfig(AppConfig):
    name = "sendesk.census"
    label = "census"
    nav: list = []
    audit_names: dict = {}
