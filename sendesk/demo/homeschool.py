"""The demo's home-school conversation and diary (issue 11): parent@ and ta1@ (their
child's 1:1, demo/care.py) have written to each other over the last week, one message with
a drawn photo of the child's model (never a face), and the child has a home-school diary
with a week of school notes and the family's evening and morning notes. ta1 says when they
answer. Seed data: written directly, the photo stored through the same code as a real one.
Called once from demo.oakfield.build_demo."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from sendesk.family.models import ParentLink
from sendesk.homeschool.models import (
    Attachment,
    DiaryNote,
    DiaryPupil,
    Message,
    MessageRead,
    Reachable,
)
from sendesk.homeschool.services import _store_photo

# (days ago, hour, minute, from the parent, words): {name} is the child's first name.
CONVERSATION = [
    (6, 8, 5, True, "Morning. {name} had a really unsettled night, so may be tired today."),
    (
        6,
        15,
        40,
        False,
        "Thanks for letting us know. {name} had a quiet morning in the calm "
        "corner and was much brighter after lunch.",
    ),  # fmt: skip
    (3, 19, 10, True, "{name} keeps talking about the tower they built. Can you send a photo?"),
    (2, 12, 30, False, "Here it is! Nine blocks high, {name} counted them all."),
    (1, 7, 55, True, "Thank you, that made our evening. Slept well last night."),
]
SCHOOL_DAY = {
    "food": "Ate all of the pasta, left the carrots. Drank a full beaker of water.",
    "toileting": "Changed at 10:15 and 13:40, all fine.",
    "mood": "Happy most of the day; upset briefly at the change after break.",
    "enjoyed": "Building with the big blocks and the music session.",
}
HOME = {
    "evening": "Calm evening, had a bath and a story. Asleep by 7:45.",
    "morning": "Slept through. Had toast and milk for breakfast.",
}
HOME_BAD = {
    "evening": "Very unsettled, took a long time to settle.",
    "morning": "Slept badly, woke at 4. Had breakfast though.",
}


def _tower_photo() -> SimpleUploadedFile:
    picture = Image.new("RGB", (800, 600), (238, 232, 220))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 520, 800, 600], fill=(170, 130, 90))
    colours = [(214, 69, 65), (52, 120, 198), (240, 190, 50), (70, 160, 90)]
    for level in range(9):
        y = 520 - level * 50
        draw.rectangle(
            [340, y - 48, 460, y], fill=colours[level % 4], outline=(40, 40, 40), width=3
        )
    out = io.BytesIO()
    picture.save(out, "JPEG")
    return SimpleUploadedFile("tower.jpg", out.getvalue(), content_type="image/jpeg")


def _at(today: dt.date, days_ago: int, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute))
    )


def make_homeschool(data) -> None:
    """data: the generator's SchoolData for the demo school."""
    school, today = data.school, data.today
    link = (
        ParentLink.objects.filter(
            pupil__school=school, active=True, user__email__startswith="parent@"
        )
        .select_related("user", "pupil")
        .first()
    )
    ta = data.staff.get("ta1")
    if link is None or ta is None:
        return
    pupil, parent = link.pupil, link.user
    name = pupil.preferred_name or pupil.legal_first_name
    hours = "Monday to Friday, 8:30 to 4. I reply the same day when I can."
    Reachable.objects.create(user=ta, school=school, hours=hours, updated_at=timezone.now())
    for days_ago, hour, minute, from_parent, words in CONVERSATION:
        sent = _at(today, days_ago, hour, minute)
        message = Message.objects.create(
            school=school, pupil=pupil, author=parent if from_parent else ta,
            from_parent=from_parent, body=words.format(name=name), sent_at=sent,
        )  # fmt: skip
        if "Here it is" in words:
            pk, info, path, thumb = _store_photo(_tower_photo(), school.pk)
            Attachment.objects.create(
                id=pk, message=message, content_type=info.content_type, size=info.size,
                sha256=info.sha256, path=path, thumb_path=thumb, width=info.width,
                height=info.height,
            )  # fmt: skip
        # Each side read the other's message within the hour (the newest one too).
        MessageRead.objects.bulk_create([
            MessageRead(message=message, user=message.author, read_at=sent),
            MessageRead(message=message, user=ta if from_parent else parent,
                        read_at=sent + dt.timedelta(minutes=40)),
        ])  # fmt: skip
    DiaryPupil.objects.create(pupil=pupil, started_by=ta, started_on=today - dt.timedelta(days=8))
    notes = []
    for days_ago in range(7, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        home = HOME_BAD if days_ago == 6 else HOME
        written = _at(today, days_ago, 7, 50)
        notes += [
            DiaryNote(school=school, pupil=pupil, date=day, section=s, text=t, by=parent,
                      from_home=True, written_at=written)
            for s, t in home.items()
        ]  # fmt: skip
        if days_ago == 0:
            continue  # today's school notes are ta1's to write
        written = _at(today, days_ago, 15, 15)
        notes += [
            DiaryNote(school=school, pupil=pupil, date=day, section=s, text=t, by=ta,
                      from_home=False, written_at=written)
            for s, t in SCHOOL_DAY.items()
        ]  # fmt: skip
    DiaryNote.objects.bulk_create(notes)
