from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, audit names, capabilities and timeline kinds.


class PupilsConfig(AppConfig):
    name = "sendesk.pupils"
    label = "pupils"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {
        "sen": [
            "pupils.SenStatusPeriod",
            "pupils.PupilNeed",
            "pupils.Strategy",
            "pupils.Contact",
            "pupils.Deployment",
            "pupils.TimelineEntry",
        ]
    }
    nav = [(70, "deployment", "Deployment", {"senco", "head"})]
    audit_names = {
        "pupils.pupil": "Pupil record",
        "pupils.strategy": "Strategy",
        "pupils.contact": "Contact",
        "pupils.deployment": "Deployment",
    }
    capabilities = {"write_pupils": {"senco", "head"}}

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
