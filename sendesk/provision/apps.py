from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, timeline links and kinds, audit names and capabilities.


class ProvisionConfig(AppConfig):
    name = "sendesk.provision"
    label = "provision"
    # Navigation: (place, URL name, label, roles); front orders all apps' entries by place.
    nav = [
        (10, "my_day", "My day", {"ta", "hlta"}),
        (40, "teacher_feed", "Feed", {"teacher"}),
    ]
    timeline_links = {"session": "session_detail"}
    audit_names = {"provision.provision": "Provision", "provision.session": "Session record"}
    capabilities = {"record_sessions": {"ta", "hlta", "teacher", "senco", "head"}}

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
