from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# navigation, capabilities
# and the DSL's badge of concerns not yet triaged.

STAFF = {"ta", "hlta", "teacher", "senco", "head", "dsl"}


class SafeguardingConfig(AppConfig):
    name = "sendesk.safeguarding"
    label = "safeguarding"
    # Retention (records.retention): the pupil's safeguarding file, reviewed by the DSL at
    # date of birth + 25 years; what hangs off a concern goes with it.
    retention = {
        "safeguarding": [
            "safeguarding.Concern",
            "safeguarding.SafeguardingAccess",
            "safeguarding.SafeguardingTransfer",
        ]
    }
    nav = [
        (80, "safeguarding_inbox", "Safeguarding", {"dsl"}),
        (120, "safeguarding_report", "Report a concern", STAFF),
    ]
    capabilities = {
        # Behind the safeguarding wall: the DSL team only. Not the SENCO or head as such.
        "safeguarding": {"dsl"},
        # Any staff member may report a child-protection concern about any pupil of their
        # school. (External therapists report through their own service's procedures.)
        "report_concern": STAFF,
    }

    def nav_badges(self, user, roles) -> dict:
        """The count of concerns not yet triaged, beside the DSL's inbox on every page, so a
        new concern is seen. One query, DSLs only."""
        if "dsl" not in roles:
            return {}
        from sendesk.schools.capabilities import schools_where

        from .models import Concern

        new = Concern.objects.filter(
            school_id__in=schools_where(user, "safeguarding"), status=Concern.Status.NEW
        ).count()
        return {"safeguarding_inbox": new} if new else {}
