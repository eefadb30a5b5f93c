from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "sendesk.schools"
    label = "schools"
