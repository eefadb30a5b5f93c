"""The second factor: who must use one, and reading the devices behind it. The devices are
django-otp's: an authenticator app (TOTPDevice, a code that changes every 30 seconds) and
one-time recovery codes (StaticDevice). Writes are in mfa_services."""

import base64
import hashlib
import json
import re
import secrets

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.schools.capabilities import remember_roles, roles_of, trust_roles_of
from sendesk.schools.models import Role, StaffRole, TrustRole

from .models import SecondFactorPolicy

# Whole-school roles (everything about every pupil, safeguarding included) and external
# professionals (people from outside the school's own staff) always need a second factor,
# whatever the school's policy says. So does the data-protection officer (issue 12), who
# downloads everything held about a person.
ALWAYS = frozenset({Role.HEAD, Role.SENCO, Role.DSL, Role.THERAPIST, Role.DPO})
ALWAYS_ORDERED = [role for role in Role if role in ALWAYS]
# The roles a school's policy may add, in the order its page lists them.
OPTIONAL = [role for role in Role if role not in ALWAYS]

RECOVERY_CODES = 10
# Letters and digits that cannot be misread for each other (no 0/o, 1/l/i), 12 of them:
# about 59 bits, written in three groups of four.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 12
TOTP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_LENGTH}}}")


def second_factor_required(user) -> bool:
    """Whether `user` must use a second factor: a role in ALWAYS at any school, a role the
    school's policy adds there, or an account that may use the set-up screens (/admin/ can
    change anyone's roles). Costs the roles query (cached per request, which most pages make
    anyway) and, for someone whose roles are not in ALWAYS, one query for the policies."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    pairs = roles_of(user)
    # A trust role (issue 13) sees pupils' names across the trust's schools: always.
    if any(role in ALWAYS for _, role in pairs) or trust_roles_of(user):
        return True
    added = _added_roles(pairs)
    return any(role in added.get(school, ()) for school, role in pairs)


def _added_roles(pairs) -> dict:
    """School id -> the roles its policy adds, for the schools of (school, role) `pairs`:
    one query, none when there are no pairs."""
    if not pairs:
        return {}
    return dict(
        SecondFactorPolicy.objects.filter(
            school_id__in={school for school, _ in pairs}
        ).values_list("school_id", "roles")
    )


def step_owed(user) -> str | None:
    """For a signed-in session not yet verified: "verify" when the person has a second
    factor (they must use it), "enrol" when they have none but must set one up, None when
    nothing is owed. One query, for every page such a session asks for: whether they have
    an authenticator, their roles (kept for the rest of the request: roles_of) and their
    schools' policies, read together (as has_second_factor, roles_of and
    second_factor_required would read them in three)."""
    q = connection.ops.quote_name
    sql = f"""
        SELECT r.school_id, r.role, p.roles, EXISTS (
            SELECT 1 FROM {q(TOTPDevice._meta.db_table)} d
            WHERE d.user_id = u.id AND d.confirmed = %s
        ), EXISTS (SELECT 1 FROM {q(TrustRole._meta.db_table)} t WHERE t.user_id = u.id)
        FROM {q(get_user_model()._meta.db_table)} u
        LEFT JOIN {q(StaffRole._meta.db_table)} r ON r.user_id = u.id
        LEFT JOIN {q(SecondFactorPolicy._meta.db_table)} p ON p.school_id = r.school_id
        WHERE u.id = %s
        ORDER BY r.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, user.pk])
        rows = cursor.fetchall()
    pairs = [(school, role) for school, role, *_ in rows if school is not None]
    trust = any(row[4] for row in rows)
    # No trust role: known from this query, so the navigation does not ask again.
    remember_roles(user, pairs, None if trust else set())
    if any(has for _, _, _, has, _ in rows):
        return "verify"
    if user.is_staff or user.is_superuser or trust or any(role in ALWAYS for _, role in pairs):
        return "enrol"
    for _, role, added, _, _ in rows:
        # JSON as text on SQLite, already a list from PostgreSQL's jsonb.
        if added is not None and role in (json.loads(added) if isinstance(added, str) else added):
            return "enrol"
    return None


def why_required(user) -> list[str]:
    """The roles that make `user` need a second factor, as words for the set-up page."""
    labels = dict(Role.choices)
    pairs = roles_of(user)
    added = _added_roles(pairs)
    trust = dict(TrustRole.Kind.choices)
    return sorted(
        {labels[role] for school, role in pairs if role in ALWAYS or role in added.get(school, ())}
        | {trust[role] for role in trust_roles_of(user)}
    )


def authenticator(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up. One query."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_second_factor(user) -> bool:
    """One query. Recovery codes alone do not count: they come with an authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_key(base32_secret: str) -> str:
    """django-otp keeps the secret as hex; apps are given it as base32."""
    return base64.b32decode(base32_secret.upper()).hex()


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def secret_groups(device: TOTPDevice) -> list[str]:
    """The secret in groups of four, for someone typing it into an app instead of scanning."""
    secret = secret_of(device).rstrip("=")
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def qr_svg(device: TOTPDevice):
    """The set-up link (otpauth://…) as a QR code in SVG markup, drawn here: no script, no
    image request, nothing sent to another site. Lines with stroke attributes, no inline
    style, so the Content-Security-Policy needs no exception for it."""
    code = segno.make(device.config_url, error="m")
    # The <title> (escaped by segno) is the image's name for a screen reader.
    title = f"QR code to scan with your authenticator app ({settings.OTP_TOTP_ISSUER})"
    # No width or height, a viewBox only: the drawing scales with its box on a narrow
    # phone (with a fixed size it was cut off at 320 px, and would not scan).
    svg = code.svg_inline(scale=5, svgclass="qr", lineclass=None, title=title, omitsize=True)
    return mark_safe(f'<div class="qr-code">{svg}</div>')


def normalise_code(raw: str) -> str:
    """What someone typed, as the code it means: spaces and dashes dropped (apps show
    "123 456"; recovery codes are printed "abcd-efgh-jkmn"), letters in lower case."""
    return re.sub(r"[\s-]", "", raw or "").lower()


def is_totp_code(code: str) -> bool:
    return bool(TOTP_CODE.fullmatch(code))


def is_recovery_code(code: str) -> bool:
    return bool(RECOVERY_CODE.fullmatch(code))


def new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: a SHA-256 of it (cut to the 16 characters
    django-otp's token column holds), so a copy of the database hands out no codes."""
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def shown(code: str) -> str:
    """A recovery code as printed for people: abcd-efgh-jkmn."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
