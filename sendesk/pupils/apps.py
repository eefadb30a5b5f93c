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
            "pupils.PupilLeaving",
            "pupils.TransferDisclosure",
        ]
    }
    # The leavers' list (issue 12) is reached from the pupil list, not the bar.
    nav = [(70, "deployment", "Deployment", {"senco", "head"})]
    audit_names = {
        "pupils.pupil": "Pupil record",
        "pupils.strategy": "Strategy",
        "pupils.contact": "Contact",
        "pupils.deployment": "Deployment",
        "pupils.pupilleaving": "Leaving",
        "pupils.transferdisclosure": "Sent to the next school",
    }
    capabilities = {
        "write_pupils": {"senco", "head"},
        # Issue 12: the SENCO or head records a leaving and produces the transfer; only the
        # head opens a leaver's record again.
        "record_leaving": {"senco", "head"},
        "rejoin_pupil": {"head"},
    }
    # Asked by sendesk.audit before every audited write about a pupil: a leaver's record
    # is read-only (sendesk.pupils.leavers).
    pupil_write_checks = ["sendesk.pupils.leavers.refuse_if_left"]

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
