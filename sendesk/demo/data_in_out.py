"""The demo's data in and out (issue 12): the roll imported at the start of term and the
school's data-protection officer, dpo@ (a service the school buys in, as most do: so no
staff record or contract here), with two subject access requests.

- The import: on the term's first school day the head imported the roll from a Common
  Transfer File the MIS sent (built here from the school's own pupils: synthetic, made by
  the project). Every pupil matched by UPN and nothing changed, except one: for a pupil on
  SEN support with two needs, the MIS ranks them the other way round. That difference
  waits for the SENCO ("SEN from imports"), since SENDesk owns SEN and never replaces it
  silently; what the file says agrees with the pupil's needs (the same two).
- Subject access: parent@ asked a few school days ago for everything the school holds about
  her child; the DPO opened the request that day and the DSL decided about the safeguarding
  record two school days later (the download is gathered again by the task worker). Its
  one-month deadline (a school day) shows on the list. An earlier request, from the parent
  of a pupil not on the SEN register, last half term, was answered and released within its
  month.

Everything goes through the product's services (imports.services, records.services and its
gathering task); only the times are then set to when each step happened (the services
stamp "now"), on school days, as the demo's notifications are."""

import datetime as dt
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.family.models import ParentLink
from sendesk.imports import services as imports
from sendesk.imports.models import ImportBatch, SenDifference
from sendesk.pupils.models import Contact, Pupil, PupilNeed, SenStatus
from sendesk.records import services as records
from sendesk.records.models import SubjectAccessRequest as Sar
from sendesk.records.tasks import gather_request
from sendesk.safeguarding.models import Concern
from sendesk.schools.models import Role, StaffRole, Term

from . import words
from .generator import SchoolDays

CTF_NAME = "oakfield-roll-autumn.xml"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _days_before(today: dt.date, n: int) -> list[dt.date]:
    """Today and the n school days before it, newest first."""
    calendar, days, day = SchoolDays(), [], today
    while len(days) <= n:
        day = calendar.on_or_before(day)
        days.append(day)
        day -= dt.timedelta(days=1)
    return days


# --- The roll imported at the start of term -------------------------------------------------


def _pupil_xml(pupil: Pupil, needs: list[str]) -> str:
    ordinal = pupil.year_group.ordinal
    preferred = (
        f"<PreferredForename>{escape(pupil.preferred_name)}</PreferredForename>"
        if pupil.preferred_name
        else ""
    )
    ranked = "".join(
        f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{code}</SENtype></SENneed>"
        for rank, code in enumerate(needs, start=1)
    )
    sen = (
        f"<SENhistory><SEN><SENprovision>{pupil.sen_status}</SENprovision></SEN>"
        f"<SENneeds>{ranked}</SENneeds></SENhistory>"
        if pupil.sen_status != SenStatus.NONE
        else ""
    )
    return (
        f"<Pupil><UPN>{pupil.upn}</UPN><Surname>{escape(pupil.legal_last_name)}</Surname>"
        f"<Forename>{escape(pupil.legal_first_name)}</Forename>"
        f"<DOB>{pupil.date_of_birth:%Y-%m-%d}</DOB><BasicDetails>{preferred}"
        f"<NCyearActual>{'R' if ordinal == 0 else ordinal}</NCyearActual></BasicDetails>"
        f"{sen}</Pupil>"
    )


def roll_ctf(school, swapped: Pupil | None) -> bytes:
    """The school's roll as its MIS would send it: each pupil as SENDesk holds them, except
    `swapped`, whose two needs the MIS ranks the other way round."""
    needs: dict = {}
    for pupil_id, code in (
        PupilNeed.objects.filter(pupil__school=school)
        .order_by("pupil_id", "rank")
        .values_list("pupil_id", "code")
    ):
        needs.setdefault(pupil_id, []).append(code)
    pupils = (
        Pupil.objects.filter(school=school)
        .exclude(upn="")
        .select_related("year_group")
        .order_by("legal_last_name", "legal_first_name")
    )
    rows = []
    for pupil in pupils:
        codes = needs.get(pupil.pk, [])
        if swapped is not None and pupil.pk == swapped.pk:
            codes = codes[::-1]
        rows.append(_pupil_xml(pupil, codes))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Made by the SENDesk project for its demo: synthetic pupils, not a real CTF. -->\n"
        "<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        "<CTFversion>25.0</CTFversion><DocumentQualifier>full</DocumentQualifier>"
        f"<SupplierID>Oakfield MIS (demo)</SupplierID><SourceSchool><SchoolName>"
        f"{escape(school.name)}</SchoolName></SourceSchool></Header><CTFpupilData>"
        + "\n".join(rows)
        + "</CTFpupilData></CTfile>"
    ).encode()


def _ranked_twice(school) -> Pupil | None:
    """A pupil on SEN support with two needs: the one whose ranking the MIS has the other
    way round."""
    pupils = (
        Pupil.objects.filter(school=school, sen_status=SenStatus.SUPPORT, needs__rank=2)
        .exclude(upn="")
        .order_by("upn")
    )
    return pupils.first()


def make_start_of_term_import(data) -> ImportBatch | None:
    school, head = data.school, data.staff.get("head")
    term = Term.objects.filter(school=school, start__lte=data.today, end__gte=data.today).first()
    if head is None or term is None:
        return None
    first_day = SchoolDays().on_or_after(term.start)
    swapped = _ranked_twice(school)
    upload = SimpleUploadedFile(CTF_NAME, roll_ctf(school, swapped), "application/xml")
    batch = imports.import_preview(actor=head, kind="ctf", upload=upload)
    batch = imports.import_apply(actor=head, batch_id=batch.pk)
    # Uploaded before the register, checked and applied ten minutes later.
    ImportBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=_at(first_day, 8, 5), applied_at=_at(first_day, 8, 15)
    )
    SenDifference.objects.filter(batch=batch).update(created=_at(first_day, 8, 15))
    return batch


# --- The data-protection officer and subject access -----------------------------------------


def _dpo_name(school) -> str:
    """A woman's name from the demo's lists, neither part used by the school's staff (the
    staff surnames list shares none with the pupils')."""
    staff = User.objects.filter(staff_roles__school=school).values_list("full_name", flat=True)
    firsts = {n.split()[0] for n in staff if n}
    lasts = {n.split()[-1] for n in staff if n}
    first = next((n for n in words.WOMEN if n not in firsts), words.WOMEN[0])
    last = next((n for n in reversed(words.STAFF_SURNAMES) if n not in lasts), "Yates")
    return f"{first} {last}"


def _dpo(data) -> User:
    head = data.staff["head"]
    dpo = User.objects.create(
        email=f"dpo@{head.email.split('@')[1]}", full_name=_dpo_name(data.school),
        password=head.password,
    )  # fmt: skip
    StaffRole.objects.create(user=dpo, school=data.school, role=Role.DPO)
    return dpo


def _decision(pupil: Pupil) -> tuple[bool, str]:
    """The DSL's decision about the safeguarding record for a parent's request, and why."""
    name = pupil.preferred_name or pupil.legal_first_name
    if Concern.objects.filter(pupil=pupil).exists():
        return False, (
            f"{name}'s safeguarding record holds information from other agencies and about "
            "other people; releasing it could put a child at risk. Left out, as the law "
            "allows; explained to the family in person."
        )
    return True, f"{name} has no safeguarding record: nothing is held back."


def _dated(sar: Sar, **stamps) -> None:
    Sar.objects.filter(pk=sar.pk).update(**stamps)


def _received_on(today: dt.date) -> tuple[dt.date, dt.date]:
    """The day parent@'s request came (at least four school days ago, and the latest whose
    one-month deadline is a school day) and the DSL's decision, two school days later."""
    calendar, days = SchoolDays(), _days_before(today, 40)
    for i in range(4, len(days)):
        if calendar.is_school_day(records.one_month_after(days[i])):
            return days[i], days[i - 2]
    return days[6], days[4]


def _in_progress(data, dpo, dsl) -> Sar | None:
    """parent@'s request about her child: received some days ago, the DSL's decision two
    school days later; gathered again by the task worker, not yet released."""
    link = (
        ParentLink.objects.filter(
            pupil__school=data.school, active=True, user__email__startswith="parent@"
        )
        .select_related("user", "pupil")
        .first()
    )
    if link is None:
        return None
    received, decided = _received_on(data.today)
    requester = f"{link.user.full_name} ({(link.relationship or 'parent').lower()})"
    sar = records.sar_open(
        actor=dpo, pupil_id=link.pupil_id, requester=requester, received_on=received
    )
    include, reason = _decision(link.pupil)
    sar = records.sar_decide_safeguarding(actor=dsl, sar=sar, include=include, reason=reason)
    _dated(sar, opened_at=_at(received, 9, 40), safeguarding_at=_at(decided, 15, 50))
    return sar


def _released(data, dpo, dsl, today, exclude) -> Sar | None:
    """A request answered last half term: another pupil's parent, received about seven
    weeks ago, the download gathered, checked and released within the month."""
    calendar = SchoolDays()
    received = calendar.on_or_before(today - dt.timedelta(weeks=7))
    contact = (
        Contact.objects.filter(pupil__school=data.school, parental_responsibility=True)
        .exclude(pupil_id=exclude)
        .filter(pupil__sen_status=SenStatus.NONE)  # a small record: the PDF is quick
        .select_related("pupil")
        .order_by("pupil__upn", "priority")
        .first()
    )
    if contact is None:
        return None
    requester = f"{contact.name} ({(contact.relationship or 'parent').lower()})"
    sar = records.sar_open(
        actor=dpo, pupil_id=contact.pupil_id, requester=requester, received_on=received
    )
    include, reason = _decision(contact.pupil)
    sar = records.sar_decide_safeguarding(actor=dsl, sar=sar, include=include, reason=reason)
    # Gathered now (PDF and JSON), as the task worker would, so that it can be released.
    gather_request.call(str(sar.pk))
    sar.refresh_from_db()
    sar = records.sar_release(actor=dpo, sar=sar)
    decided = calendar.on_or_after(received + dt.timedelta(days=3))
    released = calendar.on_or_after(received + dt.timedelta(days=15))
    _dated(
        sar, opened_at=_at(received, 10, 15), safeguarding_at=_at(decided, 12, 30),
        generated_at=_at(decided, 12, 35), released_at=_at(released, 14, 0),
    )  # fmt: skip
    return sar


def make_subject_access(data) -> dict:
    """The DPO login and their two requests. Returns {"dpo", "open", "released"}."""
    dsl = data.staff.get("dsl")
    if dsl is None or data.staff.get("head") is None:
        return {}
    dpo = _dpo(data)
    open_ = _in_progress(data, dpo, dsl)
    released = _released(data, dpo, dsl, data.today, exclude=open_.pupil_id if open_ else None)
    return {"dpo": dpo, "open": open_, "released": released}


def make_data_in_out(data) -> None:
    make_start_of_term_import(data)
    make_subject_access(data)


def data_notes(school) -> list[str]:
    """What to try as the head, the SENCO and the DPO. Three queries."""
    notes = []
    difference = (
        SenDifference.objects.filter(school=school, decision=SenDifference.Decision.OPEN)
        .select_related("pupil", "batch")
        .first()
    )
    if difference is not None:
        batch = difference.batch
        unchanged = batch.counts.get("unchanged", 0)
        notes.append(
            f"Imports: head@ imported the roll from {batch.filename} on "
            f"{timezone.localtime(batch.uploaded_at):%A %-d %B} ({unchanged} pupils "
            f"unchanged); the MIS ranks {difference.pupil.name}'s two needs the other "
            "way round, and senco@ decides which stands (SEN from imports)."
        )
    requests = list(
        Sar.objects.filter(school=school).select_related("pupil").order_by("received_on")
    )
    for sar in requests:
        if sar.status == Sar.Status.RELEASED:
            notes.append(
                f"Subject access: dpo@ released {sar.requester}'s request about "
                f"{sar.subject_name()} on {timezone.localtime(sar.released_at):%-d %B}."
            )
        else:
            notes.append(
                f"Subject access: {sar.requester} asked on {sar.received_on:%-d %B} for "
                f"everything about {sar.subject_name()}; dsl@ has decided about the "
                f"safeguarding record; dpo@ answers by {sar.deadline:%A %-d %B %Y}."
            )
    return notes
