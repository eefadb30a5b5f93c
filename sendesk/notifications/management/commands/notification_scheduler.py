"""The clock of the background work: wakes every minute and starts the day's checks and
digests once a day, and hands due e-mail retries to the worker (daily.py says why it is a
loop and not a self-re-enqueuing task). `make run` starts it beside the task worker."""

import time

from django.core.management.base import BaseCommand

from sendesk.notifications.daily import tick


class Command(BaseCommand):
    help = "Start the daily notification checks and digests when due (every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One tick, then stop.")
        parser.add_argument("--every", type=int, default=60, help="Seconds between ticks.")

    def handle(self, *args, once=False, every=60, **options):
        while True:
            if tick():
                self.stdout.write("Started today's notification checks and digests.")
            if once:
                return
            time.sleep(every)
