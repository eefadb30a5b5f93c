from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation and timeline kinds.


class TherapyConfig(AppConfig):
    name = "sendesk.therapy"
    label = "therapy"
    # Files a disposal removes with the rows (records.disposal), under settings.EVIDENCE_DIR.
    retention_files = {"therapy.AdviceFile": ("EVIDENCE_DIR", ["path"])}
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {
        "sen": [
            "therapy.Referral",
            "therapy.Programme",
            "therapy.Advice",
            "therapy.AdviceFile",
        ]
    }
    nav = [(100, "therapy_home", "Therapy", {"therapist"})]
    # Issue 11: a referral to an agency past its timescale tells the SENCO (a daily check).
    notification_kinds = {
        "referral_overdue": "A referral to an agency is past its timescale",
        "referral_consent_withdrawn": "A referral closed because the parents withdrew consent",
    }
    # Called by the consent app in the transaction that records a parent's decision: a
    # withdrawn referral consent closes that agency's open referrals (consent sits below
    # therapy in the layers, so it reads this through the registry, never an import).
    consent_decided = ["sendesk.therapy.services.referral_consent_decided"]
    scheduled_checks = ["sendesk.therapy.checks.referrals_overdue"]
    # The professionals' advice and visits go into the pupil's reviews.
    review_sections = ["sendesk.therapy.review.section"]

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
