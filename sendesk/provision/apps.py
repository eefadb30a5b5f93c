from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "sendesk.provision"
    label = "provision"
