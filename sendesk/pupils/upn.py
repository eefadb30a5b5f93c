"""Unique Pupil Number check letter, as the DfE specifies it (see shared/docs/domain.md)."""

from django.core.exceptions import ValidationError

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def check_letter(body: str) -> str:
    """The letter that must stand before `body` (the 12 characters after it)."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else ALPHABET.index(char)
        total += value * position
    return ALPHABET[total % 23]


def upn_error(upn: str) -> str | None:
    """Why `upn` is not a valid UPN, in words a school office would understand; None if it is."""
    upn = (upn or "").strip().upper()
    if len(upn) != 13:
        return f"A UPN has 13 characters; this one has {len(upn)}."
    if not upn.isascii():
        return "A UPN uses only the letters A–Z and the digits 0–9."
    first, digits, last = upn[0], upn[1:12], upn[12]
    if first not in ALPHABET:
        return "A UPN starts with its check letter (A–Z, but not I, O or S)."
    if not digits.isdigit():
        return "Characters 2 to 12 of a UPN are digits."
    if not (last.isdigit() or last in ALPHABET):
        return (
            "The last character of a UPN is a digit, or a letter (not I, O or S) "
            "for a temporary UPN."
        )
    expected = check_letter(upn[1:])
    if first != expected:
        return (
            f"The check letter does not match: a UPN ending {upn[1:]} starts with "
            f"{expected}. Check for a mistyped character."
        )
    return None


def validate_upn(value: str) -> None:
    if error := upn_error(value):
        raise ValidationError(error, code="invalid_upn")


def make_upn(la: str, establishment: str, year: int, serial: int) -> str:
    body = f"{la:0>3}{establishment:0>4}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body
