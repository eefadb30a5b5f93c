from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sendesk.audit"
    label = "audit"
    # Retention: the trails last as long as what they describe (records.retention).
    retention = {"trail": ["audit.AuditEvent", "audit.AccessEvent"]}

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from . import chain, signals

        signals.connect()
        post_save.connect(chain.school_created, sender="schools.School", dispatch_uid="chain.heads")
        post_migrate.connect(chain.migrated, sender=self, dispatch_uid="chain.migrated")
