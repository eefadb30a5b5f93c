"""The demo's evidence: photo consent for a few pupils (the demo parent's child given
online, others on paper forms), and pictures on a few of their delivered sessions, drawn
here with Pillow (a tower of blocks, a worksheet, sorted shapes): never a face, never a
real child. Stored through the evidence service's write, so each picture goes through the
same re-encoding and thumbnail as a real one. Called once from demo.oakfield.build_demo."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from sendesk.consent.models import Consent, Decision, Kind
from sendesk.evidence import media, services
from sendesk.family.models import ParentLink
from sendesk.provision.models import SessionPupil
from sendesk.pupils.models import Contact, Pupil

PUPILS = 3  # the parent's child and two more
PER_PUPIL = 3
SIZE = (800, 600)
COLOURS = [(214, 69, 65), (52, 120, 198), (240, 190, 50), (70, 160, 90), (150, 90, 170)]


def _tower(rng: random.Random) -> Image.Image:
    picture = Image.new("RGB", SIZE, (238, 232, 220))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 500, 800, 600], fill=(170, 130, 90))  # the table
    y = 500
    for level in range(rng.randint(6, 9)):
        width = rng.randint(110, 150)
        x = 400 - width // 2 + rng.randint(-12, 12)
        draw.rectangle([x, y - 48, x + width, y], fill=rng.choice(COLOURS), outline=(40, 40, 40),
                       width=3)  # fmt: skip
        y -= 48
        if y < 60 or level > 8:
            break
    return picture


def _worksheet(rng: random.Random) -> Image.Image:
    picture = Image.new("RGB", SIZE, (250, 250, 246))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([40, 30, 760, 570], outline=(120, 120, 120), width=3)
    draw.text((70, 50), "Spelling: words with -ing", fill=(30, 30, 30))
    for row in range(8):
        y = 110 + row * 55
        draw.line([120, y + 30, 700, y + 30], fill=(160, 160, 200), width=2)
        draw.text((70, y + 10), f"{row + 1}.", fill=(30, 30, 30))
        # The pupil's pencil: a wobbly line of 'writing' of varying length.
        x = 130
        for _ in range(rng.randint(6, 14)):
            draw.arc([x, y + 8, x + 30, y + 30], 180, 360, fill=(60, 60, 60), width=3)
            x += rng.randint(24, 36)
        if rng.random() < 0.8:
            draw.line([710, y + 12, 720, y + 24, 740, y], fill=(30, 150, 60), width=4)  # tick
    return picture


def _shapes(rng: random.Random) -> Image.Image:
    picture = Image.new("RGB", SIZE, (230, 240, 248))
    draw = ImageDraw.Draw(picture)
    for i, colour in enumerate(COLOURS[:3]):
        x0 = 40 + i * 260
        draw.rectangle([x0, 380, x0 + 220, 560], outline=(60, 60, 60), width=4)  # sorting trays
        for _ in range(rng.randint(3, 5)):
            cx, cy = x0 + rng.randint(40, 180), rng.randint(420, 520)
            if i == 0:
                draw.ellipse([cx - 22, cy - 22, cx + 22, cy + 22], fill=colour)
            elif i == 1:
                draw.rectangle([cx - 22, cy - 22, cx + 22, cy + 22], fill=colour)
            else:
                draw.polygon([(cx, cy - 26), (cx - 24, cy + 20), (cx + 24, cy + 20)], fill=colour)
    draw.text((40, 40), "Sorting by shape", fill=(30, 30, 30))
    return picture


PICTURES = [
    ("photo", _tower, "Built a tower of {n} blocks, taking turns"),
    ("work", _worksheet, "Spelling worksheet: -ing words"),
    ("photo", _shapes, "Sorted circles, squares and triangles into trays"),
]


def _jpeg(picture: Image.Image) -> SimpleUploadedFile:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def _pupils(school):
    """The demo parent's child first, then pupils with delivered sessions, by UPN."""
    chosen = [
        link.pupil
        for link in ParentLink.objects.filter(pupil__school=school, active=True)
        .select_related("pupil", "user").order_by("pupil__upn")[:1]
    ]  # fmt: skip
    records = (
        SessionPupil.objects.filter(session__school=school, session__delivered=True)
        .exclude(pupil__in=chosen)
        .order_by("pupil__upn")
        .values_list("pupil", flat=True)
        .distinct()
    )
    seen = {p.pk for p in chosen}
    for pupil_id in records:
        if len(chosen) >= PUPILS:
            break
        if pupil_id not in seen:
            seen.add(pupil_id)
            chosen.append(pupil_id)
    return [p if isinstance(p, Pupil) else Pupil.objects.get(pk=p) for p in chosen]


def _consent(pupil, senco, first) -> None:
    """Given on `first` (the first session photographed, a school day), before any photo."""
    link = ParentLink.objects.filter(pupil=pupil, active=True).select_related("user").first()
    now = first.recorded_at
    on = first.date
    if link is not None:
        Consent.objects.create(pupil=pupil, school_id=pupil.school_id, kind=Kind.PHOTOS,
                               decision=Decision.GIVEN, on=on, given_by=link.user,
                               recorded_by=link.user, recorded_at=now)  # fmt: skip
        return
    contact = Contact.objects.filter(pupil=pupil).order_by("pk").first()
    Consent.objects.create(
        pupil=pupil, school_id=pupil.school_id, kind=Kind.PHOTOS, decision=Decision.GIVEN,
        on=on, given_by_name=contact.name if contact else "Parent (signed form)",
        note="Signed form in the office consent file", recorded_by=senco, recorded_at=now,
    )  # fmt: skip


def make_evidence(data) -> int:
    """data: the generator's SchoolData for the demo school. Returns how many pictures."""
    rng = random.Random(10)
    school = data.school
    senco = data.staff["senco"]
    made = 0
    for pupil in _pupils(school):
        records = list(
            SessionPupil.objects.filter(pupil=pupil, session__delivered=True)
            .select_related("session", "session__delivered_by", "provision")
            .order_by("-session__date")[:PER_PUPIL]
        )
        if not records:
            continue
        _consent(pupil, senco, records[-1].session)
        for (kind, draw, caption), record in zip(PICTURES, records, strict=False):
            upload = _jpeg(draw(rng))
            targets = list(record.provision.targets.all()[:1]) if record.provision else []
            services.write(
                actor=record.session.delivered_by,
                pupil=pupil,
                upload=upload,
                sniffed=media.sniff(upload.read(16)),
                kind=kind,
                caption=caption.format(n=rng.randint(6, 9)),
                session=record.session,
                targets=targets,
            )
            made += 1
    return made
