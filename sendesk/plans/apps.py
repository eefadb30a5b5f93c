from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sendesk.plans"
    label = "plans"
