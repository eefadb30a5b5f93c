from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# timeline links and kinds.


class BehaviourConfig(AppConfig):
    name = "sendesk.behaviour"
    label = "behaviour"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {
        "sen": [
            "behaviour.Observation",
            "behaviour.Incident",
            "behaviour.StrategyUse",
            "behaviour.RestrictiveIntervention",
            "behaviour.Amendment",
        ]
    }
    # Issue 11: parents not told of a restrictive intervention by the deadline, found by a
    # daily check; leaders hear of it by e-mail at once unless they choose otherwise.
    notification_kinds = {
        "ri_parents_overdue": "Parents not told of a restrictive intervention by the deadline"
    }
    notification_urgent = {"ri_parents_overdue"}
    scheduled_checks = ["sendesk.behaviour.checks.parents_not_told"]
    timeline_links = {
        "observation": "observation_detail",
        "incident": "incident_detail",
        "restrictiveintervention": "intervention_detail",
    }
    # The kinds of timeline line this app writes (value -> label). Behaviour plans and
    # their strategies are plans' "plan" lines.
    timeline_kinds = {
        "observation": "Observation",
        "incident": "Incident",
        "positive": "Positive behaviour",
        "restrictive_intervention": "Restrictive intervention",
        "parent_notified": "Parent notified",
        "corrected": "Record corrected",
    }
