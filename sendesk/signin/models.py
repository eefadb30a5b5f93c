from django.db import models

from sendesk.schools.models import Role, School


class SecondFactorPolicy(models.Model):
    """The roles a school adds to those that always need a second factor (see
    signin.mfa.ALWAYS): one row per school, set by its head. No row means nothing added."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="second_factor_policy"
    )
    # Role values, e.g. ["ta", "teacher"]. A list rather than a row per role: the page saves
    # the whole choice at once, and the sign-in check reads one row per school.
    roles = models.JSONField(
        default=list,
        blank=True,
        help_text="Roles at this school that must also use a second factor.",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        labels = dict(Role.choices)
        return f"{self.school}: " + (", ".join(labels.get(r, r) for r in self.roles) or "none")
