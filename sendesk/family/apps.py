from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry:
# the parent's navigation,
# and the parent role, which is a link to a child rather than a staff role.


class FamilyConfig(AppConfig):
    name = "sendesk.family"
    label = "family"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["family.ParentLink"]}
    nav = [(110, "family_home", "My children", {"parent"})]

    def nav_roles(self, user) -> set:
        """{"parent"} for someone with an active link to a child (one query)."""
        from sendesk.access import children_of

        return {"parent"} if children_of(user).exists() else set()
