from django.apps import AppConfig

from sendesk.lib.registry import STAFF_GROUP

# The agencies around a school (issue 11): educational psychology, speech and language
# therapy, occupational therapy, physiotherapy, school nursing, CAMHS, social care and the
# local authority's SEN team. Consent to share with one is named against it (consent app);
# referrals go to one; its professionals sign in to see only the pupils referred to them.


class AgenciesConfig(AppConfig):
    name = "sendesk.agencies"
    label = "agencies"
    # The school's agencies and their professionals are kept by the head and the SENCO:
    # the SENCO makes the referrals and works with these services week to week (the SEND
    # Code of Practice puts liaison with outside agencies in the SENCO's role), so waiting
    # for the head to add a new EP would stall referrals. What a professional may then see
    # still needs a referral and the parents' consent, which the SENCO records anyway.
    capabilities = {"manage_agencies": {"senco", "head"}}
    nav = [(77, "agency_list", "Agencies", {"senco", "head"}, STAFF_GROUP)]
    audit_names: dict = {
        "agencies.agency": "Agency",
        "agencies.agencymember": "Agency professional",
    }
