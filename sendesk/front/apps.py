from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "sendesk.front"
    label = "front"
