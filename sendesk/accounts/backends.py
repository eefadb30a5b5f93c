"""Who may sign in: Django's model backend, with a leaver's last day honoured."""

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    # Used by authenticate() (the form, the API, /admin/) and by get_user() on every
    # request of a session, so a leaver's sessions end on the day after their last.
    def user_can_authenticate(self, user):
        may = getattr(user, "may_sign_in", None)
        return may() if may is not None else super().user_can_authenticate(user)
