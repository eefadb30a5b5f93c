"""The DfE Common Transfer File (CTF, XML) read into `Parsed` rows (sendesk.imports.rows).

Element names as /work/shared/docs/interop.md lists them: `CTfile` > `Header`, then
`CTFpupilData` > `Pupil` with `UPN`, `Surname`, `Forename`, `DOB`, `Sex` (older files:
`Gender`), `BasicDetails` (`PreferredForename`, `NCyearActual`, …) and `SENhistory` with
`SEN` (`StartDate`, `SENprovision`) and `SENneeds` > `SENneed` (`SENtypeRank`, `SENtype`).

Real files come from several MIS versions, so anything this does not know is ignored and a
missing optional element is no error; a wrong date or code is a Problem naming the pupil.

Read with iterparse, one `Pupil` at a time, each dropped once read: a 1,000-pupil file
never sits in memory as a tree. defusedxml refuses DTDs and entity declarations, which no
CTF carries, so an entity-expansion ("billion laughs") or external-entity file is refused
before it can expand or reach anything.
"""

import datetime as dt
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from sendesk.pupils.models import NeedCode
from sendesk.pupils.upn import upn_error

from ..rows import At, Need, Parsed, Problem, PupilRow

ROOT = "CTfile"
PROVISIONS = {"E", "K", "N"}
# SEN codes from before the 2014 reforms (School Action, School Action Plus, Statement):
# a long history may still carry them. Kept history only; never a pupil's current status.
LEGACY_PROVISIONS = {"A", "P", "S"}
NEED_CODES = set(NeedCode.values)
SEXES = {"M": "M", "F": "F", "U": "", "": ""}  # U: not known, as "" in PupilRow
# NCyearActual: R is reception (0); nursery (N1, N2) and X (outside the national curriculum
# years) have no year group here, so they are read as "not known", not as errors.
UNPLACED_YEARS = {"N1", "N2", "X"}


def _local(tag) -> str:
    """The element's name without any namespace: some MIS write one, most do not."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(elem, *path) -> str:
    """The stripped text at `path` below `elem` (names without namespace), "" if absent."""
    node = elem
    for name in path:
        node = next((c for c in node if _local(c.tag) == name), None)
        if node is None:
            return ""
    return (node.text or "").strip()


def _children(elem, name):
    return [c for c in elem if _local(c.tag) == name]


class _PupilReader:
    """Reads one `Pupil` element into a PupilRow, collecting problems that name the pupil."""

    def __init__(self, elem, at: At):
        self.elem = elem
        self.at = at
        self.problems: list[Problem] = []
        self.who = ""

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.at, field, f"{self.who}: {message}"))

    def date(self, text: str, field: str, label: str) -> dt.date | None:
        # Some MIS write a date as a date-time at midnight: the day is what counts.
        day = text[:10] if len(text) > 10 and text[10] == "T" else text
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            self.problem(field, f"the {label} “{text}” is not a real date in the form YYYY-MM-DD.")
            return None

    def read(self) -> PupilRow | None:
        elem = self.elem
        upn = _child(elem, "UPN").upper()
        surname, forename = _child(elem, "Surname"), _child(elem, "Forename")
        self.who = _name_of(self.at, forename, surname, upn)
        if not surname:
            self.problem("Surname", "the surname is missing.")
        if not forename:
            self.problem("Forename", "the forename is missing.")
        if upn and (why := upn_error(upn)):
            self.problem("UPN", f"the UPN {upn} is not valid. {why}")
        dob_text = _child(elem, "DOB")
        dob = None
        if not dob_text:
            self.problem("DOB", "the date of birth is missing.")
        else:
            dob = self.date(dob_text, "DOB", "date of birth")
        sex = self.sex()
        nc_year = self.nc_year()
        sen_status, sen_start, needs = self.sen()
        if self.problems or dob is None:
            return None
        preferred = _child(elem, "BasicDetails", "PreferredForename")
        return PupilRow(
            at=self.at,
            upn=upn,
            first_name=forename,
            last_name=surname,
            date_of_birth=dob,
            # Only a name that differs is a preferred name: most MIS repeat the forename.
            preferred_name=preferred if preferred != forename else "",
            nc_year=nc_year,
            sex=sex,
            sen_status=sen_status,
            sen_start=sen_start,
            needs=needs,
        )

    def sex(self) -> str:
        field = "Sex" if _children(self.elem, "Sex") else "Gender"
        value = _child(self.elem, field).upper()
        if value not in SEXES:
            self.problem(field, f"the sex “{value}” is not a CTF code (M or F).")
            return ""
        return SEXES[value]

    def nc_year(self) -> int | None:
        value = _child(self.elem, "BasicDetails", "NCyearActual").upper()
        if not value or value in UNPLACED_YEARS:
            return None
        if value == "R":
            return 0
        if value.isdigit() and 1 <= int(value) <= 14:
            return int(value)
        self.problem(
            "BasicDetails/NCyearActual",
            f"the national curriculum year “{value}” is not a CTF year (N1, N2, R, 1 to 14, X).",
        )
        return None

    def sen(self) -> tuple[str | None, dt.date | None, list[Need]]:
        """The current SEN provision (the latest `SEN` by start date), its start, and the
        ranked needs: those under SENhistory/SENneeds, or else the latest SEN's own (some
        files nest them there)."""
        history = next(iter(_children(self.elem, "SENhistory")), None)
        if history is None:
            return None, None, []
        periods = []
        for sen in _children(history, "SEN"):
            code = _child(sen, "SENprovision").upper()
            start_text = _child(sen, "StartDate")
            start = (
                self.date(start_text, "SENhistory/SEN/StartDate", "SEN start date")
                if (start_text)
                else None
            )
            if code not in PROVISIONS | LEGACY_PROVISIONS:
                self.problem(
                    "SENhistory/SEN/SENprovision",
                    f"the SEN provision “{code}” is not a census code (E, K or N).",
                )
                continue
            periods.append((start or dt.date.min, code, start, sen))
        needs_parent = next(iter(_children(history, "SENneeds")), None)
        if not periods:
            return None, None, self.needs(needs_parent)
        periods.sort(key=lambda p: p[0])
        _, code, start, latest = periods[-1]
        if code in LEGACY_PROVISIONS:
            self.problem(
                "SENhistory/SEN/SENprovision",
                f"the latest SEN provision is “{code}”, a code not used since 2014: "
                "the sending school should send E, K or N.",
            )
            return None, None, []
        if needs_parent is None:
            needs_parent = next(iter(_children(latest, "SENneeds")), None)
        return code, start, self.needs(needs_parent)

    def needs(self, parent) -> list[Need]:
        if parent is None:
            return []
        needs: list[Need] = []
        for node in _children(parent, "SENneed"):
            code = _child(node, "SENtype").upper()
            rank_text = _child(node, "SENtypeRank")
            if code not in NEED_CODES:
                self.problem(
                    "SENhistory/SENneeds/SENneed/SENtype",
                    f"the type of need “{code}” is not a census code "
                    f"({', '.join(NeedCode.values)}).",
                )
                continue
            if not rank_text.isdigit() or int(rank_text) < 1:
                self.problem(
                    "SENhistory/SENneeds/SENneed/SENtypeRank",
                    f"the rank “{rank_text}” of need {code} is not 1 (primary) or 2 (secondary).",
                )
                continue
            needs.append(Need(code=code, rank=int(rank_text)))
        self.check_ranks(needs)
        return sorted(needs, key=lambda n: n.rank)

    def check_ranks(self, needs: list[Need]) -> None:
        ranks = [n.rank for n in needs]
        codes = [n.code for n in needs]
        if len(set(ranks)) != len(ranks):
            self.problem("SENhistory/SENneeds/SENneed/SENtypeRank", "two needs have the same rank.")
        if len(set(codes)) != len(codes):
            self.problem("SENhistory/SENneeds/SENneed/SENtype", "the same need is listed twice.")


def _name_of(at: At, forename: str, surname: str, upn: str) -> str:
    """How a problem names the pupil: their place in the file, name and UPN as written."""
    name = " ".join(part for part in (forename, surname) if part) or "no name"
    return f"Pupil {at.row} ({name}{', UPN ' + upn if upn else ''})"


def parse(fileobj, filename: str) -> Parsed:
    """Read a CTF upload. Never raises for a bad file: what is wrong is a Problem (at row
    0 when it is the file itself), so the preview can say it."""
    parsed = Parsed()
    reading = _Reading(parsed, filename)
    # From the start, even if the engine has already read the upload through to keep it.
    if getattr(fileobj, "seekable", lambda: False)():
        fileobj.seek(0)
    try:
        for event, elem in iterparse(fileobj, events=("start", "end"), forbid_dtd=True):
            if not reading.step(event, elem):
                return parsed
    except DefusedXmlException:
        parsed.problems.append(
            Problem(
                At(filename, 0),
                "file",
                "The file declares a DTD or entities, which a Common Transfer File never "
                "does; it was not read. Ask the sending school for the CTF as their MIS "
                "exported it.",
            )
        )
    except ParseError as error:
        line = error.position[0] if error.position else "?"
        parsed.problems.append(
            Problem(
                At(filename, reading.position),
                "file",
                f"The file is not a complete XML file (it breaks at line {line}). It may be "
                "cut short or not a CTF: ask for it again.",
            )
        )
    if reading.container is None and not parsed.problems:
        parsed.problems.append(
            Problem(At(filename, 0), "file", "The file holds no pupils (no CTFpupilData).")
        )
    return parsed


class _Reading:
    """Where iterparse has got to in one file."""

    def __init__(self, parsed: Parsed, filename: str):
        self.parsed = parsed
        self.filename = filename
        self.started = False
        self.container = None
        self.position = 0
        self.upns: dict[str, int] = {}  # UPN -> the pupil position that first had it

    def step(self, event: str, elem) -> bool:
        """Take one iterparse event; False when the file is not worth reading on."""
        name = _local(elem.tag)
        if event == "start":
            if not self.started:
                self.started = True
                if name != ROOT:
                    self.parsed.problems.append(
                        Problem(
                            At(self.filename, 0),
                            "file",
                            f"This is not a Common Transfer File: it starts with “{name}”, "
                            f"not “{ROOT}”.",
                        )
                    )
                    return False
            if name == "CTFpupilData":
                self.container = elem
        elif name == "Pupil" and self.container is not None:
            self.position += 1
            self.pupil(elem, At(self.filename, self.position))
            # Dropped once read: the tree never holds more than one pupil.
            self.container.clear()
        return True

    def pupil(self, elem, at: At) -> None:
        reader = _PupilReader(elem, at)
        row = reader.read()
        self.parsed.problems.extend(reader.problems)
        if row is None:
            return
        if row.upn and row.upn in self.upns:
            self.parsed.problems.append(
                Problem(
                    at,
                    "UPN",
                    f"{reader.who}: the UPN {row.upn} is also pupil {self.upns[row.upn]}'s in "
                    "this file; a UPN belongs to one pupil.",
                )
            )
            return
        if row.upn:
            self.upns[row.upn] = at.row
        self.parsed.pupils.append(row)
