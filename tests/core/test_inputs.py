"""The one set of input rules (sendesk/lib/inputs.py) that every service uses."""

import datetime as dt
import decimal
import uuid
from zoneinfo import ZoneInfo

import pytest

from sendesk.lib import inputs


@pytest.mark.parametrize(
    "value, expected", [(None, ""), ("  a note \n", "a note"), ("", ""), ("é", "é")]
)
def test_text_strips_and_accepts(value, expected):
    errors = {}
    assert inputs.text(value, "note", errors, limit=10) == expected
    assert errors == {}


def test_text_refuses_what_is_not_text():
    errors = {}
    assert inputs.text(12, "note", errors, limit=10, label="The note") == ""
    assert errors == {"note": "The note must be text."}


def test_text_refuses_nul_instead_of_dropping_it():
    errors = {}
    assert inputs.text("a\x00b", "note", errors, limit=10) == "a\x00b"
    assert errors == {"note": "This holds a character that can't be stored: retype it."}


def test_text_required_and_limit():
    errors = {}
    inputs.text("   ", "what", errors, limit=10, required="Say what happened.")
    inputs.text("x" * 1001, "note", errors, limit=1000)
    assert errors == {
        "what": "Say what happened.",
        "note": "Keep this to 1,000 characters or fewer (it has 1,001).",
    }


def test_text_fields_replace_in_place():
    data, errors = {"a": " one ", "b": None, "c": 3}, {}
    inputs.text_fields(data, ["a", "b", "c"], errors, limits={"a": 5, "b": 5, "c": 5},
                       required={"b": "Say b."})  # fmt: skip
    assert data == {"a": "one", "b": "", "c": ""}
    assert errors == {"b": "Say b.", "c": "This must be text."}


@pytest.mark.parametrize("value, ok", [(3, True), (0, True), (True, False), (2.5, False),
                                       ("3", False), (None, False)])  # fmt: skip
def test_whole(value, ok):
    assert inputs.whole(value) is ok


def test_plain():
    london = ZoneInfo("Europe/London")
    moment = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    assert inputs.plain(moment) == moment.astimezone(london).isoformat()
    assert inputs.plain(dt.date(2026, 11, 18)) == "2026-11-18"
    assert inputs.plain(dt.time(9, 5)) == "09:05:00"
    some = uuid.uuid4()
    assert inputs.plain(some) == str(some)
    assert inputs.plain(decimal.Decimal("2.50")) == "2.50"
    assert inputs.plain([1, "a"]) == [1, "a"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (12, 12), ("12", 12), (inputs.MAX_ID, inputs.MAX_ID), (str(inputs.MAX_ID), inputs.MAX_ID),
        (0, None), ("0", None), (-3, None), ("-3", None), (inputs.MAX_ID + 1, None),
        ("9" * 40, None), (True, None), (2.0, None), ("2.0", None), (" 2", None), ("²", None),
        ("", None), (None, None), ([1], None),
    ],
)  # fmt: skip
def test_parse_id_is_the_one_reading_of_an_id(value, expected):
    assert inputs.parse_id(value) == expected


def test_whole_number_bounds_and_is_date():
    assert inputs.whole_number("20", 0, 20) == 20 and inputs.whole_number("21", 0, 20) is None
    assert inputs.is_date(dt.date(2026, 11, 18))
    assert not inputs.is_date(dt.datetime(2026, 11, 18, 9)) and not inputs.is_date("2026-11-18")


LONG = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example"


@pytest.mark.parametrize(
    "sent, stored, valid",
    [
        ("  Zoe.Pearce@Oakfield.Example ", "zoe.pearce@oakfield.example", True),
        ("not an address", "not an address", False),
        ("", "", False),
        (None, "", False),
        # 255 characters: a valid shape, one more than a mailbox can have.
        (LONG, LONG, False),
        (LONG[1:], LONG[1:], True),
    ],
)
def test_an_email_address_is_trimmed_lower_cased_and_checked(sent, stored, valid):
    assert inputs.email(sent) == (stored, valid)
