from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation.


class TherapyConfig(AppConfig):
    name = "sendesk.therapy"
    label = "therapy"
    nav = [(100, "therapy_home", "Therapy", {"therapist"})]
