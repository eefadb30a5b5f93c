from django.apps import AppConfig

from sendesk.lib.registry import ACCOUNT_GROUP, STAFF_GROUP

# What this app adds to the whole, read by sendesk.lib.registry: navigation, audit names
# and capabilities (staff.access reads the capabilities by these names).

_OWN_RECORD = {"ta", "hlta", "teacher", "senco", "dsl"}


class StaffConfig(AppConfig):
    name = "sendesk.staff"
    label = "staff"
    # Issue 11: your training expiring within the month, found by a daily check.
    notification_kinds = {"training_expiring": "Your training expiring within the month"}
    scheduled_checks = ["sendesk.staff.checks.training_expiring"]
    nav = [
        (76, "staff_list", "Staff", {"head"}, STAFF_GROUP),
        # An HLTA reaches their team's records from "My team" (deployment), one entry less.
        (78, "staff_team", "Team records", {"senco"}, STAFF_GROUP),
        (
            185,
            "staff_me",
            "My employment",
            {"ta", "hlta", "teacher", "senco", "dsl"},
            ACCOUNT_GROUP,
        ),
    ]
    audit_names = {
        "staff.staffmember": "Staff record",
        "staff.workingday": "Working pattern",
        "staff.centralcheck": "Single central record check",
    }
    # The head / school admin keeps the staff records and the single central record; the
    # SENCO reads every team's working record (never identity or DBS details).
    capabilities = {"manage_staff": {"head"}, "read_staff_teams": {"senco"}}
