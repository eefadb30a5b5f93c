from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# timeline links, audit names and capabilities.


class PlansConfig(AppConfig):
    name = "sendesk.plans"
    label = "plans"
    timeline_links = {"plan": "plan_detail"}
    audit_names = {"plans.plan": "Plan", "plans.outcome": "Outcome", "plans.target": "Target"}
    capabilities = {"write_plans": {"hlta", "teacher", "senco", "head"}}
