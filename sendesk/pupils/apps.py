from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "sendesk.pupils"
    label = "pupils"
