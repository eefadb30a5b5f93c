from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, timeline links and kinds, and capabilities (which medication uses too).


class CareConfig(AppConfig):
    name = "sendesk.care"
    label = "care"
    # Retention (records.retention): the school's own period for care records.
    retention = {"care": ["care.CarePlan", "care.CareEvent", "care.Equipment", "care.Amendment"]}
    nav = [(30, "care_due", "Care", {"ta", "hlta"})]
    timeline_links = {"careevent": "care_event_detail"}
    # The kinds of timeline line this app writes (value -> label).
    timeline_kinds = {
        "care_plan": "Care plan",
        "care": "Care",
        "care_amended": "Care record corrected",
    }
    capabilities = {
        # Giving medicines and personal care: school staff in the pupil's scope, when trained.
        "give_care": {"ta", "hlta", "teacher", "senco", "head"},
        # Writing healthcare and care plans, medicines, equipment.
        "write_care": {"senco", "head"},
    }
