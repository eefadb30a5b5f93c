from django.conf import settings
from django.db import models

from .chain import GENESIS, ChainedRow


class ChainHead(models.Model):
    """Where each trail's chain ends: its last position and hash (sendesk.audit.chain).
    Moved by a trigger on each INSERT into a trail, never by the code; writers read (and
    on PostgreSQL lock) it to link a new row. `base_seq`/`base_hash`: where the chain
    starts, 0 and GENESIS unless the retention disposal (to come) removes its oldest rows."""

    chain = models.CharField(primary_key=True, max_length=100)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    base_seq = models.PositiveBigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self):
        return f"{self.chain} at {self.seq}"


class AuditEvent(ChainedRow):
    """A change to pupil data: who, when, what, before and after. Written by the service
    that makes the change, in the same transaction, so there is no change without its row."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        AMEND = "amend", "Amended"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        "pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "-at"], name="audit_pupil_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["create", "update", "delete", "amend"]),
                name="audit_action_known",
            ),
            models.UniqueConstraint(fields=["school", "seq"], name="audit_chain_position"),
        ]


class AccessEvent(ChainedRow):
    """Someone looked at a pupil's records. Answers 'who has viewed this pupil' and
    subject access requests."""

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    # The pupil's school, stored so that the row's chain is known without a lookup.
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=100, help_text="The page or endpoint, e.g. 'pupil page'.")
    via = models.CharField(max_length=10, default="web", choices=[("web", "Web"), ("api", "API")])

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "-at"], name="access_pupil_idx")]
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="access_chain_position")
        ]

    @classmethod
    def fill_chain(cls, objs) -> None:
        fill_school_from_pupil(objs)


class SecurityEvent(ChainedRow):
    """Something that happened to a sign-in or an account: a sign-in, a failed one, a
    lockout, a second factor enrolled or reset, an API token made or revoked, a password or
    a role changed. Kept apart from AuditEvent, which is about pupil data and always
    belongs to one school: a failed sign-in may name no account at all.

    One hash chain for the site, not one per school: sign-in happens before any school is
    chosen, an account may hold roles at several schools of a trust, and a failed attempt
    may name no account; any school picked for such a row would be a guess. Sign-ins are
    few beside page views, so one chain does not make writers queue."""

    chain_by = None

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"
        LOCKOUT_LIFTED = "lockout_lifted", "Lockout lifted"
        MFA_ENROLLED = "mfa_enrolled", "Second factor set up"
        MFA_FAILED = "mfa_failed", "Second factor code wrong"
        MFA_RESET = "mfa_reset", "Second factor reset"
        RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
        TOKEN_CREATED = "token_created", "API token made"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        INVITED = "invited", "Invited"
        ROLE_CHANGED = "role_changed", "Role changed"
        ACCOUNT_ENDED = "account_ended", "Account ended"
        # `manage.py backup` and `restore` (sendesk.backups): a copy of everything leaving
        # the database, or a copy put in its place, is a security matter too.
        BACKUP_WRITTEN = "backup_written", "Backup written"
        BACKUP_FAILED = "backup_failed", "Backup failed"
        BACKUP_VERIFIED = "backup_verified", "Backup checked (restore --verify)"
        RESTORE_FAILED = "restore_failed", "Backup failed its restore checks"
        RESTORED = "restored", "Database restored from a backup"
        # Issue 13: the key a device encrypts its offline store with, handed to its person.
        OFFLINE_KEY = "offline_key", "Offline key handed to a device"

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Whose account it is about (None when the e-mail tried matches no account) ...
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # ... and who did it, when that is someone else (a head resetting a lost device).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The address tried, kept for failures that match no account (no password, ever).
    email = models.CharField(max_length=254, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(
        max_length=10, default="web",
        choices=[("web", "Web"), ("api", "API"), ("command", "Command line")],
    )  # fmt: skip
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="security_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "signed_in", "sign_in_failed", "signed_out", "locked_out",
                        "lockout_lifted", "mfa_enrolled", "mfa_failed", "mfa_reset",
                        "recovery_code_used", "token_created", "token_revoked",
                        "password_changed", "password_reset", "invited", "role_changed",
                        "account_ended", "backup_written", "backup_failed", "backup_verified",
                        "restore_failed", "restored", "offline_key",
                    ]
                ),
                name="security_kind_known",
            ),
            models.UniqueConstraint(fields=["seq"], name="security_chain_position"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_kind_display()} — {self.email or self.user_id}"


def fill_school_from_pupil(objs) -> None:
    """Set school_id from the pupil on rows written without it: from the pupil object when
    the writer gave one, else in one query for them all. (The pupil model is reached
    through the foreign key: audit sits below pupils and does not import it.)"""
    missing = []
    for obj in objs:
        if obj.school_id is None:
            pupil = obj._state.fields_cache.get("pupil")
            if pupil is not None and vars(pupil).get("school_id") is not None:
                obj.school_id = pupil.school_id
            else:
                missing.append(obj)
    if missing:
        pupils = missing[0]._meta.get_field("pupil").related_model
        schools = dict(
            pupils.objects.filter(pk__in={o.pupil_id for o in missing}).values_list(
                "pk", "school_id"
            )
        )
        for obj in missing:
            obj.school_id = schools.get(obj.pupil_id)


class ChainGap(models.Model):
    """Rows a retention disposal removed from a trail's chain: one run of consecutive
    positions (`first_seq`..`last_seq`) of one chain, with each removed row's position,
    previous hash and own hash (`links`: [[seq, prev_hash, row_hash], ...]). verify()
    steps over a gap only when these link up with the rows either side of it
    (sendesk.audit.chain.remove_rows). `disposal`: the disposal that removed them (its
    log's id), so the gap points at the decision. Never changed or removed (evidence())."""

    chain = models.CharField(max_length=100)
    first_seq = models.PositiveBigIntegerField()
    last_seq = models.PositiveBigIntegerField()
    links = models.JSONField()
    disposal = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "first_seq"], name="chaingap_one_start"),
            models.CheckConstraint(
                condition=models.Q(last_seq__gte=models.F("first_seq")), name="chaingap_order"
            ),
        ]

    def __str__(self):
        return f"{self.chain} {self.first_seq}..{self.last_seq} ({self.disposal})"
