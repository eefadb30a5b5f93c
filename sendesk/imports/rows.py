"""What every importer reads a file into, whatever the file: the rows the import engine
compares with the school's records, previews and applies. A parser (CTF, OneRoster, the
product's CSV templates) only reads; it never touches the database. Each row says where it
came from (`at`), so the preview can name the file, row and field of any problem."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class At:
    """Where a row was read: the file inside an upload (a zip's member, or the upload's own
    name), the row (1-based, counting the header as row 1 for CSV; the pupil's position
    for XML) — as a school office would find it in a spreadsheet."""

    file: str
    row: int


@dataclass
class Problem:
    """One error on one row, in words a school office understands."""

    at: At
    field: str
    message: str


@dataclass
class Need:
    code: str  # a census SEN type code: SPLD, MLD, ..., NSA
    rank: int  # 1 primary, 2 secondary


@dataclass
class PupilRow:
    at: At
    upn: str  # "" when the file has none: imported and flagged "UPN needed"
    first_name: str
    last_name: str
    # None when the file has none (OneRoster users.csv): enough to update a pupil SENDesk
    # knows; the engine will not add a new pupil without it.
    date_of_birth: dt.date | None
    preferred_name: str = ""
    nc_year: int | None = None  # NCyearActual: 0 for reception, 1..13; None when unknown
    sex: str = ""  # "M", "F" or "" as the file says
    source_id: str = ""  # OneRoster sourcedId (or another system's id): matches before UPN
    sen_status: str | None = None  # "E", "K", "N", or None when the file does not say
    sen_start: dt.date | None = None
    needs: list[Need] = field(default_factory=list)
    ended: bool = False  # OneRoster delta `tobedeleted`: the pupil left


@dataclass
class StaffRow:
    at: At
    email: str
    full_name: str
    role: str  # a schools.Role value: "teacher", "ta", "head" … as the school confirms
    source_id: str = ""
    # The file says this role ended at the school (a OneRoster `tobedeleted`); with role ""
    # the person left: every role they hold here ends.
    ended: bool = False


@dataclass
class ContactRow:
    """A parent or carer of a pupil (OneRoster parents/guardians, CTF Contacts)."""

    at: At
    pupil_ref: str  # the pupil's UPN or source id, as the file links them
    name: str
    relationship: str = ""
    email: str = ""
    phone: str = ""
    parental_responsibility: bool = True
    source_id: str = ""


@dataclass
class GroupRow:
    """A class or teaching group and who is in it."""

    at: At
    name: str
    source_id: str = ""
    teacher_refs: list[str] = field(default_factory=list)  # e-mails or source ids
    pupil_refs: list[str] = field(default_factory=list)  # UPNs or source ids
    ended: bool = False  # the class itself ended: everyone leaves it (the group is kept)
    # A delta's ended enrollments: these people leave the class (the rest stay).
    pupils_leaving: list[str] = field(default_factory=list)
    teachers_leaving: list[str] = field(default_factory=list)


@dataclass
class TermRow:
    at: At
    name: str
    start: dt.date
    end: dt.date
    source_id: str = ""


@dataclass
class Parsed:
    """Everything one upload held, and every problem found while reading it. A parser
    fills what its file carries and leaves the rest empty; `delta` is True when the file
    lists only changes (a OneRoster delta), so people it does not mention are left alone."""

    pupils: list[PupilRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    delta: bool = False
    # What was tolerated and the school may want to know (columns not read, say), in words
    # a school office understands. Not errors: nothing is refused for them.
    notes: list[str] = field(default_factory=list)
