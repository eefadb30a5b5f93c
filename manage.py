#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    from django.core.management import execute_from_command_line

    from sendesk.lib.faults import guarded_command, startup_check

    # A database that cannot be written or reached stops a command with one line that says
    # what to fix (sendesk/lib/faults.py), not a traceback; help needs no database.
    if sys.argv[1:2] and sys.argv[1] not in ("help", "--help", "-h", "version", "--version"):
        startup_check()
    guarded_command(execute_from_command_line, sys.argv)
