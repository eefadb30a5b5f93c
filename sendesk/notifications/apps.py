from django.apps import AppConfig

from sendesk.lib.registry import ACCOUNT_GROUP

# Telling people that something needs them (issue 11): a row per person in the product (a
# badge and a list) and, where the person chooses, an e-mail that never carries a child's
# details. Apps declare the kinds they send in their AppConfig (`notification_kinds`;
# `notification_urgent` for those leaders hear of by e-mail at once), read by
# sendesk.lib.registry, and call services.notify. Apps also declare `scheduled_checks`
# (dotted paths of fn(today) -> int) that the daily run calls (daily.py).

_EVERYONE = {"ta", "hlta", "teacher", "senco", "dsl", "head", "therapist", "parent"}


class NotificationsConfig(AppConfig):
    name = "sendesk.notifications"
    label = "notifications"
    nav = [
        (5, "notifications", "Notifications", _EVERYONE),
        (192, "notification_settings", "Notification settings", _EVERYONE, ACCOUNT_GROUP),
    ]
    # The head sees e-mails that could not be sent after every try (never lost silently).
    capabilities = {"see_failed_email": {"head"}}
    nav_badge_words = {"notifications": "notifications"}
    audit_names = {"notifications.preference": "Notification choice"}

    def nav_badges(self, user, roles) -> dict:
        """The person's unread count beside "Notifications" on every page: one query, and
        only when a page draws the bar (lazy: an HTMX part of a page asks nothing)."""
        from django.utils.functional import SimpleLazyObject

        from .services import unread_count

        return {"notifications": SimpleLazyObject(lambda: unread_count(user))}
