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
from sendesk.schools.calendar import school_calendar

# (school day, counting back from the last before today: 0 is that day; hour, minute, from
# the parent, words): {name} is the child's first name. Staff write on school days in
# school hours; a parent writes before school or in the evening of a school day.
CONVERSATION = [
    (2, 8, 5, True, "Morning. {name} had a really unsettled night, so may be tired today."),
    (2, 15, 40, False, "Thanks for letting us know. {name} had a quiet morning in the calm "
     "corner and was much brighter after lunch."),
    (1, 19, 10, True, "{name} keeps talking about the tower they built. Can you send a photo?"),
    (0, 12, 30, False, "Here it is! Nine blocks high, {name} counted them all."),
    (0, 19, 55, True, "Thank you, that made our evening. Slept well last night."),
]  # fmt: skip
# A school day's notes, one set a day (a week's worth, so no two days read the same).
SCHOOL_DAYS = [
    {"food": "Ate all of the pasta, left the carrots. Drank a full beaker of water.",
     "toileting": "Changed at 10:15 and 13:40, all fine.",
     "mood": "Happy most of the day; upset briefly at the change after break.",
     "enjoyed": "Building with the big blocks and the music session."},
    {"food": "Half of the jacket potato and all of the yoghurt. Water at break and lunch.",
     "toileting": "Changed at 10:30 and 14:00.",
     "mood": "Tired in the morning (see home notes); brighter after lunch.",
     "enjoyed": "The sensory tray and the story at the end of the day."},
    {"food": "Sandwich from home, apple slices. Asked for more water.",
     "toileting": "Changed at 10:20; used the toilet with help at 13:30.",
     "mood": "Settled and chatty; asked for the timer before each change.",
     "enjoyed": "PE with the parachute, and turn-taking with two friends."},
    {"food": "Fish fingers and peas, all eaten. Milk at break.",
     "toileting": "Changed at 10:10 and 13:50, all fine.",
     "mood": "Unsettled at lunch (the hall was loud); calm in the quiet room after.",
     "enjoyed": "Counting the blocks in the tower, and painting."},
    {"food": "Pasta again, ate most of it. Drank well all day.",
     "toileting": "Changed at 10:25 and 14:05.",
     "mood": "Happy; proud of the reading card.",
     "enjoyed": "Reading with the TA and the music session."},
]  # fmt: skip
HOME = [
    {"evening": "Calm evening, had a bath and a story. Asleep by 7:45.",
     "morning": "Slept through. Had toast and milk for breakfast."},
    {"evening": "Played with the train set, then bath. Asleep by 8.",
     "morning": "Woke once but settled. Cereal for breakfast."},
    {"evening": "Talked about school at tea. A bit wound up at bedtime.",
     "morning": "Slept well. Porridge, and ready in good time."},
]  # fmt: skip
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


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _school_days(school_id, today: dt.date, n: int) -> list[dt.date]:
    """The last n school days before today, newest first (never a weekend or holiday)."""
    calendar = school_calendar(school_id)
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < n and day > today - dt.timedelta(days=120):
        if calendar.is_school_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


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
    days = _school_days(school.pk, today, 5)
    if len(days) < 5:
        return
    for back, hour, minute, from_parent, words in CONVERSATION:
        sent = min(_at(days[back], hour, minute), timezone.now())
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
    DiaryPupil.objects.create(pupil=pupil, started_by=ta, started_on=days[-1])
    notes = []
    # The family writes each school morning (today's too, if today is a school day); ta1
    # writes after school on each school day before today. The bad night is the one the
    # first message tells of.
    mornings = ([today] if school_calendar(school.pk).is_school_day(today) else []) + days
    for i, day in enumerate(mornings):
        home = HOME_BAD if day == days[2] else HOME[i % len(HOME)]
        written = min(_at(day, 7, 50), timezone.now())
        notes += [
            DiaryNote(school=school, pupil=pupil, date=day, section=s, text=t, by=parent,
                      from_home=True, written_at=written)
            for s, t in home.items()
        ]  # fmt: skip
    for i, day in enumerate(days):
        notes += [
            DiaryNote(school=school, pupil=pupil, date=day, section=s, text=t, by=ta,
                      from_home=False, written_at=_at(day, 15, 15))
            for s, t in SCHOOL_DAYS[i % len(SCHOOL_DAYS)].items()
        ]  # fmt: skip
    DiaryNote.objects.bulk_create(notes)
