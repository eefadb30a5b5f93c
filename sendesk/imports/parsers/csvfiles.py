"""The product's own CSV templates (pupils; staff; classes and who is in them), read the
forgiving way: a byte order mark, CRLF line ends, quoted fields with commas, headers in any
case or spacing, extra columns (ignored, and said), optional columns missing, blank lines,
dates as 2018-03-14 or 14/03/2018. Reading never touches the database: what each row means
for the school's records is the engine's business (sendesk.imports.engine)."""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from sendesk.imports.rows import At, GroupRow, Need, Parsed, Problem, PupilRow, StaffRow


@dataclass(frozen=True)
class Column:
    name: str  # as the template writes it
    required: bool
    example: str
    help: str
    aliases: tuple[str, ...] = ()


PUPIL_COLUMNS = (
    Column("upn", False, "A123456789012", "Unique Pupil Number; leave empty if not known yet",
           ("unique pupil number",)),
    Column("first_name", True, "Amira", "Legal first name", ("forename", "legal first name",
           "given name", "givenname")),
    Column("last_name", True, "Khan", "Legal last name", ("surname", "legal last name",
           "family name", "familyname")),
    Column("preferred_name", False, "Mira", "What the pupil likes to be called",
           ("preferred forename", "known as")),
    Column("date_of_birth", True, "2018-03-14", "YYYY-MM-DD or DD/MM/YYYY", ("dob", "birth date",
           "birthdate")),
    Column("year", False, "3", "National curriculum year: R (or 0) for Reception, 1 to 13",
           ("nc year", "year group", "ncyearactual")),
    Column("sex", False, "F", "M or F, as the MIS holds it", ("gender",)),
    Column("sen_status", False, "K", "N (no SEN), K (SEN support) or E (EHC plan)",
           ("sen provision", "senprovision", "sen")),
    Column("sen_start", False, "2025-09-04", "When that SEN status started", ("sen start date",)),
    Column("primary_need", False, "SLCN", "Census need code: SPLD, MLD, SLCN, ASD …",
           ("need 1", "primary need type")),
    Column("secondary_need", False, "", "A second census need code, if any",
           ("need 2", "secondary need type")),
    Column("source_id", False, "", "Your MIS's own id for the pupil, if it has one",
           ("sourcedid", "mis id", "id")),
)  # fmt: skip

STAFF_COLUMNS = (
    Column("email", True, "j.ahmed@school.example", "Their work e-mail: how they sign in",
           ("e-mail", "email address", "work email")),
    Column("full_name", True, "Jamal Ahmed", "Their name as colleagues know it", ("name",)),
    Column("role", True, "teacher", "ta, hlta, teacher, senco, dsl or head", ("job", "post")),
    Column("source_id", False, "", "Your MIS's own id for them, if it has one",
           ("sourcedid", "mis id", "id")),
)  # fmt: skip

CLASS_COLUMNS = (
    Column("class", True, "3A", "The class or teaching group's name", ("group", "class name",
           "title", "name")),
    Column("teachers", False, "j.ahmed@school.example", "Teachers' e-mails, separated by ;",
           ("teacher", "teacher emails")),
    Column("pupils", False, "A123456789012; B123456789013", "Pupils' UPNs, separated by ;",
           ("pupil", "upns", "upn")),
    Column("source_id", False, "", "Your MIS's own id for the class, if it has one",
           ("sourcedid", "mis id", "id")),
)  # fmt: skip

TEMPLATES = {
    "csv-pupils": ("sendesk-pupils.csv", PUPIL_COLUMNS),
    "csv-staff": ("sendesk-staff.csv", STAFF_COLUMNS),
    "csv-classes": ("sendesk-classes.csv", CLASS_COLUMNS),
}

ROLE_WORDS = {
    "ta": "ta", "teaching assistant": "ta", "aide": "ta", "learning support assistant": "ta",
    "lsa": "ta", "hlta": "hlta", "higher level teaching assistant": "hlta",
    "teacher": "teacher", "class teacher": "teacher", "senco": "senco", "dsl": "dsl",
    "designated safeguarding lead": "dsl", "head": "head", "headteacher": "head",
    "head teacher": "head", "admin": "head", "administrator": "head", "school admin": "head",
}  # fmt: skip


def template_csv(kind: str) -> str:
    """The template a school downloads: the header row and one example row (synthetic)."""
    _name, columns = TEMPLATES[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerow([c.example for c in columns])
    return out.getvalue()


def _key(header: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", header.strip().lower()).strip()


def _decode(data: bytes) -> str:
    # Excel on Windows saves "CSV" in its own code page unless told UTF-8: accept both.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _positions(header, columns) -> tuple[dict, list]:
    """{column name: its index} for the columns found (by name or alias, in any case or
    spacing; the first of two alike wins), and the headers not read."""
    wanted = {}
    for column in columns:
        for word in (column.name, *column.aliases):
            wanted.setdefault(_key(word), column.name)
    position, ignored = {}, []
    for i, title in enumerate(header):
        name = wanted.get(_key(title))
        if name and name not in position:
            position[name] = i
        elif title.strip():
            ignored.append(title.strip())
    return position, ignored


def read_rows(fileobj, filename: str, columns, parsed: Parsed):
    """Yields (At, {column name: value}) for each non-blank data row. A required column
    missing is one problem for the whole file, and no rows."""
    text = _decode(fileobj.read())
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        parsed.problems.append(Problem(At(filename, 1), "", "The file is empty."))
        return
    position, ignored = _positions(header, columns)
    missing = [c.name for c in columns if c.required and c.name not in position]
    if missing:
        parsed.problems.append(
            Problem(
                At(filename, 1), missing[0],
                f"The first row needs the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (download the template to see them all).",
            )
        )  # fmt: skip
        return
    if ignored:
        parsed.notes.append(f"{filename}: these columns were not read: {', '.join(ignored)}.")
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()
        }
        yield At(filename, number), values


def parse_date(raw: str) -> dt.date | None:
    """2018-03-14 or 14/03/2018 (a UK spreadsheet's own way); None if neither."""
    raw = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _nc_year(raw: str) -> tuple[int | None, bool]:
    """(NC year, ok). Reception as R, 0 or 'Reception'; 'Year 3' or 3."""
    raw = raw.strip().lower()
    if not raw:
        return None, True
    if raw in ("r", "rec", "reception", "yr", "0"):
        return 0, True
    raw = raw.removeprefix("year").removeprefix("y").strip()
    if raw.isdigit() and 0 <= int(raw) <= 13:
        return int(raw), True
    return None, False


def _pupil(at: At, v: dict, parsed: Parsed) -> PupilRow | None:
    bad = []

    def problem(field, message):
        bad.append(Problem(at, field, message))

    dob = parse_date(v["date_of_birth"])
    if not v["date_of_birth"]:
        problem("date_of_birth", "The date of birth is missing.")
    elif dob is None:
        problem("date_of_birth", f"'{v['date_of_birth']}' is not a date: write it as "
                "2018-03-14 or 14/03/2018.")  # fmt: skip
    year, year_ok = _nc_year(v.get("year", ""))
    if not year_ok:
        problem("year", f"'{v['year']}' is not a year group: write R for Reception, or 1 to 13.")
    sen_start = None
    if v.get("sen_start"):
        sen_start = parse_date(v["sen_start"])
        if sen_start is None:
            problem("sen_start", f"'{v['sen_start']}' is not a date: write it as 2025-09-04.")
    status = v.get("sen_status", "").upper() or None
    needs = [
        Need(v[name].upper(), rank)
        for rank, name in enumerate(("primary_need", "secondary_need"), start=1)
        if v.get(name)
    ]
    sex = v.get("sex", "").upper()[:1]
    parsed.problems.extend(bad)
    if bad:
        return None
    return PupilRow(
        at=at, upn=v.get("upn", "").upper().replace(" ", ""), first_name=v["first_name"],
        last_name=v["last_name"], date_of_birth=dob, preferred_name=v.get("preferred_name", ""),
        nc_year=year, sex=sex if sex in ("M", "F") else "", source_id=v.get("source_id", ""),
        sen_status=status, sen_start=sen_start, needs=needs,
    )  # fmt: skip


def parse_pupils(fileobj, filename: str) -> Parsed:
    parsed = Parsed()
    for at, values in read_rows(fileobj, filename, PUPIL_COLUMNS, parsed):
        if row := _pupil(at, values, parsed):
            parsed.pupils.append(row)
    return parsed


def parse_staff(fileobj, filename: str) -> Parsed:
    parsed = Parsed()
    for at, v in read_rows(fileobj, filename, STAFF_COLUMNS, parsed):
        role = ROLE_WORDS.get(_key(v["role"]))
        if role is None:
            parsed.problems.append(
                Problem(at, "role", f"'{v['role']}' is not a role SENDesk knows: write ta, "
                        "hlta, teacher, senco, dsl or head.")
            )  # fmt: skip
            continue
        parsed.staff.append(
            StaffRow(at=at, email=v["email"].lower(), full_name=v["full_name"], role=role,
                     source_id=v.get("source_id", ""))
        )  # fmt: skip
    return parsed


def _refs(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|\n]", raw) if part.strip()]


def parse_classes(fileobj, filename: str) -> Parsed:
    """One row per class with its lists, or one row per pupil repeating the class: rows
    naming the same class are read as one."""
    parsed = Parsed()
    by_name: dict[str, GroupRow] = {}
    for at, v in read_rows(fileobj, filename, CLASS_COLUMNS, parsed):
        name = v["class"]
        if not name:
            parsed.problems.append(Problem(at, "class", "The class name is missing."))
            continue
        group = by_name.get(name.lower())
        if group is None:
            group = by_name[name.lower()] = GroupRow(at=at, name=name,
                                                     source_id=v.get("source_id", ""))  # fmt: skip
            parsed.groups.append(group)
        for ref in _refs(v.get("teachers", "")):
            if ref.lower() not in group.teacher_refs:
                group.teacher_refs.append(ref.lower())
        for ref in _refs(v.get("pupils", "")):
            if ref not in group.pupil_refs:
                group.pupil_refs.append(ref)
    return parsed
