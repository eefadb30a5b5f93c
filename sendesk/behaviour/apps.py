from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "sendesk.behaviour"
    label = "behaviour"
