import pytest
from django.core.exceptions import ValidationError

from sendesk.pupils.upn import ALPHABET, check_letter, make_upn, upn_error, validate_upn


def test_check_letter_follows_the_dfe_weights():
    # 8,2,0,1,2,3,4,2,0,0,1,5 weighted by positions 2..13:
    # 16+6+0+5+12+21+32+18+0+0+12+65 = 187; 187 mod 23 = 3 -> "D"
    assert check_letter("820123420015") == "D"
    assert upn_error("D820123420015") is None


def test_made_upns_are_valid_and_temporary_letter_counts():
    assert upn_error(make_upn("123", "4567", 2019, 1)) is None
    body = "82012342001A"  # a temporary UPN ends in a letter, worth its index (A = 0)
    assert upn_error(check_letter(body) + body) is None


@pytest.mark.parametrize(
    ("upn", "says"),
    [
        ("", "13 characters; this one has 0"),
        ("D82012342001", "13 characters; this one has 12"),
        ("I820123420015", "starts with its check letter"),
        ("D8201234200X5", "Characters 2 to 12 of a UPN are digits"),
        ("D82012342001I", "last character"),
        ("E820123420015", "check letter does not match"),
    ],
)
def test_invalid_upns_say_what_is_wrong(upn, says):
    assert says in upn_error(upn)
    with pytest.raises(ValidationError):
        validate_upn(upn)


def test_alphabet_has_no_confusable_letters():
    assert len(ALPHABET) == 23 and not set("IOS") & set(ALPHABET)


@pytest.mark.parametrize("upn", ["A1234567890²1", "D82012342٠٠15"])
def test_non_ascii_digits_are_refused(upn):
    assert upn_error(upn) == "A UPN uses only the letters A–Z and the digits 0–9."
