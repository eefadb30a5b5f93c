from django.apps import AppConfig

# Photos, videos, audio and scanned work attached to a session, an observation or a
# target: stored under var/, served only through the access layer, location data stripped.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# review sections) is declared here, read by sendesk.lib.registry.


class EvidenceConfig(AppConfig):
    name = "sendesk.evidence"
    label = "evidence"
    # Files a disposal removes with the rows (records.disposal), under settings.EVIDENCE_DIR.
    retention_files = {"evidence.Evidence": ("EVIDENCE_DIR", ["path", "thumb_path"])}
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["evidence.Evidence"]}
    nav: list = []
    audit_names: dict = {"evidence.evidence": "Photo or recording"}
    timeline_kinds = {
        "evidence": "Photo or recording",
        "evidence_amended": "Photo or recording corrected",
    }
    timeline_links = {"evidence": "evidence_detail"}
    # The review meeting and its pack gather these (reviews10, issue 10's agreed interface).
    review_sections = ["sendesk.evidence.review.section"]

    def session_media(self, user, session_id):
        """The session page's pictures (provision sits below this app, so it asks through
        sendesk.lib.registry): (template, {pupil id: items}) for the pupils of one session."""
        from .selectors import for_session  # models load after every AppConfig

        return "evidence/_session_media.html", for_session(user, session_id)
