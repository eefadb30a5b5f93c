"""Django's database sessions, with the read every signed-in request starts with written
in SQL: the ORM took longer to build that query than the database took to answer it."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """As Django's: the session row if it exists and has not expired, else None (and
        the key forgotten, so a new session gets a new key)."""
        key = self.session_key
        row = None
        if key:
            model = self.model
            connection = connections[router.db_for_read(model)]
            q = connection.ops.quote_name
            sql = (
                f"SELECT {q('session_data')} FROM {q(model._meta.db_table)} "
                f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(timezone.now())])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        # Only what load() reads of it.
        return self.model(session_key=key, session_data=row[0])
