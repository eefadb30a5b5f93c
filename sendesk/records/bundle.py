"""A subject access request's download: what gather.py found, with the redactions applied,
as a readable PDF (WeasyPrint, nothing fetched from elsewhere) and a machine-readable
JSON, kept under settings.RECORDS_DIR and read only through the records views."""

import json
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from sendesk.pupils.models import Pupil

from . import gather
from .models import SubjectAccessRequest

REDACTED = "[redacted]"
STYLESHEET = "css/subject-access.css"


def sections_for(sar: SubjectAccessRequest) -> list[gather.Section]:
    include = sar.safeguarding == SubjectAccessRequest.Safeguarding.INCLUDE
    if sar.pupil_id is not None:
        return gather.pupil_sections(sar.pupil, safeguarding=include)
    return gather.staff_sections(sar.staff, safeguarding=include)


def _pattern(terms) -> re.Pattern | None:
    # Longest first, so "Cara Clark" goes whole before "Cara" is looked for.
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    # Any run of white space where a term has a space: a name typed with two spaces or
    # broken over two lines in a record's text is the same name.
    alternatives = (r"\s+".join(re.escape(part) for part in w.split()) for w in words)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _redact_value(value, pattern):
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _redact_value(v, pattern) for k, v in value.items()}
    return value


def redact(sections, terms) -> list[gather.Section]:
    """The sections with every term (any case) replaced by [redacted], in values and in
    the before/after of trail rows alike."""
    pattern = _pattern(terms)
    if pattern is None:
        return sections
    for section in sections:
        section.rows = [_redact_value(row, pattern) for row in section.rows]
        section.note = _redact_value(section.note, pattern)
    return sections


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)


def suggestions(sar: SubjectAccessRequest, sections) -> list[str]:
    """Other pupils of the school named in the records (their full names, as written in
    free text): the most common other people's data in a pupil's file. Two queries."""
    text = "\n".join(t for s in sections for row in s.rows for t in _texts(row)).lower()
    others = Pupil.objects.filter(school_id=sar.school_id)
    if sar.pupil_id is not None:
        others = others.exclude(pk=sar.pupil_id)
    found = []
    for first, last, preferred in others.values_list(
        "legal_first_name", "legal_last_name", "preferred_name"
    ):
        for name in {f"{first} {last}", f"{preferred} {last}" if preferred else ""}:
            if name and name.lower() in text and name not in sar.redactions:
                found.append(name)
    return sorted(set(found))


def document(sar: SubjectAccessRequest, sections) -> dict:
    """The machine-readable copy: the request and every section, as JSON."""
    return {
        "request": {
            "id": str(sar.pk),
            "subject": sar.subject_name(),
            "subject_kind": "pupil" if sar.about_pupil else "staff",
            "requester": sar.requester,
            "received_on": sar.received_on.isoformat(),
            "deadline": sar.deadline.isoformat(),
            "safeguarding": sar.get_safeguarding_display(),
            "redacted_items": len(sar.redactions),
        },
        "school": sar.school.name,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "sections": [s.as_dict() for s in sections],
    }


def _readable(row: dict) -> dict:
    """A row for the PDF: yes and no in words, and a trail row's before and after as
    JSON text rather than Python's way of writing a dict."""
    words = {True: "Yes", False: "No"}
    return {
        label: json.dumps(value, ensure_ascii=False, default=str)
        if isinstance(value, dict | list)
        else words.get(value, value)
        if isinstance(value, bool)
        else value
        for label, value in row.items()
    }


def pdf(sar: SubjectAccessRequest, sections) -> bytes:
    from weasyprint import CSS, HTML  # loads Pango: only when a download is built
    from weasyprint.urls import URLFetcher

    cut = gather.PDF_ROWS
    shown = [
        {"section": s, "rows": [_readable(row) for row in s.rows[:cut]],
         "more": max(0, len(s.rows) - cut)}
        for s in sections
    ]  # fmt: skip
    html = render_to_string(
        "records/sar_pdf.html",
        {"sar": sar, "sections": shown, "made_at": timezone.localtime()},
    )
    # Nothing is fetched (no file, no network), whatever a record's text might contain.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=html, url_fetcher=fetcher, base_url=".").write_pdf(stylesheets=[stylesheet])


def folder(school_id: int) -> Path:
    return Path(settings.RECORDS_DIR) / str(school_id)


def write(sar: SubjectAccessRequest) -> tuple[str, str, list[str]]:
    """Builds and writes the PDF and JSON; returns their names (relative to RECORDS_DIR)
    and the names still in it that the redaction step should weigh. New names each time,
    so a download in progress never reads a half-written file."""
    sections = redact(sections_for(sar), sar.redactions)
    where = folder(sar.school_id)
    where.mkdir(parents=True, exist_ok=True)
    stem = f"sar-{sar.pk}-{uuid.uuid4().hex[:8]}"
    (where / f"{stem}.json").write_text(
        json.dumps(document(sar, sections), indent=1, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    (where / f"{stem}.pdf").write_bytes(pdf(sar, sections))
    return f"{sar.school_id}/{stem}.pdf", f"{sar.school_id}/{stem}.json", suggestions(sar, sections)


def remove(*names: str) -> None:
    for name in names:
        if name:
            (Path(settings.RECORDS_DIR) / name).unlink(missing_ok=True)
