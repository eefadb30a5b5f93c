from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "sendesk.safeguarding"
    label = "safeguarding"
