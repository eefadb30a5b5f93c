from django.apps import AppConfig

# Photos, videos, audio and scanned work attached to a session, an observation or a
# target: stored under var/, served only through the access layer, location data stripped.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.


class EvidenceConfig(AppConfig):
    name = "sendesk.evidence"
    label = "evidence"
    nav: list = []
    audit_names: dict = {}
