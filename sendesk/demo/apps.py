from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sendesk.demo"
    label = "demo"
