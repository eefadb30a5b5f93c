from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# timeline links.


class BehaviourConfig(AppConfig):
    name = "sendesk.behaviour"
    label = "behaviour"
    timeline_links = {
        "observation": "observation_detail",
        "incident": "incident_detail",
        "restrictiveintervention": "intervention_detail",
    }
