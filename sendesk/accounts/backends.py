"""Who may sign in: Django's model backend, with a leaver's last day honoured."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


class StaffBackend(ModelBackend):
    # Used by authenticate() (the form, the API, /admin/) and by get_user() on every
    # request of a session, so a leaver's sessions end on the day after their last.
    def user_can_authenticate(self, user):
        may = getattr(user, "may_sign_in", None)
        return may() if may is not None else super().user_can_authenticate(user)

    def get_user(self, user_id):
        """As ModelBackend's: the user, if they may still sign in. Read with SQL (a raw
        query, which still makes each column the ORM's value): every signed-in request
        makes it, and the ORM took longer to build the query than SQLite to answer it."""
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        manager = user_model._default_manager
        q = connections[router.db_for_read(user_model)].ops.quote_name
        sql = (
            f"SELECT * FROM {q(user_model._meta.db_table)} "
            f"WHERE {q(user_model._meta.pk.column)} = %s"
        )
        user = next(iter(manager.raw(sql, [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
