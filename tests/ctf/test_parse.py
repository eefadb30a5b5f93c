"""The CTF parser on files the tests build (tests/ctf/files.py): what it reads, what it
forgives, and which problems it names. It never touches the database."""

import datetime as dt
import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendesk.imports.parsers import PARSERS
from sendesk.imports.parsers.ctf import parse
from sendesk.imports.rows import At, Need
from sendesk.pupils.upn import make_upn

from . import files
from .files import AVA, ctf, pupil

BO = make_upn("999", "2001", 2017, 2)


def read(data: bytes, name="roll.xml"):
    return parse(io.BytesIO(data), name)


def test_the_engine_finds_the_ctf_parser_by_kind():
    assert PARSERS["ctf"] is parse


def test_an_upload_already_read_through_is_read_from_the_start():
    upload = SimpleUploadedFile("roll.xml", ctf(pupil()), content_type="application/xml")
    upload.read()  # as the engine does when it keeps the file
    assert [p.first_name for p in parse(upload, "roll.xml").pupils] == ["Ava"]


def test_two_ranked_needs_and_the_current_provision():
    data = ctf(
        pupil(
            periods=[("K", "2024-09-05"), ("E", "2026-03-01")],
            needs=[(2, "SLCN"), (1, "ASD")],
            preferred="Avie",
        )
    )
    parsed = read(data)
    assert parsed.problems == []
    [row] = parsed.pupils
    assert (row.at, row.upn, row.first_name, row.last_name, row.preferred_name) == (
        At("roll.xml", 1), AVA, "Ava", "Ash", "Avie",
    )  # fmt: skip
    assert (row.date_of_birth, row.nc_year, row.sex) == (dt.date(2017, 4, 2), 4, "F")
    # The latest SEN entry is the current provision, whatever order the file lists them.
    assert (row.sen_status, row.sen_start) == ("E", dt.date(2026, 3, 1))
    assert row.needs == [Need("ASD", 1), Need("SLCN", 2)]
    assert parsed.delta is False


def test_history_order_in_the_file_does_not_matter():
    [row] = read(ctf(pupil(periods=[("E", "2026-03-01"), ("K", "2024-09-05")]))).pupils
    assert (row.sen_status, row.sen_start) == ("E", dt.date(2026, 3, 1))


def test_needs_nested_under_sen_are_read_too():
    extra_history = (
        "<SENhistory><SEN><StartDate>2025-01-06</StartDate><SENprovision>K</SENprovision>"
        "<SENneeds><SENneed><SENtypeRank>1</SENtypeRank><SENtype>SPLD</SENtype></SENneed>"
        "</SENneeds></SEN></SENhistory>"
    )
    [row] = read(ctf(pupil(extra=extra_history))).pupils
    assert (row.sen_status, row.needs) == ("K", [Need("SPLD", 1)])


def test_older_files_say_gender_and_reception_is_year_0():
    [row] = read(ctf(pupil(sex="M", sex_tag="Gender", year="R"))).pupils
    assert (row.sex, row.nc_year) == ("M", 0)


def test_unknown_elements_and_missing_optional_ones_are_no_error():
    extra = (
        "<FSMhistory><FSMstartDate>2024-01-01</FSMstartDate></FSMhistory>"
        "<Address><BS7666Address><PAON>1</PAON></BS7666Address></Address>"
        "<Contacts><Contact><Surname>Ash</Surname></Contact></Contacts>"
        "<SomethingNewIn2031 kind='x'>?</SomethingNewIn2031>"
    )
    bare = "<Pupil><Surname>Bell</Surname><Forename>Bo</Forename><DOB>2016-10-10</DOB></Pupil>"
    parsed = read(ctf(pupil(extra=extra), bare))
    assert parsed.problems == []
    ava, bo = parsed.pupils
    assert ava.first_name == "Ava"
    # No UPN, sex, year or SEN history: read as "not known", for the engine to flag.
    assert (bo.upn, bo.sex, bo.nc_year, bo.sen_status, bo.sen_start, bo.needs) == (
        "", "", None, None, None, [],
    )  # fmt: skip


def test_a_byte_order_mark_crlf_line_ends_and_a_namespace_are_read():
    data = ctf(pupil(), pupil(upn=BO, forename="Bo")).replace(b"\n", b"\r\n")
    data = data.replace(b"<CTfile>", b'<CTfile xmlns="urn:example:ctf">')
    parsed = read(b"\xef\xbb\xbf" + data)
    assert parsed.problems == []
    assert [p.first_name for p in parsed.pupils] == ["Ava", "Bo"]


def test_nursery_and_outside_years_are_not_known_not_errors():
    parsed = read(ctf(pupil(year="N1"), pupil(upn=BO, year="X")))
    assert parsed.problems == []
    assert [p.nc_year for p in parsed.pupils] == [None, None]


def test_a_preferred_name_that_repeats_the_forename_is_no_preferred_name():
    [row] = read(ctf(pupil(preferred="Ava"))).pupils
    assert row.preferred_name == ""


def test_a_date_time_at_midnight_is_read_as_the_day():
    [row] = read(ctf(pupil(dob="2017-04-02T00:00:00"))).pupils
    assert row.date_of_birth == dt.date(2017, 4, 2)


def test_an_invalid_upn_is_an_error_on_that_pupil_and_the_rest_are_read():
    bad = AVA[:-1] + ("1" if AVA[-1] != "1" else "2")
    parsed = read(ctf(pupil(upn=BO, forename="Bo"), pupil(upn=bad)))
    assert [p.first_name for p in parsed.pupils] == ["Bo"]
    [problem] = parsed.problems
    assert (problem.at, problem.field) == (At("roll.xml", 2), "UPN")
    assert problem.message.startswith(f"Pupil 2 (Ava Ash, UPN {bad}): the UPN {bad} is not valid.")
    assert "check letter" in problem.message


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"dob": "2017-02-30"}, "DOB", "the date of birth “2017-02-30” is not a real date"),
        ({"dob": None}, "DOB", "the date of birth is missing"),
        ({"surname": None}, "Surname", "the surname is missing"),
        ({"forename": ""}, "Forename", "the forename is missing"),
        ({"sex": "Q"}, "Sex", "the sex “Q” is not a CTF code"),
        ({"year": "Y7"}, "BasicDetails/NCyearActual", "“Y7” is not a CTF year"),
        ({"periods": [("K", "01/09/2025")]}, "SENhistory/SEN/StartDate", "SEN start date"),
        ({"periods": [("Z", "2025-09-01")]}, "SENhistory/SEN/SENprovision", "“Z” is not a census"),
        ({"needs": [(1, "DYS")]}, "SENhistory/SENneeds/SENneed/SENtype", "“DYS” is not a census"),
        ({"needs": [("one", "ASD")]}, "SENhistory/SENneeds/SENneed/SENtypeRank", "rank “one”"),
        ({"needs": [(1, "ASD"), (1, "MLD")]}, "SENhistory/SENneeds/SENneed/SENtypeRank",
         "two needs have the same rank"),
        ({"needs": [(1, "ASD"), (2, "ASD")]}, "SENhistory/SENneeds/SENneed/SENtype",
         "the same need is listed twice"),
        ({"periods": [("E", "2012-09-01"), ("S", "2013-09-01")]},
         "SENhistory/SEN/SENprovision", "a code not used since 2014"),
    ],
)  # fmt: skip
def test_wrong_dates_and_codes_are_errors_naming_the_pupil(changes, field, words):
    parsed = read(ctf(pupil(upn=BO, forename="Bo"), pupil(**changes)))
    assert [p.first_name for p in parsed.pupils] == ["Bo"]  # the good pupil still read
    assert len(parsed.problems) == 1, parsed.problems
    [problem] = parsed.problems
    assert (problem.at, problem.field) == (At("roll.xml", 2), field)
    assert problem.message.startswith("Pupil 2 (")
    assert words in problem.message


def test_old_codes_earlier_in_a_long_history_are_kept_history_not_errors():
    data = ctf(pupil(periods=[("S", "2012-09-03"), ("E", "2014-09-01")], needs=[(1, "PD")]))
    parsed = read(data)
    assert parsed.problems == []
    assert parsed.pupils[0].sen_status == "E"


def test_one_upn_twice_in_a_file_is_an_error_on_the_second():
    parsed = read(ctf(pupil(), pupil(forename="Eve")))
    assert [p.first_name for p in parsed.pupils] == ["Ava"]
    [problem] = parsed.problems
    assert (problem.at, problem.field) == (At("roll.xml", 2), "UPN")
    assert "also pupil 1's" in problem.message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CTfile><CTFpupilData><Pupil><Surname>&lol3;</Surname></Pupil></CTFpupilData></CTfile>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><CTFpupilData><Pupil><Surname>&secret;</Surname></Pupil></CTFpupilData></CTfile>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["laughs", "external"])
def test_entity_attacks_are_refused_unread(data):
    parsed = read(data)
    assert parsed.pupils == []
    [problem] = parsed.problems
    assert (problem.at, problem.field) == (At("roll.xml", 0), "file")
    assert "declares a DTD or entities" in problem.message


def test_a_file_cut_short_says_so():
    data = ctf(pupil(), pupil(upn=BO, forename="Bo"))
    parsed = read(data[: data.index(b"<Forename>Bo")])
    assert [p.first_name for p in parsed.pupils] == ["Ava"]
    [problem] = parsed.problems
    assert problem.field == "file"
    assert "not a complete XML file" in problem.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"UPN,Surname\r\nA1,Ash\r\n", "not a complete XML file"),
        (b"<OneRoster><users/></OneRoster>", "not a Common Transfer File"),
        (b"<CTfile><Header/></CTfile>", "holds no pupils"),
    ],
)
def test_not_a_ctf_is_one_problem_about_the_file(data, words):
    parsed = read(data)
    assert parsed.pupils == []
    [problem] = parsed.problems
    assert (problem.at.file, problem.at.row, problem.field) == ("roll.xml", 0, "file")
    assert words in problem.message


def _transient_peak(count: int) -> int:
    """Memory the parser used beyond what it kept (the rows), parsing `count` pupils."""
    data = io.BytesIO(
        ctf(*(pupil(upn=make_upn("999", "2001", 2016, n), periods=[("K", "2025-09-04")],
                    needs=[(1, "MLD"), (2, "SLCN")]) for n in range(count)))
    )  # fmt: skip
    tracemalloc.start()
    try:
        parsed = parse(data, "big.xml")
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(parsed.pupils) == count and parsed.problems == []
    return peak - kept


def test_a_thousand_pupils_are_read_with_memory_flat():
    # Streaming: the working memory beyond the rows kept does not grow with the file. A
    # parser that built the whole tree would use ~20 times more for 1,000 pupils than 50.
    small, large = _transient_peak(50), _transient_peak(1000)
    assert large < small * 2 + 64_000, (small, large)


def test_the_test_files_say_they_are_made_by_the_project():
    assert b"Made by the SENDesk project for its tests" in ctf(pupil())
    assert files.MADE_BY.startswith("<!--")
