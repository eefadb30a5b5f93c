from django.apps import AppConfig

# A parent's consent for one purpose about one child (photos and video first; issue 11
# adds agencies, referrals, medication and trips): given, refused or withdrawn, each with
# when and who. Read where a consent matters, at the moment it matters.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.


class ConsentConfig(AppConfig):
    name = "sendesk.consent"
    label = "consent"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["consent.Consent"]}
    nav: list = []
    audit_names: dict = {"consent.consent": "Consent"}
    timeline_kinds = {"consent": "Consent"}
    # Recording a consent form a parent filled in on paper: the school office's job, which
    # in SENDesk the SENCO and the head (or school admin) hold.
    capabilities = {"record_consent": {"senco", "head"}}
