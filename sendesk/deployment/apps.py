from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry: navigation, timeline links
# and kinds, audit names and capabilities.


class DeploymentConfig(AppConfig):
    name = "sendesk.deployment"
    label = "deployment"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["deployment.Unmet"]}
    # Navigation: (place, URL name, label, roles); front orders all apps' entries by place.
    nav = [
        (12, "my_timetable", "Timetable", {"ta", "hlta", "teacher"}),
        (14, "team", "My team", {"hlta"}),
        (72, "deployment_plans", "Plans", {"senco", "head"}),
    ]
    audit_names = {
        "deployment.dutypost": "Duty post",
        "deployment.grouplesson": "Class timetable",
        "deployment.staffabsence": "Staff absence",
        "deployment.plan": "Deployment plan",
        "deployment.assignment": "Deployment",
        "deployment.plannersettings": "Deployment planner settings",
    }
    # Running the planner, publishing a plan, re-planning a day for absence.
    capabilities = {"plan_deployment": {"senco", "head"}}

    def my_day_lines(self, user, day):
        """My day's lines from the published plan (provision's My day asks every app for
        `my_day_lines` through the registry, so it shows them without importing this)."""
        from .timetable import my_day_lines  # models load after every AppConfig

        return my_day_lines(user, day)
