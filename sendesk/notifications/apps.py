from django.apps import AppConfig

# Telling people that something needs them (issue 11): a row per person in the product (a
# badge and a list) and, where the person chooses, an e-mail that never carries a child's
# details. Apps declare the kinds they send in their AppConfig (`notification_kinds`),
# read by sendesk.lib.registry, and call services.notify.


class NotificationsConfig(AppConfig):
    name = "sendesk.notifications"
    label = "notifications"
    nav: list = []
