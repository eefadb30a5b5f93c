from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "sendesk.therapy"
    label = "therapy"
