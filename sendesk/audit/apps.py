from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sendesk.audit"
    label = "audit"

    def ready(self):
        from . import signals

        signals.connect()
