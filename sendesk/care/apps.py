from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "sendesk.care"
    label = "care"
