from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# timeline links and kinds, audit names and capabilities.


class PlansConfig(AppConfig):
    name = "sendesk.plans"
    label = "plans"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["plans.Plan"]}
    timeline_links = {"plan": "plan_detail"}
    audit_names = {"plans.plan": "Plan", "plans.outcome": "Outcome", "plans.target": "Target"}
    capabilities = {"write_plans": {"hlta", "teacher", "senco", "head"}}

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
