"""The demo's professional report as a file (issue 11): the psychologist (ep@) wrote a
report about the pupil she sees, with a short synthetic PDF attached, stored privately as
a real upload is (sendesk.lib.files). Called once from demo.oakfield.build_demo, after
demo.agencies."""

import datetime as dt
import textwrap

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sendesk.demo.generator import SchoolDays
from sendesk.lib import files
from sendesk.pupils.timeline import timeline_add
from sendesk.therapy.models import Advice, AdviceFile, TimelineKind

FINDINGS = (
    "{name} has average reasoning but working memory well below average for their age. "
    "Give instructions one at a time, with a written or pictured checklist; pre-teach new "
    "vocabulary; use a reading ruler and coloured overlay; precision teaching of "
    "high-frequency words, 3 times a week, 10 minutes each. Full report attached."
)


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF of plain lines (Helvetica), built by hand: no PDF library needed to
    seed the demo. The cross-reference table's offsets are counted as it is written."""
    # Wrapped to the page (A4, 11pt Helvetica): a PDF line never wraps by itself.
    wrapped = [part for line in lines for part in textwrap.wrap(line, 86) or [""]]
    text = "BT /F1 11 Tf 56 780 Td 15 TL " + " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in wrapped
    ) + " ET"  # fmt: skip
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1", "replace")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip
    return bytes(out)


def make_report(data, pupil) -> AdviceFile:
    """ep@'s report about `pupil` (the one she sees, demo.agencies), with its PDF."""
    referral = pupil.referrals.get(agency__kind="ep")
    name = pupil.preferred_name or pupil.legal_first_name
    day = SchoolDays().on_or_before(data.today - dt.timedelta(days=3))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    author = referral.therapist
    advice = Advice.objects.create(
        referral=referral, pupil=pupil, kind=Advice.Kind.REPORT, by=author, at=at,
        text=FINDINGS.format(name=name),
    )  # fmt: skip
    lines = [
        "Riverside Educational Psychology Service",
        f"Report: {pupil.name}  (synthetic demo data)",
        f"Seen in school on {day:%-d %B %Y} by {author.full_name}, educational psychologist.",
        "",
        *FINDINGS.format(name=name).split("; "),
    ]
    upload = SimpleUploadedFile("EP report.pdf", _pdf(lines), content_type="application/pdf")
    kept = files.keep_document(upload, f"reports/{pupil.school_id}")
    row = AdviceFile.objects.create(
        advice=advice, pupil=pupil, name=f"EP report - {pupil.name}.pdf",
        content_type=kept.content_type, size=kept.size, sha256=kept.sha256, path=kept.path,
        by=author, at=at,
    )  # fmt: skip
    timeline_add(
        pupil=pupil, kind=TimelineKind.ADVICE, actor=author, ref=advice, occurred_at=at,
        title=f"Report from {author.full_name} ({referral.agency})", body=advice.text,
    )  # fmt: skip
    return row
