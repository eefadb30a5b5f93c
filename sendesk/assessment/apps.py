from django.apps import AppConfig

# Measures and scores (entry, exit, routine tests), intervention impact and dosage, and
# the Engagement Model's observations.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.


class AssessmentConfig(AppConfig):
    name = "sendesk.assessment"
    label = "assessment"
    nav: list = []
    audit_names: dict = {}
