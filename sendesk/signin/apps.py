from django.apps import AppConfig

from sendesk.lib.registry import ACCOUNT_GROUP, STAFF_GROUP

# What this app adds to the whole, read by sendesk.lib.registry: navigation, audit names
# and the capability to manage a school's sign-in security.

# Trust people (issue 13) must use a second factor: they manage it here too.
_EVERYONE = {
    "ta", "hlta", "teacher", "senco", "dsl", "head", "therapist", "parent",
    "trust_senco", "trust_lead",
}  # fmt: skip


class SigninConfig(AppConfig):
    name = "sendesk.signin"
    label = "signin"
    # The head (or school admin) keeps the school's staff accounts: invites, roles, leavers;
    # and sees the sign-in lockouts of their school's people and lifts them
    # (signin/lockout_views.py).
    # The head is also the school's admin for sign-in security: the second-factor policy,
    # who has a second factor, resets (signin/mfa_views.py). Everyone has one entry for
    # their own second factor; the head's page for the school is linked from it.
    capabilities = {
        "manage_accounts": {"head"},
        "lift_lockouts": {"head"},
        "manage_sign_in": {"head"},
    }
    nav = [
        (75, "staff_accounts", "Staff accounts", {"head"}, STAFF_GROUP),
        (130, "lockouts", "Sign-in locks", {"head"}, STAFF_GROUP),
        (190, "mfa_manage", "Sign-in security", _EVERYONE, ACCOUNT_GROUP),
    ]
    audit_names = {"signin.secondfactorpolicy": "Second factor policy"}

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .lockout import record_new_lock
        from .sessions import note_sign_in

        # After audit's receiver (audit is installed before signin): the failure is
        # recorded before the lockout it makes.
        user_login_failed.connect(record_new_lock, dispatch_uid="sendesk.signin.new_lock")

        # The sign-in time starts the session's 10 hours (sessions.py).
        user_logged_in.connect(note_sign_in, dispatch_uid="sendesk.signin.note_sign_in")
