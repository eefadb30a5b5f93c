from django.apps import AppConfig

# Backup and restore (issue 12): `manage.py backup` writes a consistent, encrypted copy
# (SQLite's online backup or pg_dump; the key from SENDESK_BACKUP_KEY) with rotation, and
# `manage.py restore FILE --verify` restores into a scratch database and checks it before
# anything is replaced.


class BackupsConfig(AppConfig):
    name = "sendesk.backups"
    label = "backups"
