from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "sendesk.family"
    label = "family"
