"""OneRoster 1.1 and 1.2 CSV bundles (a zip holding manifest.csv and the roster's files),
read into the rows the import engine plans with (sendesk.imports.rows). Reading never
touches the database.

What each OneRoster role becomes: student → a pupil; teacher → a teacher; aide → a TA;
parent, guardian and relative → the pupil's contacts (linked through agentSourcedIds, from
either side); administrators (and other office roles) get NO account and no role from the
file: they are listed for the school to invite with the role it confirms. Classes and
their enrollments → teaching groups; academic sessions of type term or semester → terms.

A delta bundle (`file.<name>` = delta in the manifest) carries only changes; a row whose
status is `tobedeleted` ends what it names (a person, one of their roles, a class, or a
pupil's or teacher's place in a class). Untidy real files are read the forgiving way: a byte
order mark, CRLF, trailing empty columns, extra columns (said in the notes), misspelt
optional headers (`dataLastModified`). A required column missing is an error for that file.

Dates of birth: OneRoster's users.csv has none. They come from demographics.csv
(`birthDate`, in 1.1 and 1.2) or a `birthDate` column a vendor adds to users.csv; a pupil
with none can still update a pupil SENDesk knows, and the engine refuses to ADD one without
it (a school's records, retention and the census all hang on the date of birth)."""

import csv
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils import timezone

from sendesk.imports.rows import (
    At,
    ContactRow,
    GroupRow,
    Parsed,
    Problem,
    PupilRow,
    StaffRow,
    TermRow,
)
from sendesk.lib.errors import ServiceError

from .csvfiles import parse_date

MANIFEST = "manifest.csv"
# A roster's own files are small (a large secondary's enrollments are a few MB): a member
# claiming more than this when unpacked is refused rather than read (a "zip bomb").
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024

STAFF_ROLES = {"teacher": "teacher", "aide": "ta"}
CONTACT_ROLES = {"parent": "Parent", "guardian": "Guardian", "relative": "Relative"}
# Office and leadership roles: never given a SENDesk role by a file (the school confirms).
OFFICE_ROLES = {
    "administrator", "districtadministrator", "siteadministrator", "systemadministrator",
    "principal", "proctor", "counselor",
}  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """One file of the bundle: the columns it must have and those SENDesk reads if there
    (every other OneRoster column is known and left unread without a note)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    known: tuple[str, ...] = ()


COMMON = ("sourcedId", "status", "dateLastModified")
SPECS = {
    "orgs.csv": Spec(("sourcedId",), ("status", "dateLastModified", "name", "type"),
                     ("identifier", "parentSourcedId", "metadata.classification")),
    "users.csv": Spec(
        ("sourcedId", "givenName", "familyName"),
        ("status", "dateLastModified", "role", "identifier", "userIds", "email", "username",
         "phone", "sms", "agentSourcedIds", "grades", "preferredGivenName",
         "preferredFirstName", "birthDate", "upn"),
        ("enabledUser", "orgSourcedIds", "middleName", "password", "userMasterIdentifier",
         "resourceSourcedIds", "preferredMiddleName", "preferredFamilyName",
         "primaryOrgSourcedId", "pronouns", "metadata"),
    ),
    "roles.csv": Spec(("userSourcedId", "role"),
                      ("sourcedId", "status", "dateLastModified", "roleType", "orgSourcedId"),
                      ("beginDate", "endDate", "userProfileSourcedId")),
    "demographics.csv": Spec(("sourcedId",), ("status", "dateLastModified", "birthDate", "sex"),
                             ("cityOfBirth", "stateOfBirthAbbreviation", "countryOfBirthCode",
                              "publicSchoolResidenceStatus")),
    "classes.csv": Spec(("sourcedId", "title"), ("status", "dateLastModified"),
                        ("grades", "courseSourcedId", "classCode", "classType", "location",
                         "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes",
                         "periods", "metadata")),
    "enrollments.csv": Spec(("classSourcedId", "userSourcedId", "role"),
                            ("sourcedId", "status", "dateLastModified", "endDate"),
                            ("schoolSourcedId", "primary", "beginDate", "metadata")),
    "academicSessions.csv": Spec(("sourcedId", "title", "type", "startDate", "endDate"),
                                 ("status", "dateLastModified"),
                                 ("parentSourcedId", "schoolYear", "metadata")),
}  # fmt: skip
# Other OneRoster files (courses, lineItems, results, userProfiles, …) say nothing SENDesk
# keeps: they are left unread.


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header.strip().lower())


# Misspellings seen in real exports that a closeness test would not catch on its own.
ALIASES = {"datalastmodified": "dateLastModified", "sourceid": "sourcedId",
           "firstname": "givenName", "lastname": "familyName", "surname": "familyName",
           "dob": "birthDate", "dateofbirth": "birthDate", "birthdate": "birthDate",
           # Extension columns English roster services add to users.csv.
           "metadata.upn": "upn", "metadata.ukupn": "upn", "metadata.dob": "birthDate",
           "metadata.birthdate": "birthDate", "metadata.dateofbirth": "birthDate"}  # fmt: skip


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _positions(name: str, header: list[str], spec: Spec, parsed: Parsed) -> dict | None:
    """{column: index} for the columns found; None (and a problem) when a required column
    is missing. Optional headers are matched forgivingly (case, spacing, a near miss)."""
    exact = {_key(c): c for c in (*spec.required, *spec.optional, *spec.known)}
    optional = {_key(c): c for c in spec.optional}
    position, unread, guessed = {}, [], []
    for i, title in enumerate(header):
        k = _key(title)
        if not k:
            continue  # a trailing empty column
        column = exact.get(k) or ALIASES.get(k)
        if column is None and (near := difflib.get_close_matches(k, optional, n=1, cutoff=0.85)):
            column = optional[near[0]]
            guessed.append(f"'{title.strip()}' as {column}")
        if column is None:
            unread.append(title.strip())
        elif column not in position:
            position[column] = i
    missing = [c for c in spec.required if c not in position]
    if missing:
        parsed.problems.append(
            Problem(
                At(name, 1),
                missing[0],
                f"{name} has no {', '.join(missing)} column: SENDesk needs "
                f"{'them' if len(missing) > 1 else 'it'} to read this file, so nothing in it was "
                "read. Export the file again with every OneRoster column.",
            )
        )
        return None
    if guessed:
        parsed.notes.append(f"{name}: read {', '.join(guessed)}.")
    if unread:
        parsed.notes.append(f"{name}: these columns were not read: {', '.join(unread)}.")
    return position


def _rows(name: str, data: bytes, spec: Spec, parsed: Parsed):
    """Yields (At, {column: value}) for each non-blank row; row 1 is the header."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        parsed.problems.append(Problem(At(name, 1), "", f"{name} is empty."))
        return
    position = _positions(name, header, spec, parsed)
    if position is None:
        return
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield (
            At(name, number),
            {c: (cells[i].strip() if i < len(cells) else "") for c, i in position.items()},
        )


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _ended(v: dict) -> bool:
    return v.get("status", "").strip().lower() == "tobedeleted"


# --- The zip --------------------------------------------------------------------------------


def _refuse(message: str):
    raise ServiceError({"file": message})


def _open(fileobj) -> tuple[zipfile.ZipFile, str]:
    """The zip and the folder inside it that holds manifest.csv ("" at the top)."""
    if getattr(fileobj, "seekable", lambda: False)():
        fileobj.seek(0)
    try:
        bundle = zipfile.ZipFile(fileobj)
        members = bundle.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(
            "This is not a zip file. A OneRoster export is a .zip holding manifest.csv, "
            "users.csv and the other roster files: upload the .zip itself."
        )
    total = 0
    for info in members:
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            _refuse(
                f"The zip holds a file with an unsafe path ({info.filename[:80]}): SENDesk "
                "did not read it. Export the roster again."
            )
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            _refuse(
                "The zip unpacks to far more than a school's roster could be: SENDesk did "
                "not read it. Export the roster again."
            )
    names = {i.filename for i in members if not i.is_dir()}
    if MANIFEST in {n.lower() for n in names}:
        return bundle, ""
    # Some exports put everything in one folder inside the zip.
    inside = [n for n in names if n.lower().endswith("/" + MANIFEST) and n.count("/") == 1]
    if len(inside) == 1:
        return bundle, inside[0][: -len(MANIFEST)]
    _refuse(
        "The zip has no manifest.csv, so it is not a OneRoster export (or not all of "
        "one): export the roster again as OneRoster CSV."
    )


def _read(bundle: zipfile.ZipFile, path: str) -> bytes:
    with bundle.open(path) as member:
        # The declared size can lie: never read more than the limit, whatever it says.
        data = member.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        _refuse(
            "The zip unpacks to far more than a school's roster could be: SENDesk did not "
            "read it. Export the roster again."
        )
    return data


def _members(bundle: zipfile.ZipFile, folder: str) -> dict[str, str]:
    """{file name, as OneRoster names it (any case): its path in the zip}."""
    found = {}
    for info in bundle.infolist():
        if info.filename.startswith(folder) and "/" not in info.filename[len(folder) :]:
            found[info.filename[len(folder) :].lower()] = info.filename
    return found


@dataclass
class _Bundle:
    """What the manifest says: the version, and each file's mode (bulk / delta)."""

    version: str = ""
    modes: dict = field(default_factory=dict)  # file name (lower) -> "bulk" | "delta"


def _manifest(data: bytes, members: dict, parsed: Parsed) -> _Bundle:
    bundle = _Bundle()
    said = {}
    for at, v in _rows(MANIFEST, data, Spec(("propertyName", "value")), parsed):
        said[v["propertyName"].strip()] = (at, v["value"].strip())
    if "oneroster.version" in said:
        at, version = said["oneroster.version"]
        if version not in ("1.1", "1.2"):
            parsed.problems.append(
                Problem(
                    at,
                    "oneroster.version",
                    f"SENDesk reads OneRoster 1.1 and 1.2; this bundle says '{version}'.",
                )
            )
        bundle.version = version
    else:
        bundle.version = "1.2" if "roles.csv" in members else "1.1"
        parsed.notes.append(
            f"manifest.csv does not say the OneRoster version: read as {bundle.version}."
        )
    for prop, (at, value) in said.items():
        if not prop.lower().startswith("file."):
            continue
        name, mode = prop[5:].lower() + ".csv", value.lower()
        if mode in ("bulk", "delta"):
            if name not in members:
                parsed.problems.append(
                    Problem(
                        at,
                        prop,
                        f"manifest.csv says {name} is in the bundle, but the zip does not hold it.",
                    )
                )
            bundle.modes[name] = mode
        elif mode != "absent":
            parsed.problems.append(Problem(at, prop, f"'{value}' is not bulk, delta or absent."))
    for name in SPECS:
        if name.lower() in members and name.lower() not in bundle.modes:
            said_absent = ("file." + name[:-4]).lower() in {p.lower() for p in said}
            if not said_absent:
                bundle.modes[name.lower()] = "bulk"
                parsed.notes.append(f"manifest.csv does not list {name}: read as a full file.")
    return bundle


# --- People ---------------------------------------------------------------------------------


@dataclass
class _User:
    at: At
    v: dict
    roles: dict = field(default_factory=dict)  # role -> ended (bool); False wins over True
    ended: bool = False

    def give(self, role: str, ended: bool) -> None:
        role = role.strip().lower().replace(" ", "")
        if role:
            self.roles[role] = self.roles.get(role, True) and ended

    @property
    def name(self) -> str:
        given = self.v.get("preferredGivenName") or self.v.get("preferredFirstName")
        return " ".join(p for p in (given or self.v["givenName"], self.v["familyName"]) if p)


UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[A-Z0-9]$")
USER_ID = re.compile(r"\{?\s*([^:{}]+?)\s*:\s*([^{}]*?)\s*\}?$")


def _upn(v: dict) -> str:
    """The UPN the row carries: a column or userIds entry named UPN as written (an invalid
    one is an error on the row); else `identifier` or another userIds entry when it has a
    UPN's shape (English exports often put it there); else "" (imported, "UPN needed")."""
    named, shaped = [v.get("upn", "")], [v.get("identifier", "")]
    for entry in re.findall(r"\{[^{}]*\}|[^,{}]+", v.get("userIds", "")):
        if m := USER_ID.match(entry.strip()):
            (named if m.group(1).upper() == "UPN" else shaped).append(m.group(2))
    for value in named:
        if value := value.upper().replace(" ", ""):
            return value
    for value in shaped:
        value = value.upper().replace(" ", "")
        if UPN_SHAPE.match(value):
            return value  # a wrong check letter is reported by the engine, on this row
    return ""


def _nc_year(grades: str) -> tuple[int | None, bool]:
    """OneRoster `grades` as an English NC year: 01..13 (or 'Year 3') as that year, KG, R
    and 'Reception' as Reception. (ok False when the file says something else.)"""
    first = (_list(grades) or [""])[0].strip().lower()
    if not first:
        return None, True
    first = first.removeprefix("year").removeprefix("y").strip() or "r"  # "Y" alone: "YR"
    if first in ("kg", "r", "rec", "reception", "00", "0"):
        return 0, True
    if first.isdigit() and 1 <= int(first) <= 13:
        return int(first), True
    return None, False


class _Reader:
    def __init__(self, parsed: Parsed, bundle: _Bundle):
        self.parsed = parsed
        self.bundle = bundle
        self.users: dict[str, _User] = {}
        self.births: dict[str, tuple] = {}  # user sourcedId -> (At, raw birthDate, raw sex)
        self.office: list[str] = []
        self.stubs = 0  # roles.csv rows for people a delta's users.csv does not list
        # Pupils whose own row has a problem (said once, there): classes and contacts that
        # name them are not flagged again.
        self.bad_pupils: set[str] = set()
        self.users_ok = True

    def problem(self, at: At, column: str, message: str) -> None:
        self.parsed.problems.append(Problem(at, column, message))

    def read_users(self, data: bytes) -> None:
        before = len(self.parsed.problems)
        self._read_users(data)
        # users.csv could not be read at all: what names its people is not read either
        # (one problem, not one per enrollment).
        self.users_ok = not any(p.at == At("users.csv", 1) for p in self.parsed.problems[before:])

    def _read_users(self, data: bytes) -> None:
        needs_role = self.bundle.version == "1.1"
        for at, v in _rows("users.csv", data, SPECS["users.csv"], self.parsed):
            if not v["sourcedId"]:
                self.problem(
                    at,
                    "sourcedId",
                    "The row has no sourcedId, so SENDesk cannot match it again later.",
                )
                continue
            if needs_role and "role" not in v:
                needs_role = False
                self.problem(
                    At("users.csv", 1),
                    "role",
                    "users.csv has no role column: SENDesk needs it to tell pupils from staff.",
                )
            user = self.users.setdefault(v["sourcedId"], _User(at, v))
            user.at, user.v, user.ended = at, v, _ended(v)
            user.give(v.get("role", ""), user.ended)

    def read_roles(self, data: bytes) -> None:
        for at, v in _rows("roles.csv", data, SPECS["roles.csv"], self.parsed):
            user = self.users.get(v["userSourcedId"])
            if user is None and self.bundle.modes.get("users.csv") == "bulk":
                self.problem(
                    at, "userSourcedId", f"No one with the id '{v['userSourcedId']}' in users.csv."
                )
                continue
            if user is None and _ended(v):
                # A delta ending someone's role without listing them in users.csv: SENDesk
                # finds them by their id.
                blank = {"sourcedId": v["userSourcedId"], "givenName": "", "familyName": ""}
                user = self.users[v["userSourcedId"]] = _User(at, blank)
            elif user is None:
                self.stubs += 1
                continue
            user.give(v["role"], _ended(v))

    def read_demographics(self, data: bytes) -> None:
        for at, v in _rows("demographics.csv", data, SPECS["demographics.csv"], self.parsed):
            self.births[v["sourcedId"]] = (at, v.get("birthDate", ""), v.get("sex", ""))

    def _birth(self, user: _User):
        """(date of birth or None, sex); a date that cannot be read is a problem."""
        at, raw, sex = self.births.get(user.v["sourcedId"], (user.at, "", ""))
        if not raw and user.v.get("birthDate"):
            at, raw = user.at, user.v["birthDate"]
        dob = parse_date(raw) if raw else None
        if raw and dob is None:
            self.problem(at, "birthDate", f"'{raw}' is not a date: write it as 2018-03-14.")
            return False, ""
        sex = {"male": "M", "m": "M", "female": "F", "f": "F"}.get(sex.strip().lower(), "")
        return dob, sex

    def pupil(self, user: _User) -> None:
        v = user.v
        if user.ended:
            self.parsed.pupils.append(
                PupilRow(
                    at=user.at,
                    upn=_upn(v),
                    first_name=v["givenName"],
                    last_name=v["familyName"],
                    date_of_birth=None,
                    source_id=v["sourcedId"],
                    ended=True,
                )
            )
            return
        ok = True
        for column in ("givenName", "familyName"):
            if not v[column]:
                ok = False
                self.problem(
                    user.at,
                    column,
                    f"The pupil's {'first' if column == 'givenName' else 'last'} "
                    f"name ({column}) is missing.",
                )
        year, year_ok = _nc_year(v.get("grades", ""))
        if not year_ok:
            ok = False
            self.problem(
                user.at,
                "grades",
                f"'{v['grades']}' is not a year group SENDesk "
                "knows: 01 to 13 for Year 1 to 13, KG or R for Reception.",
            )
        dob, sex = self._birth(user)
        if not ok or dob is False:
            self.bad_pupils.add(v["sourcedId"])
        else:
            self.parsed.pupils.append(
                PupilRow(
                    at=user.at,
                    upn=_upn(v),
                    first_name=v["givenName"],
                    last_name=v["familyName"],
                    date_of_birth=dob,
                    preferred_name=v.get("preferredGivenName") or v.get("preferredFirstName", ""),
                    nc_year=year,
                    sex=sex,
                    source_id=v["sourcedId"],
                )
            )

    def staff(self, user: _User, roles: dict) -> None:
        v = user.v
        email = v.get("email", "").lower()
        if not email and "@" in v.get("username", ""):
            email = v["username"].lower()
        if user.ended:
            # They left: every role they hold at the school ends ("" says so).
            self.parsed.staff.append(
                StaffRow(
                    at=user.at,
                    email=email,
                    full_name=user.name,
                    role="",
                    source_id=v["sourcedId"],
                    ended=True,
                )
            )
            return
        if not email and not all(roles.values()):
            self.problem(
                user.at,
                "email",
                f"{user.name} has no e-mail address: SENDesk invites "
                "staff by e-mail, so it needs their work address.",
            )
            return
        for role, ended in roles.items():
            self.parsed.staff.append(
                StaffRow(
                    at=user.at,
                    email=email,
                    full_name=user.name,
                    role=STAFF_ROLES[role],
                    source_id=v["sourcedId"],
                    ended=ended,
                )
            )

    def people(self) -> None:
        for user in self.users.values():
            roles = user.roles
            if "student" in roles:
                user.ended = user.ended or roles["student"]
                self.pupil(user)
                continue
            staff = {r: e for r, e in roles.items() if r in STAFF_ROLES}
            if staff:
                self.staff(user, staff)
            elif OFFICE_ROLES & {r for r, e in roles.items() if not e} and not user.ended:
                self.office.append(user.name)
            elif user.ended and not roles:
                # A delta's bare "tobedeleted" row: whoever SENDesk knows by this id ended.
                self.staff(user, {})
                self.pupil(user)
        self._contacts()
        if self.stubs:
            self.parsed.notes.append(
                f"roles.csv: {self.stubs} row(s) give a role to someone "
                "users.csv does not list; they were not read."
            )
        if self.office:
            shown = ", ".join(self.office[:20])
            more = f" and {len(self.office) - 20} more" if len(self.office) > 20 else ""
            self.parsed.notes.append(
                f"Administrators and office staff in the file were given no SENDesk account "
                f"or role: invite those who need one from Staff accounts, with the role the "
                f"school confirms ({shown}{more})."
            )

    def _contacts(self) -> None:
        """Parents, guardians and relatives, linked to pupils through agentSourcedIds on
        either side."""
        pupils = {sid for sid, u in self.users.items() if "student" in u.roles}
        links: dict[str, list[str]] = {}
        for sid in pupils:
            for agent in _list(self.users[sid].v.get("agentSourcedIds", "")):
                links.setdefault(agent, []).append(sid)
        unlinked = 0
        for sid, user in self.users.items():
            kind = next((CONTACT_ROLES[r] for r in user.roles if r in CONTACT_ROLES), None)
            if kind is None or user.ended or "student" in user.roles:
                continue
            children = list(
                dict.fromkeys(
                    [
                        *links.get(sid, []),
                        *_list(user.v.get("agentSourcedIds", "")),
                    ]
                )
            )
            # An agent the file names who is a pupil elsewhere (a delta) is still linked.
            children = [
                c for c in children
                if (c in pupils or c not in self.users) and c not in self.bad_pupils
            ]  # fmt: skip
            if not children:
                unlinked += 1
            v = user.v
            for child in children:
                self.parsed.contacts.append(
                    ContactRow(
                        at=user.at,
                        pupil_ref=child,
                        name=user.name,
                        relationship=kind,
                        email=v.get("email", "").lower(),
                        phone=v.get("phone") or v.get("sms", ""),
                        parental_responsibility=kind != "Relative",
                        source_id=sid,
                    )
                )
        if unlinked:
            self.parsed.notes.append(
                f"{unlinked} parent(s) or guardian(s) are linked to no "
                "pupil (agentSourcedIds) and were not read."
            )


# --- Classes, enrollments, terms, orgs -----------------------------------------------------


def _classes(reader: _Reader, parts: dict) -> None:
    parsed = reader.parsed
    groups: dict[str, GroupRow] = {}
    if "classes.csv" in parts:
        for at, v in _rows("classes.csv", parts["classes.csv"], SPECS["classes.csv"], parsed):
            if not v["title"] and not _ended(v):
                reader.problem(at, "title", "The class has no title (its name).")
                continue
            groups[v["sourcedId"]] = GroupRow(
                at=at, name=v["title"], source_id=v["sourcedId"], ended=_ended(v)
            )
    if "enrollments.csv" in parts and not reader.users_ok:
        parsed.notes.append("enrollments.csv was not read: users.csv could not be.")
    elif "enrollments.csv" in parts:
        _enrollments(reader, parts["enrollments.csv"], groups)
    parsed.groups.extend(groups.values())


def _enrollments(reader: _Reader, data: bytes, groups: dict) -> None:
    parsed, bundle = reader.parsed, reader.bundle
    full_classes = bundle.modes.get("classes.csv") == "bulk"
    full_users = bundle.modes.get("users.csv") == "bulk"
    today = timezone.localdate()
    for at, v in _rows("enrollments.csv", data, SPECS["enrollments.csv"], parsed):
        role = v["role"].strip().lower()
        if role not in ("student", "teacher", "aide"):
            continue
        cid, uid = v["classSourcedId"], v["userSourcedId"]
        group = groups.get(cid)
        if group is None:
            if full_classes:
                reader.problem(
                    at, "classSourcedId", f"No class with the id '{cid}' in classes.csv."
                )
                continue
            # A delta naming a class SENDesk may know by its id: the engine finds it.
            group = groups[cid] = GroupRow(at=at, name="", source_id=cid)
        if full_users and uid not in reader.users:
            reader.problem(at, "userSourcedId", f"No one with the id '{uid}' in users.csv.")
            continue
        if uid in reader.bad_pupils:
            continue
        end = parse_date(v.get("endDate", "")) if v.get("endDate") else None
        leaving = _ended(v) or (end is not None and end < today)
        if role == "student":
            (group.pupils_leaving if leaving else group.pupil_refs).append(uid)
        else:
            (group.teachers_leaving if leaving else group.teacher_refs).append(uid)


def _terms(reader: _Reader, data: bytes) -> None:
    spec = SPECS["academicSessions.csv"]
    for at, v in _rows("academicSessions.csv", data, spec, reader.parsed):
        if v["type"].strip().lower() not in ("term", "semester") or _ended(v):
            continue
        dates = {}
        for column in ("startDate", "endDate"):
            dates[column] = parse_date(v[column])
            if dates[column] is None:
                reader.problem(at, column, f"'{v[column]}' is not a date: write it as 2026-09-03.")
        if None not in dates.values():
            reader.parsed.terms.append(
                TermRow(
                    at=at,
                    name=v["title"],
                    start=dates["startDate"],
                    end=dates["endDate"],
                    source_id=v["sourcedId"],
                )
            )


def _orgs(reader: _Reader, data: bytes) -> None:
    """A bundle is one school's: a trust's export of several is refused, so one school's
    import never brings in another's pupils."""
    schools = []
    for at, v in _rows("orgs.csv", data, SPECS["orgs.csv"], reader.parsed):
        if v.get("type", "").strip().lower() == "school" and not _ended(v):
            schools.append((at, v.get("name") or v["sourcedId"]))
    if len(schools) > 1:
        reader.problem(
            schools[1][0],
            "type",
            f"The bundle holds {len(schools)} schools "
            f"({', '.join(n for _, n in schools[:5])}): export one school at a "
            "time.",
        )


def parse(fileobj, filename: str) -> Parsed:
    """Read a OneRoster CSV bundle. A file that is not a OneRoster zip is refused (a
    ServiceError, in words); everything wrong inside one is a Problem naming its file, row
    (the header is row 1) and column."""
    parsed = Parsed()
    bundle_zip, folder = _open(fileobj)
    members = _members(bundle_zip, folder)
    with bundle_zip:
        bundle = _manifest(_read(bundle_zip, members[MANIFEST]), members, parsed)
        parts = {
            name: _read(bundle_zip, members[name.lower()])
            for name in SPECS
            if name.lower() in bundle.modes and name.lower() in members
        }
    parsed.delta = "delta" in bundle.modes.values()
    reader = _Reader(parsed, bundle)
    if "orgs.csv" in parts:
        _orgs(reader, parts["orgs.csv"])
    if "users.csv" in parts:
        reader.read_users(parts["users.csv"])
    if "roles.csv" in parts:
        reader.read_roles(parts["roles.csv"])
    if "demographics.csv" in parts:
        reader.read_demographics(parts["demographics.csv"])
    reader.people()
    _classes(reader, parts)
    if "academicSessions.csv" in parts:
        _terms(reader, parts["academicSessions.csv"])
    return parsed
