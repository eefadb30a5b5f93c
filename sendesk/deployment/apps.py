from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry: navigation, timeline links
# and kinds, audit names and capabilities.


class DeploymentConfig(AppConfig):
    name = "sendesk.deployment"
    label = "deployment"
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
