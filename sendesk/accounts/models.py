import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A staff account needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may see comes from their roles per school
    (schools.StaffRole), never from this row."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the set-up screens.")
    date_joined = models.DateTimeField(default=timezone.now)
    # The last day someone may sign in (a leaver's last day of employment): from the next
    # day their sessions end and the form, the API and /admin/ refuse them.
    leaves_on = models.DateField(null=True, blank=True)
    # Part of every session's check (get_session_auth_hash): a new stamp ends all of this
    # person's sessions at their next request, as a password change does (see
    # sendesk.signin.services.end_sessions_and_tokens).
    security_stamp = models.CharField(max_length=32, default=new_security_stamp)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def may_sign_in(self, day: dt.date | None = None) -> bool:
        """Active and not past their last day (in school time)."""
        day = day or timezone.localdate()
        return self.is_active and (self.leaves_on is None or day <= self.leaves_on)

    # The session check covers the password (as Django's does) and the security stamp.
    def get_session_auth_hash(self):
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret):
        return salted_hmac(
            "sendesk.accounts.User.session",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the token is stored, so a copy of the
    database does not hand out logins. A token ends SENDESK_TOKEN_IDLE_HOURS after its last
    use and SENDESK_TOKEN_MAX_DAYS after it was made (see expires_at); a revoked one is
    deleted, and the security trail keeps that it was made and revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    # What the person sees on "Your devices" to tell their tokens apart: the app's own
    # name for the device, or a short reading of its User-Agent.
    device = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ["-created", "-id"]

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def limits() -> tuple[dt.timedelta, dt.timedelta]:
        """(idle, most): how long unused, and how long at most. Read at each call, so a
        changed setting applies to the tokens already out."""
        return (
            dt.timedelta(hours=settings.SENDESK_TOKEN_IDLE_HOURS),
            dt.timedelta(days=settings.SENDESK_TOKEN_MAX_DAYS),
        )

    @property
    def expires_at(self) -> dt.datetime:
        """When it ends if it is not used again. last_used is written at most once a
        minute, so the idle limit runs from the last use to the minute."""
        idle, most = self.limits()
        return min((self.last_used or self.created) + idle, self.created + most)

    @property
    def at_its_limit(self) -> bool:
        """Whether its end is the 30 days', which no use moves on."""
        return self.expires_at == self.created + self.limits()[1]

    def is_live(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.expires_at

    @classmethod
    def live(cls, now: dt.datetime | None = None):
        """The tokens that have not expired, as a queryset (for lists and clean-up)."""
        now = now or timezone.now()
        idle, most = cls.limits()
        used_lately = models.Q(last_used__gt=now - idle) | models.Q(
            last_used__isnull=True, created__gt=now - idle
        )
        return cls.objects.filter(used_lately, created__gt=now - most)

    @classmethod
    def make(cls, user, device: str = "") -> tuple[str, "ApiToken"]:
        """A new token for `user`: (the token, to hand out once, and its row). The user's
        expired tokens go at the same time, so they do not pile up."""
        cls.objects.filter(user=user).exclude(pk__in=cls.live().filter(user=user)).delete()
        raw = secrets.token_urlsafe(32)
        return raw, cls.objects.create(user=user, digest=cls.hash(raw), device=device[:80])

    @classmethod
    def issue(cls, user, device: str = "") -> str:
        return cls.make(user, device)[0]
