from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "sendesk.staff"
    label = "staff"
