from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, timeline links and kinds.


class MedicationConfig(AppConfig):
    name = "sendesk.medication"
    label = "medication"
    # Retention (records.retention): the school's own period for medication and care.
    retention = {
        "care": [
            "medication.HealthcarePlan",
            "medication.Medicine",
            "medication.Administration",
        ]
    }
    nav = [(20, "medication_due", "Medicines", {"ta", "hlta"})]
    timeline_links = {"administration": "dose_detail"}
    # The kinds of timeline line this app writes (value -> label).
    timeline_kinds = {"medication": "Medication"}
    # Issue 11: what this app tells people of (services.tell_senco_of_dose); leaders hear of a
    # dose refused or not given by e-mail at once unless they choose otherwise.
    notification_kinds = {
        "dose_not_given": "A medicine dose refused or not given",
        # Issue 13: a dose given offline that broke a rule, found when it arrived.
        "dose_offline_problem": "A medicine dose given offline that broke a rule",
    }
    notification_urgent = {"dose_not_given", "dose_offline_problem"}
    # A consent about one medicine ("medicine:<id>") must name one of the child's own
    # (consent.services._ref_is_for): where the record and its pupil are.
    consent_refs = {"medicine": ("medication.Medicine", "pupil")}
