from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation and timeline kinds.


class TherapyConfig(AppConfig):
    name = "sendesk.therapy"
    label = "therapy"
    nav = [(100, "therapy_home", "Therapy", {"therapist"})]

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
