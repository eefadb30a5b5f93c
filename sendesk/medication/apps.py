from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation and timeline links.


class MedicationConfig(AppConfig):
    name = "sendesk.medication"
    label = "medication"
    nav = [(20, "medication_due", "Medicines", {"ta", "hlta"})]
    timeline_links = {"administration": "dose_detail"}
