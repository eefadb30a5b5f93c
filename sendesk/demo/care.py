"""Care, health and therapy records for a generated school (issue 4).

Drawn, like the rest of the school, from `random.Random` streams seeded from (seed, school,
purpose), and written with bulk_create and without audit rows: this is seed data, not a
change a person made, and the audit trail records what people do. What is written follows
the services' rules: each healthcare plan, medicine, dose, care plan, care event, referral,
programme and review has the TimelineEntry its service writes (same kind and title); doses
are given only by a member of staff whose medication training is current on the day, never
inside the minimum interval or over the 24-hour maximum, and never beyond the stock; each
medicine's stock is its starting stock (INHALER_STOCK, LUNCH_STOCK) less the units given.

Every school gets:
- ta1's 1:1 pupil (every TA is 1:1 with one pupil at most; the behaviour focus is never
  this one): an asthma healthcare plan with consent, a salbutamol inhaler (as needed, at least
  4 h apart, at most 4 in 24 h) and lactulose every day at 12:15, with this term's doses:
  the lunchtime dose given on most school days, refused now and then, two days with no
  record at all (missed); the inhaler now and then. ta2, who has no medication training,
  is that pupil's key adult at lunchtimes. Their mother logs in as parent@.
- A pupil with physical needs where there is one (else another pupil with an EHC plan), a
  girl where there is one, with ta1 as a key adult: a toileting plan (female staff only
  for a girl) and a moving-and-handling plan (a hoist, their own sling), each needing two
  staff, and four weeks of care events by ta1 and a second trained adult (their own 1:1,
  else the HLTA; a woman where the plan asks for female staff).
- Equipment: a ceiling hoist whose six-monthly inspection falls due next week or the week
  after (5 to 14 days from today, inspected on a school day), a mobile hoist and slings in date.
- A speech and language therapist (slt@, role therapist) with two referrals: ta1's 1:1
  pupil and a pupil with speech, language and communication needs. Each referral's
  programme is the pupil's therapy provision, made 2 × 20 min a week on Tuesdays and
  Thursdays by their TA (`prepare` does this before the session history is written, so the
  sessions follow the pattern), with the therapist's reviews.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.care.models import CareEvent, CarePlan, Equipment
from sendesk.family.models import ParentLink
from sendesk.medication.models import Administration, HealthcarePlan, Medicine
from sendesk.provision.models import Provision
from sendesk.pupils.models import Contact, Deployment, SenStatus, TimelineEntry
from sendesk.schools.models import Role, StaffRole, Term
from sendesk.staff.models import CareGender, Training
from sendesk.therapy.models import Discipline, Programme, ProgrammeReview, Referral

from . import words
from .behaviour import pick_focus

INHALER_STOCK = 200  # puffs in a new salbutamol inhaler
LUNCH_STOCK = 500  # ml: a new bottle of lactulose each term
LUNCH_TIME = dt.time(12, 15)
INHALER_GAP = 240  # minutes: the inhaler's minimum interval
INHALER_MAX = 4  # doses in any 24 hours
CARE_WEEKS = 4
PHYSICAL = ("PD", "PMLD", "MSI")
SLT_DAYS, SLT_MINUTES = "24", 20
HOURLY_TA = Decimal("17.50")  # as generator.HOURLY


def prepare_care(builder) -> "_Care":
    """Choose the pupils and reshape the referred pupils' therapy provision; call after
    the provisions are made and before the history is written."""
    care = _Care(builder)
    care.prepare()
    return care


class _Care:
    def __init__(self, b):
        self.b = b
        self.today = b.today
        self.timeline = []
        self.counts = defaultdict(int)

    # -- who ---------------------------------------------------------------------------

    def prepare(self):
        b = self.b
        ta1, ta2 = b.tas[0], b.tas[1]
        self.ta1, self.ta2 = ta1, ta2
        focus = pick_focus(b)
        ehcp = [p for p in b.pupils if p.sen_status == SenStatus.EHCP]
        mine = [p for p in ehcp if b.adult_of.get(p.pk) == ta1]
        self.medicated = min(mine, key=lambda p: (p == focus, p.upn)) if mine else None
        self.cared = None
        self.referred = []
        if self.medicated is None:
            return
        others = [p for p in ehcp if p != self.medicated]
        self.cared = min(
            others,
            key=lambda p: (
                b.needs_of[p.pk][0] not in PHYSICAL,
                p == focus,
                # A girl where there is one: her toileting plan asks for female staff
                # only, the rule the care pages show and the demo keeps.
                p.legal_first_name not in words.GIRLS,
                b.adult_of.get(p.pk) != ta1,
                p.upn,
            ),
            default=self.medicated,
        )
        # The second adult for the two-staff plans: their own 1:1, else the HLTA; a
        # woman when the plan asks for female staff (ta1 and the HLTA always are).
        own = b.adult_of.get(self.cared.pk)
        self.female_only = self.cared.legal_first_name in words.GIRLS
        usable = own not in (None, ta1, ta2) and (not self.female_only or own.email in b.women)
        self.second = own if usable else b.hltas[0]
        rest = [p for p in others if p not in (self.cared, focus)]
        self.referred = [self.medicated]
        if rest:
            self.referred.append(
                min(
                    rest,
                    key=lambda p: (
                        b.adult_of.get(p.pk) is None,
                        b.needs_of[p.pk][0] != "SLCN",
                        b.area(p) != "ci",
                        p.upn,
                    ),
                )
            )
        rng = b.rng("therapy")
        used = {u.full_name for u in b.staff.values()}
        name = None
        while name is None or name in used:
            first = rng.choice(words.WOMEN + words.MEN)
            name = f"{first} {rng.choice(words.STAFF_SURNAMES)}"
        self.therapist_name = name
        self.slt = self.reshape_therapy()

    def reshape_therapy(self) -> dict:
        """Each referred pupil's therapy provision becomes the therapist's programme: 2 × 20
        min on Tuesdays and Thursdays, delivered and recorded by their TA."""
        b, found, rng = self.b, {}, self.b.rng("therapy slots")
        for unit in b.units:
            prov = unit["members"][0]
            if (
                len(unit["members"]) == 1
                and prov.kind == Provision.Kind.THERAPY
                and prov.pupil_id in {p.pk for p in self.referred}
            ):
                unit["days"], unit["minutes"] = SLT_DAYS, SLT_MINUTES
                b.reslot(rng, unit)
                prov.title = "Speech and language therapy programme"
                prov.description = (
                    f"Programme set by {self.therapist_name}, speech and language therapist; "
                    "goals and activities on the therapy page."
                )
                prov.days, prov.staffing = SLT_DAYS, Provision.Staffing.TA
                prov.staffing_notes = "Set and reviewed by the therapist; delivered by the TA."
                prov.sessions_per_week, prov.session_minutes = len(SLT_DAYS), SLT_MINUTES
                prov.weekly_minutes = len(SLT_DAYS) * SLT_MINUTES
                prov.cost_per_hour = HOURLY_TA
                found[prov.pupil_id] = prov
        Provision.objects.bulk_update(
            found.values(),
            [
                "title",
                "description",
                "days",
                "staffing",
                "staffing_notes",
                "sessions_per_week",
                "session_minutes",
                "weekly_minutes",
                "cost_per_hour",
            ],
        )
        return found

    # -- writing -----------------------------------------------------------------------

    def build(self) -> dict:
        b = self.b
        yesterday = self.today - dt.timedelta(days=1)
        self.days = [d for d in _days(b.history_start, yesterday) if b.calendar.is_school_day(d)]
        self.make_equipment()
        self.record_staff_sex()
        if self.medicated is not None:
            self.contacts = self.load_contacts()
            self.make_people()
            self.make_training()
            self.make_medication()
            self.make_care_plans()
            self.make_therapy()
        TimelineEntry.objects.bulk_create(self.timeline, batch_size=2000)
        self.counts["timeline"] += len(self.timeline)
        return dict(self.counts)

    def record_staff_sex(self):
        """The SENCO records each member of staff as female or male for the intimate care
        plans that ask for female staff (staff.CareGender): the demo knows who its women
        are (b.women), and so the care log can check the rule the demo keeps."""
        b = self.b
        at = timezone.make_aware(dt.datetime.combine(b.history_start, dt.time(8, 30)))
        rows = [
            CareGender(
                school=b.school,
                user=user,
                gender="female" if user.email in b.women else "male",
                set_by=b.senco,
                set_at=at,
            )
            for user in b.staff.values()
        ]
        CareGender.objects.bulk_create(rows)
        self.counts["staff sex recorded"] += len(rows)

    def load_contacts(self) -> dict:
        """{pupil pk: [Contact, …] in priority order} for the pupils named here."""
        pupils = {self.medicated.pk, self.cared.pk, *(p.pk for p in self.referred)}
        contacts = defaultdict(list)
        for c in Contact.objects.filter(pupil_id__in=pupils).order_by("priority", "id"):
            contacts[c.pupil_id].append(c)
        return contacts

    def first_contact(self, pupil) -> str:
        mine = self.contacts.get(pupil.pk)
        return mine[0].name if mine else f"Parent of {pupil.legal_first_name}"

    def make_people(self):
        """The therapist and the parent log in (the demo's password; no staff role for the
        parent), and the deployments: ta2 is the medicated pupil's key adult at lunchtimes,
        ta1 the cared-for pupil's key adult unless already their 1:1."""
        b, pupil = self.b, self.medicated
        rng = b.rng("family")
        self.mother = mother = next(
            (c for c in self.contacts.get(pupil.pk, []) if c.relationship == "Mother"), None
        )
        parent_name = (
            mother.name if mother else f"{rng.choice(words.WOMEN)} {pupil.legal_last_name}"
        )
        self.parent_name = parent_name
        self.list_the_parent(pupil, mother, parent_name)
        self.therapist, self.parent = User.objects.bulk_create(
            [
                User(
                    email=f"slt@{b.domain}",
                    full_name=self.therapist_name,
                    password=b.password_hash,
                ),
                User(email=f"parent@{b.domain}", full_name=parent_name, password=b.password_hash),
            ]
        )
        StaffRole.objects.create(user=self.therapist, school=b.school, role=Role.THERAPIST)
        ParentLink.objects.create(user=self.parent, pupil=pupil, relationship="Mother")
        deployments = [
            Deployment(
                school=b.school,
                staff=self.ta2,
                kind=Deployment.Kind.KEY_ADULT,
                pupil=pupil,
                start=b.history_start,
            )
        ]
        if b.adult_of.get(self.cared.pk) != self.ta1:
            deployments.append(
                Deployment(
                    school=b.school,
                    staff=self.ta1,
                    kind=Deployment.Kind.KEY_ADULT,
                    pupil=self.cared,
                    start=b.history_start,
                )
            )
        Deployment.objects.bulk_create(deployments)

    def list_the_parent(self, pupil, mother, name):
        """The parent who logs in is among the child's contacts, with the login's e-mail:
        the mother's contact if there is one, else a new first contact."""
        email = f"parent@{self.b.domain}"
        if mother is not None:
            mother.email = email
            mother.save(update_fields=["email"])
            return
        mine = self.contacts.get(pupil.pk, [])
        for contact in mine:
            contact.priority += 1
        Contact.objects.bulk_update(mine, ["priority"])
        mother = Contact.objects.create(
            pupil=pupil,
            name=name,
            relationship="Mother",
            parental_responsibility=True,
            phone="07700 900999",
            email=email,
            priority=1,
        )
        self.contacts[pupil.pk] = [mother, *mine]
        self.mother = mother

    def make_training(self):
        """Intimate care and moving and handling for ta1 and the second adult, current for
        the care events and today. (Medication training is behaviour.make_training's: ta1,
        the HLTAs and some TAs; never ta2.)"""
        rng, rows = self.b.rng("care training"), []
        for user in dict.fromkeys([self.ta1, self.second]):
            for kind, course in (
                (Training.Kind.INTIMATE_CARE, "Intimate and personal care"),
                (Training.Kind.MOVING_HANDLING, "Moving and handling of people, hoists"),
            ):
                completed = self.b.school_day_before(
                    self.b.history_start - dt.timedelta(days=rng.randrange(20, 400))
                )
                rows.append(
                    Training(
                        user=user,
                        kind=kind,
                        course=course,
                        completed_on=completed,
                        expires_on=_add_years(completed, 3) - dt.timedelta(days=1),
                    )
                )
        Training.objects.bulk_create(rows)
        self.counts["training"] += len(rows)

    # -- medication --------------------------------------------------------------------

    def make_medication(self):
        b, pupil, rng = self.b, self.medicated, self.b.rng("medication")
        name = pupil.preferred_name or pupil.legal_first_name
        term = (
            Term.objects.filter(school=b.school, start__lte=self.today).order_by("-start").first()
        )
        # A new prescription (and consent) each term: the doses start with the term.
        start = max(b.history_start, b.school_day(term.start) if term else b.history_start)
        consent = {
            "consent_by": self.parent_name,
            "consent_on": b.school_day_before(start - dt.timedelta(days=rng.randrange(3, 12))),
            "consent_document": f"Medical file, form {start.year}-{rng.randrange(10, 60)}",
        }
        mother = self.mother
        who = f"{self.parent_name} (mother), {mother.phone if mother else '07700 900000'}"
        others = [c for c in self.contacts.get(pupil.pk, []) if c != mother]
        if others:
            who += f"; then {others[0].name} ({others[0].relationship.lower()}), {others[0].phone}"
        plan = words.ASTHMA_PLAN
        self.ihcp = HealthcarePlan.objects.create(
            pupil=pupil,
            ehc_plan=b.plan_of.get(pupil.pk),
            conditions=plan["conditions"],
            triggers=plan["triggers"],
            signs=plan["signs"],
            daily_care=plan["daily_care"].format(name=name),
            emergency=plan["emergency"].format(name=name),
            who_to_call=who,
            review_date=b.school_days.on_or_before(_add_years(start, 1)),
            created_by=self.b.senco,
            **consent,
        )
        expiry = dt.date(self.today.year + 1, rng.randint(5, 10), 28)
        self.inhaler, self.lunch = Medicine.objects.bulk_create(
            [
                Medicine(
                    pupil=pupil,
                    healthcare_plan=self.ihcp,
                    name="Salbutamol",
                    form=Medicine.Form.INHALER,
                    strength="100 micrograms per puff",
                    dose="2 puffs",
                    dose_units=2,
                    route=Medicine.Route.INHALED,
                    as_needed=True,
                    as_needed_when=words.INHALER_WHEN.format(name=name),
                    min_interval_minutes=INHALER_GAP,
                    max_per_24h=INHALER_MAX,
                    storage=f"Class {b.group_of[pupil.pk].name} medical box; with {name} for PE",
                    expiry_date=expiry,
                    stock=INHALER_STOCK,
                    low_stock_at=40,
                    # The asthma plan's attack steps: outside the routine interval.
                    emergency_use=True,
                    emergency_dose="1 puff every 30 to 60 seconds through the spacer",
                    emergency_limit=10,
                    **consent,
                ),
                Medicine(
                    pupil=pupil,
                    healthcare_plan=self.ihcp,
                    name="Lactulose",
                    form=Medicine.Form.LIQUID,
                    strength="3.35 g in 5 ml",
                    dose="5 ml",
                    dose_units=5,
                    route=Medicine.Route.ORAL,
                    times=[LUNCH_TIME.strftime("%H:%M")],
                    storage="School office, medicine cabinet",
                    expiry_date=dt.date(self.today.year + 1, rng.randint(2, 4), 28),
                    stock=LUNCH_STOCK,
                    low_stock_at=50,
                    **consent,
                ),
            ]
        )
        written = _at(consent["consent_on"], dt.time(16, 30))
        # auto_now_add stamps the seeding moment: the plan and medicines were written when
        # consent came in, before the first dose. (The MAR shows a slot before a medicine
        # existed as "not prescribed", which would hide the demo's missed doses.)
        HealthcarePlan.objects.filter(pk=self.ihcp.pk).update(created=written)
        Medicine.objects.filter(pk__in=[self.inhaler.pk, self.lunch.pk]).update(created=written)
        title = f"Healthcare plan written: {self.ihcp.conditions[:120]}"
        self.written(written, "medication", title, self.ihcp)
        for medicine in (self.inhaler, self.lunch):
            when = f"at {', '.join(medicine.times)}" if medicine.times else "as needed"
            line = f"{medicine.name} {medicine.strength}, {medicine.dose} {when}"
            self.written(written, "medication", f"Medicine added: {line}", medicine)
        days = [d for d in self.days if d >= start]
        doses = self.lunch_doses(rng, days) + self.inhaler_doses(rng, days)
        Administration.objects.bulk_create(doses, batch_size=2000)
        Medicine.objects.bulk_update([self.inhaler, self.lunch], ["stock"])
        self.counts["administrations"] += len(doses)

    def written(self, at, kind, title, record):
        """The line the service writes when the SENCO adds a plan or a medicine."""
        self.timeline.append(
            TimelineEntry(
                pupil_id=record.pupil_id,
                occurred_at=at,
                kind=kind,
                title=title,
                actor=self.b.senco,
                ref_type=record._meta.model_name,
                ref_id=str(record.pk),
            )
        )

    def lunch_doses(self, rng, days) -> list:
        """Given at 12:15 on most school days, refused now and then; one or two days with
        no record at all (the missed doses the MAR shows)."""
        missed = set(rng.sample(days, k=2 if len(days) >= 20 else min(len(days) // 5, 1)))
        doses = []
        for day in days:
            if day in missed:
                continue
            due = _at(day, LUNCH_TIME)
            if rng.random() < 0.05:
                at = due + dt.timedelta(minutes=rng.randrange(0, 10))
                doses.append(self.dose(self.lunch, at, "refused", rng, due_at=due))
            elif self.lunch.stock >= self.lunch.dose_units:
                at = due + dt.timedelta(minutes=rng.randrange(0, 16))
                doses.append(self.dose(self.lunch, at, "given", rng, due_at=due))
        return doses

    def inhaler_doses(self, rng, days) -> list:
        """Now and then, sometimes twice in a day: never within INHALER_GAP minutes of the
        last dose given, never more than INHALER_MAX in 24 hours, never beyond the stock."""
        doses, given = [], []
        for day in days:
            if rng.random() >= 0.15:
                continue
            first = _at(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(0, 330))
            wanted = [first]
            if rng.random() < 0.25:
                wanted.append(first + dt.timedelta(minutes=rng.randrange(INHALER_GAP, 420)))
            for at in wanted:
                if timezone.localtime(at).time() > dt.time(15, 15):
                    continue  # after school
                if given and at - given[-1] < dt.timedelta(minutes=INHALER_GAP):
                    continue
                window = [g for g in given if at - g < dt.timedelta(hours=24)]
                if len(window) >= INHALER_MAX or self.inhaler.stock < self.inhaler.dose_units:
                    continue
                doses.append(self.dose(self.inhaler, at, "given", rng))
                given.append(at)
        return doses

    def dose(self, medicine, at, outcome, rng, due_at=None) -> Administration:
        reason = rng.choice(words.REFUSALS) if outcome == "refused" else ""
        if outcome == "given":
            medicine.stock -= medicine.dose_units
        record = Administration(
            school=self.b.school,
            pupil=self.medicated,
            medicine=medicine,
            due_at=due_at,
            given_at=at,
            outcome=outcome,
            dose=medicine.dose,
            reason=reason,
            given_by=self.ta1,
            recorded_at=at + dt.timedelta(minutes=rng.randrange(1, 8)),
        )
        self.timeline.append(
            TimelineEntry(
                pupil_id=record.pupil_id,
                occurred_at=at,
                kind="medication",
                title=administration_title(record, self.ta1),
                body=reason,
                actor=self.ta1,
                ref_type="administration",
                ref_id=str(record.pk),
            )
        )
        return record

    # -- intimate care, moving and handling ---------------------------------------------

    def make_equipment(self):
        """A ceiling hoist due for inspection in a week or two; a mobile hoist, slings."""
        b, rng, today = self.b, self.b.rng("equipment"), self.today
        # Due in the next week or two (5 to 14 days from today), six months after an
        # inspection held on a school day; due on a school day too where the calendar
        # allows (the service sets the next inspection six months after the last).
        days = b.school_days
        ahead = [today + dt.timedelta(days=n) for n in range(5, 15)]
        held = [d for d in ahead if days.is_school_day(_add_months(d, -6))]
        both = [d for d in held if days.is_school_day(d)]
        weekdays = [d for d in held or ahead if d.weekday() < 5]  # in a holiday
        due = rng.choice(both[:5]) if both else (weekdays or held or ahead)[0]
        rows = [
            Equipment(
                school=b.school,
                kind=Equipment.Kind.HOIST,
                name="Ceiling hoist, hygiene room",
                serial=f"CH-{rng.randrange(1000, 9999)}",
                location="Hygiene room",
                last_inspected=_add_months(due, -6),
                next_inspection=due,
            )
        ]
        for kind, name, serial, location in (
            (Equipment.Kind.HOIST, "Mobile hoist", "MH", "Physio room"),
            (Equipment.Kind.SLING, "Spare sling, size L", "SL", "Hygiene room"),
        ):
            last = self.inspected(today - dt.timedelta(days=rng.randrange(20, 120)))
            rows.append(
                Equipment(
                    school=b.school,
                    kind=kind,
                    name=name,
                    serial=f"{serial}-{rng.randrange(1000, 9999)}",
                    location=location,
                    last_inspected=last,
                    next_inspection=_add_months(last, 6),
                )
            )
        if self.cared is not None:
            last = self.inspected(today - dt.timedelta(days=rng.randrange(20, 120)))
            rows.append(
                Equipment(
                    school=b.school,
                    kind=Equipment.Kind.SLING,
                    name=f"{self.cared.legal_first_name}'s sling, size M",
                    serial=f"SL-{rng.randrange(1000, 9999)}",
                    location="Hygiene room",
                    pupil=self.cared,
                    last_inspected=last,
                    next_inspection=_add_months(last, 6),
                )
            )
        self.equipment = Equipment.objects.bulk_create(rows)
        self.counts["equipment"] += len(rows)

    def inspected(self, day):
        """The school day on or before `day` whose six-month re-inspection also falls on
        a school day."""
        days = self.b.school_days
        day = self.b.school_day_before(day)
        while not days.is_school_day(_add_months(day, 6)):
            day = days.on_or_before(day - dt.timedelta(days=1))
        return day

    def make_care_plans(self):
        rng = self.b.rng("care")
        toileting, handling = self._write_care_plans(rng)
        events = self._care_events(rng, toileting, handling)
        for event in events:
            plan = toileting if event.care_plan_id == toileting.pk else handling
            self.timeline.append(
                TimelineEntry(
                    pupil_id=self.cared.pk,
                    occurred_at=event.occurred_at,
                    kind="care",
                    title=care_title(event, plan, event.second_staff),
                    actor=event.by,
                    ref_type="careevent",
                    ref_id=str(event.pk),
                )
            )
        CareEvent.objects.bulk_create(events, batch_size=2000)
        self.counts["care_events"] += len(events)

    def _write_care_plans(self, rng):
        """The toileting and the moving-and-handling plan, with consent, their timeline
        entries and the hoist and sling they use."""
        b, pupil = self.b, self.cared
        name = pupil.preferred_name or pupil.legal_first_name
        consent = {
            "consent_by": self.first_contact(pupil),
            "consent_on": b.school_day_before(
                b.history_start - dt.timedelta(days=rng.randrange(3, 20))
            ),
            "consent_document": f"Care file, form {b.history_start.year}-{rng.randrange(60, 99)}",
        }
        gender = CarePlan.Gender.FEMALE if self.female_only else CarePlan.Gender.ANY
        toileting, handling = CarePlan.objects.bulk_create(
            [
                CarePlan(
                    pupil=pupil,
                    kind=CarePlan.Kind.TOILETING,
                    title="Toileting and continence",
                    routine=words.CARE_ROUTINES["toileting"].format(name=name),
                    staff_required=2,
                    gender_preference=gender,
                    training=Training.Kind.INTIMATE_CARE,
                    review_date=b.school_days.on_or_after(
                        self.today + dt.timedelta(days=rng.randrange(60, 150))
                    ),
                    **consent,
                ),
                CarePlan(
                    pupil=pupil,
                    kind=CarePlan.Kind.MOVING_HANDLING,
                    title="Moving and handling: hoist transfers",
                    routine=words.CARE_ROUTINES["moving_handling"].format(name=name),
                    staff_required=2,
                    transfers=words.TRANSFERS,
                    sling_size="M",
                    training=Training.Kind.MOVING_HANDLING,
                    review_date=b.school_days.on_or_after(
                        self.today + dt.timedelta(days=rng.randrange(60, 150))
                    ),
                    **consent,
                ),
            ]
        )
        for plan in (toileting, handling):
            title = f"Care plan written: {plan.title} ({plan.get_kind_display().lower()})"
            self.written(_at(consent["consent_on"], dt.time(16, 30)), "care_plan", title, plan)
        hoists = [e for e in self.equipment if e.kind == Equipment.Kind.HOIST]
        sling = [e for e in self.equipment if e.pupil_id == pupil.pk]
        through = CarePlan.equipment.through
        through.objects.bulk_create(
            through(careplan_id=handling.pk, equipment_id=e.pk) for e in hoists + sling
        )
        self.counts["care_plans"] += 2
        return toileting, handling

    def _care_events(self, rng, toileting, handling) -> list:
        """Four weeks of events: after break and after lunch, a hoist transfer most days."""
        since = self.today - dt.timedelta(weeks=CARE_WEEKS)
        events = []
        for day in (d for d in self.days if d >= since):
            if rng.random() < 0.05:
                continue  # absent
            slots = [(toileting, dt.time(10, 40)), (toileting, dt.time(13, 5))]
            if rng.random() < 0.8:
                slots.append((handling, dt.time(11, 20)))
            events += [self._care_event(rng, plan, _at(day, time)) for plan, time in slots]
        return events

    def _care_event(self, rng, plan, slot_at) -> CareEvent:
        pair = [self.ta1, self.second]
        at = slot_at + dt.timedelta(minutes=rng.randrange(0, 15))
        by, second = pair if rng.random() < 0.6 else pair[::-1]
        kinds = words.CARE_KINDS[plan.kind]
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        toilet = plan.kind == CarePlan.Kind.TOILETING
        return CareEvent(
            school=self.b.school,
            pupil=self.cared,
            care_plan=plan,
            kind=kind,
            occurred_at=at,
            by=by,
            second_staff=second,
            observations=rng.choice(words.CARE_OBSERVATIONS) if toilet else "",
            products_used=rng.choice(words.CARE_PRODUCTS) if kind == "pad change" else "",
            note="" if toilet else rng.choice(words.HOIST_NOTES),
            recorded_at=at + dt.timedelta(minutes=rng.randrange(2, 15)),
        )

    # -- therapy -----------------------------------------------------------------------

    def make_therapy(self):
        """A referral, with consent, for each referred pupil; the programme (their therapy
        provision, reshaped in `prepare`) and a review or two by the therapist."""
        b, rng = self.b, self.b.rng("therapy programmes")
        referrals, programmes, reviews = [], [], []
        for i, pupil in enumerate(self.referred):
            prov = self.slt.get(pupil.pk)
            if prov is None:
                continue
            name = pupil.preferred_name or pupil.legal_first_name
            start = prov.start
            spec = words.SLT_PROGRAMMES[i % len(words.SLT_PROGRAMMES)]
            consent_by = self.parent_name if pupil == self.medicated else self.first_contact(pupil)
            referral = Referral(
                pupil=pupil,
                therapist=self.therapist,
                discipline=Discipline.SLT,
                reason=words.SLT_REASONS[i % len(words.SLT_REASONS)],
                consent_by=consent_by,
                consent_on=b.school_day_before(start - dt.timedelta(days=rng.randrange(5, 20))),
                start=start,
                shared_notes=words.SHARED_NOTES.format(name=name, likes=rng.choice(words.LIKES)),
                referred_by=b.senco,
            )
            referrals.append(referral)
            days = [d for d in self.days if d >= start]
            at = [_at(days[len(days) // 2], dt.time(15, 40))] if len(days) >= 10 else []
            if len(days) >= 25:
                at.append(_at(days[-3], dt.time(15, 40)))
            version = len(at)
            field_order = ["activities", "goals"]
            programme = Programme(
                referral=referral,
                pupil=pupil,
                provision=prov,
                title=spec["title"],
                goals=spec["goals"][min(version, 2) // 2],
                activities=spec["activities"][min(version, 1)],
                updated_at=at[-1] if at else _at(start, dt.time(8, 30)),
                updated_by=self.therapist,
            )
            programmes.append(programme)
            for n, when in enumerate(at):
                changed = field_order[n]
                reviews.append(
                    ProgrammeReview(
                        programme=programme,
                        by=self.therapist,
                        at=when,
                        note=words.SLT_REVIEWS[n],
                        changes={changed: [spec[changed][0], spec[changed][1]]},
                    )
                )
        # Each bulk_create sets the ids the next one's foreign keys take.
        Referral.objects.bulk_create(referrals)
        Programme.objects.bulk_create(programmes)
        ProgrammeReview.objects.bulk_create(reviews)
        for referral in referrals:
            what = referral.get_discipline_display().lower()
            self.timeline.append(
                TimelineEntry(
                    pupil_id=referral.pupil_id,
                    occurred_at=_at(referral.consent_on, dt.time(16)),
                    kind="referral",
                    title=f"Referred to {what} ({self.therapist.full_name}) from "
                    f"{referral.start:%-d %B %Y}",
                    actor=b.senco,
                    ref_type="referral",
                    ref_id=str(referral.pk),
                )
            )
        for programme in programmes:
            self.timeline.append(
                TimelineEntry(
                    pupil_id=programme.pupil_id,
                    occurred_at=_at(programme.referral.start, dt.time(8, 50)),
                    kind="provision",
                    title=f"Therapy programme added: {programme.title} "
                    f"({programme.provision.how_much})",
                    actor=self.therapist,
                    ref_type="programme",
                    ref_id=str(programme.pk),
                )
            )
        for review in reviews:
            self.timeline.append(
                TimelineEntry(
                    pupil_id=review.programme.pupil_id,
                    occurred_at=review.at,
                    kind="programme_review",
                    title=f"Therapy programme reviewed: {review.programme.title}"
                    + (" (changed)" if review.changes else ""),
                    actor=self.therapist,
                    ref_type="programme",
                    ref_id=str(review.programme.pk),
                )
            )
        self.counts["referrals"] += len(referrals)
        self.counts["programme_reviews"] += len(reviews)


# The timeline titles the services write: medication.services (a dose), care.services (a care
# event), therapy.services (a referral, a programme, a review).


def administration_title(record, by) -> str:
    if record.outcome == Administration.Outcome.GIVEN:
        what = f"{record.dose} given"
    else:
        what = record.get_outcome_display().lower()
    return f"{record.medicine.name} {what} ({by})"


def care_title(event, plan, second) -> str:
    return f"{plan.get_kind_display()}: {event.kind}, with {second.full_name}"


def _at(day, time):
    return timezone.make_aware(dt.datetime.combine(day, time))


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
