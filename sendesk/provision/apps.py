from django.apps import AppConfig

from sendesk.lib.registry import ASSESS_GROUP

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, timeline links and kinds, audit names and capabilities.


class ProvisionConfig(AppConfig):
    name = "sendesk.provision"
    label = "provision"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["provision.Provision", "provision.SessionPupil"]}
    # Navigation: (place, URL name, label, roles); front orders all apps' entries by place.
    nav = [
        (10, "my_day", "My day", {"ta", "hlta"}),
        (40, "teacher_feed", "Feed", {"teacher"}),
        # Issue 10: the school's provision map, its costs against the notional SEN budget.
        (186, "provision_map", "Provision map", {"senco", "head"}, ASSESS_GROUP),
    ]
    timeline_links = {"session": "session_detail"}
    # Issue 11: what this app tells people of (services.tell_teachers_of_flag).
    notification_kinds = {"session_flagged": "A session a TA flagged for you, the teacher"}
    audit_names = {
        "provision.provision": "Provision",
        "provision.session": "Session record",
        # The provision map's notional SEN budget is the only school field it writes.
        "schools.school": "School",
    }
    capabilities = {
        "record_sessions": {"ta", "hlta", "teacher", "senco", "head"},
        # Issue 10: the provision map (costs, the notional SEN budget): school-wide money.
        "view_provision_map": {"senco", "head"},
    }

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import tally

        # The term tallies' triggers are made by migrate, not by a migration (tally.py).
        pre_migrate.connect(tally.before_migrate, sender=self, dispatch_uid="tally.before")
        post_migrate.connect(tally.after_migrate, sender=self, dispatch_uid="tally.after")

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
