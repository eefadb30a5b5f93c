from django.apps import AppConfig

# The agencies around a school (issue 11): educational psychology, speech and language
# therapy, occupational therapy, physiotherapy, school nursing, CAMHS, social care and the
# local authority's SEN team. Consent to share with one is named against it (consent app);
# referrals go to one; its professionals sign in to see only the pupils referred to them.


class AgenciesConfig(AppConfig):
    name = "sendesk.agencies"
    label = "agencies"
    nav: list = []
    audit_names: dict = {"agencies.agency": "Agency"}
