from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, timeline links and kinds.


class MedicationConfig(AppConfig):
    name = "sendesk.medication"
    label = "medication"
    nav = [(20, "medication_due", "Medicines", {"ta", "hlta"})]
    timeline_links = {"administration": "dose_detail"}
    # The kinds of timeline line this app writes (value -> label).
    timeline_kinds = {"medication": "Medication"}
