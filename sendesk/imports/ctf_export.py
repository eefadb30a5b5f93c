"""One pupil's Common Transfer File (CTF, XML) for the next school: who they are, their SEN
history and their ranked needs, in the element names the importer reads
(sendesk.imports.parsers.ctf), so a file this writes reads back as the same pupil.

Only what a CTF carries about SEN goes in: never plans, notes, evidence or safeguarding
(the DSL transfers the child-protection file separately). The caller has already checked
that the person may send it (sendesk.access) and logs that they did.
"""

import datetime as dt
from xml.etree.ElementTree import Element, SubElement, tostring

from django.utils import timezone

from sendesk.pupils.models import Pupil, SenStatus

CTF_VERSION = "25.0"  # recent DfE code writes this; the version follows the academic year
SUPPLIER = "SENDesk"
# The destination when the sending school does not know it: the DfE's "MMM"/"MMMM" code
# for a pupil whose next school is not known (the MIS puts the real one in when it is).
UNKNOWN_LA, UNKNOWN_ESTAB = "MMM", "MMMM"


def _text(parent, name: str, value) -> None:
    """An element with text; an empty value writes no element (optional in a CTF)."""
    if value is None or value == "":
        return
    SubElement(parent, name).text = str(value)


def _academic_year(day: dt.date) -> str:
    """The academic year a day is in, by its first year: 2026 for 2026/27 (from September)."""
    return str(day.year if day.month >= 9 else day.year - 1)


def _nc_year(ordinal: int | None) -> str:
    """NCyearActual: R for reception (ordinal 0), the number for years 1 to 14; nursery
    (below 0) as N2/N1 (the year before reception is N2)."""
    if ordinal is None:
        return ""
    if ordinal == 0:
        return "R"
    if ordinal < 0:
        return "N2" if ordinal == -1 else "N1"
    return str(ordinal)


def filename(pupil: Pupil) -> str:
    """The download's name: the pupil's UPN (or, without one, SENDesk's own id)."""
    return f"CTF_{pupil.upn or pupil.pk}.xml"


def _header(root, pupil: Pupil, now: dt.datetime) -> None:
    school = pupil.school
    header = SubElement(root, "Header")
    _text(header, "DocumentName", "Common Transfer File")
    _text(header, "CTFversion", CTF_VERSION)
    _text(header, "DateTime", now.strftime("%Y-%m-%dT%H:%M:%S"))
    # Partial: SENDesk holds a pupil's SEN record, not attendance, assessment or address.
    _text(header, "DocumentQualifier", "partial")
    _text(header, "DataDescriptor", "SEN history from SENDesk")
    _text(header, "SupplierID", SUPPLIER)
    source = SubElement(header, "SourceSchool")
    _text(source, "LEA", school.la_number)
    _text(source, "URN", school.urn)
    _text(source, "SchoolName", school.name)
    _text(source, "AcademicYear", _academic_year(now.date()))
    dest = SubElement(header, "DestSchool")
    _text(dest, "LEA", UNKNOWN_LA)
    _text(dest, "Estab", UNKNOWN_ESTAB)


def _sen_history(parent, pupil: Pupil, periods, needs) -> None:
    if not periods and pupil.sen_status == SenStatus.NONE and not needs:
        return
    history = SubElement(parent, "SENhistory")
    for period in periods:
        sen = SubElement(history, "SEN")
        _text(sen, "StartDate", period.start.isoformat())
        _text(sen, "SENprovision", period.status)
    if not periods:
        # A status with no dated history (records made before the history was kept): the
        # provision alone, which the importer reads as current with no start date.
        _text(SubElement(history, "SEN"), "SENprovision", pupil.sen_status)
    if needs:
        wrapper = SubElement(history, "SENneeds")
        for need in needs:
            node = SubElement(wrapper, "SENneed")
            _text(node, "SENtypeRank", need.rank)
            _text(node, "SENtype", need.code)


def build(pupil: Pupil, now: dt.datetime | None = None) -> bytes:
    """The CTF for `pupil` as UTF-8 XML. Two queries: the SEN history and the needs (the
    pupil comes with its school and year group, as sendesk.access.get_pupil gives it)."""
    now = timezone.localtime(now or timezone.now())
    periods = sorted(pupil.sen_history.all(), key=lambda p: p.start)
    needs = sorted(pupil.needs.all(), key=lambda n: n.rank)
    root = Element("CTfile")
    _header(root, pupil, now)
    data = SubElement(root, "CTFpupilData")
    node = SubElement(data, "Pupil")
    _text(node, "UPN", pupil.upn)
    _text(node, "Surname", pupil.legal_last_name)
    _text(node, "Forename", pupil.legal_first_name)
    _text(node, "DOB", pupil.date_of_birth.isoformat())
    basic = SubElement(node, "BasicDetails")
    _text(basic, "PreferredForename", pupil.preferred_name)
    _text(basic, "NCyearActual", _nc_year(pupil.year_group.ordinal))
    _sen_history(node, pupil, periods, needs)
    # The declaration as MIS exports write it (double quotes, UTF-8 in capitals).
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")
