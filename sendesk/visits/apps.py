from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry: navigation, timeline links
# and kinds, audit names and capabilities.


class VisitsConfig(AppConfig):
    name = "sendesk.visits"
    label = "visits"
