"""Oakfield Primary, the demo school: about 200 pupils in Oakfield Learning Trust, with the
logins the README lists, and this term's history up to today."""

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.care.models import CarePlan, Equipment
from sendesk.family.models import ParentLink
from sendesk.medication.models import Medicine
from sendesk.plans.models import Plan
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment
from sendesk.safeguarding.models import Concern
from sendesk.schools.models import Role, School, StaffRole
from sendesk.therapy.models import Referral
from sendesk.therapy.selectors import referred_pupils

from .agencies import make_agencies
from .appraisal import make_appraisal_demo
from .assessment import make_assessment
from .consent import make_consent
from .data_in_out import data_notes, make_data_in_out
from .deployment import make_deployment
from .evidence import make_evidence
from .exams import exam_notes, make_exams
from .family_meetings import make_family_meetings
from .generator import GAP_NOTE, generate
from .homeschool import make_homeschool
from .notifications import make_notifications
from .provision_map import make_provision_map
from .reports import make_report
from .reviews import make_reviews
from .trust import make_trust, trust_notes
from .visits import make_trip

TRUST = "Oakfield Learning Trust"
SCHOOL = "Oakfield Primary"
DOMAIN = "oakfield.example"
SEED = 2026
PUPILS = 200
# The people a visitor is most likely to log in as get fixed names; the rest are drawn.
STAFF_NAMES = {"head": "Helen Carter", "senco": "Priya Shah", "dsl": "Mark Bennett"}

ROLE_WORDS = {
    Role.HEAD: "head",
    Role.SENCO: "SENCO",
    Role.DSL: "DSL",
    Role.TEACHER: "teacher",
    Role.HLTA: "HLTA",
    Role.TA: "TA",
    Role.THERAPIST: "therapist",
    Role.DPO: "data protection officer: subject access requests",
}


def demo_school():
    return School.objects.filter(trust__name=TRUST, name=SCHOOL).first()


def build_demo(*, today=None):
    """Make the demo school. Its 'today' is the real date unless given; all else follows
    from the seed."""
    generated = generate(
        seed=SEED,
        pupils=PUPILS,
        schools=1,
        weeks_of_history=None,
        trust_name=TRUST,
        today=today,
        school_names=[SCHOOL],
        domains=[DOMAIN],
        password=settings.DEMO_PASSWORD,
        staff_names=STAFF_NAMES,
    )
    # Issue 9, after the staff's contracts (made with the staff, demo/staffing.py): the
    # appraisal and training records, next week's trip, then the deployment plans, which
    # read the adults' training and who is away on the trip.
    make_appraisal_demo(generated.schools[0])
    make_trip(generated.schools[0])
    make_deployment(generated.schools[0])
    # Issue 10: photos (with consent), scores and observations, exams, then the review,
    # whose pack gathers them.
    make_evidence(generated.schools[0])
    make_assessment(generated.schools[0])
    make_exams(generated.schools[0])
    make_reviews(generated.schools[0])
    # Issue 11: consents (medicines, parent@'s sharing choices, the trip's pupils).
    make_consent(generated.schools[0])
    # Issue 11: agencies, the psychologist ep@ and referrals (one past its timescale).
    referred = make_agencies(generated.schools[0])
    # Issue 11: ep@'s report about the pupil she sees, with its PDF (demo/reports.py).
    make_report(generated.schools[0], referred["seen"])
    # Issue 11: the parent's conversation with ta1 and the home-school diary.
    make_homeschool(generated.schools[0])
    # --- notif11b: parent@'s meetings with the school, then every login's notifications,
    # told by the product's own triggers of what the modules above recorded.
    make_family_meetings(generated.schools[0])
    make_notifications(generated.schools[0])
    # --- end notif11b
    # Last: the notional SEN budget, and a cost on any provision the modules above added.
    make_provision_map(generated.schools[0])
    # Issue 12: the roll imported at the start of term (one SEN difference for the SENCO),
    # the DPO dpo@ and two subject access requests, one in progress, one released.
    make_data_in_out(generated.schools[0])
    # Issue 13: the trust's two smaller schools and its trust SENCO, trust@.
    make_trust(generated.schools[0].school, seed=SEED, domain=DOMAIN, today=today)
    return generated.schools[0]


def _login_order(email):
    key = email.split("@")[0]
    prefix = key.rstrip("0123456789")
    number = int(key[len(prefix) :] or 0)
    order = ["head", "senco", "dsl", "teacher", "hlta", "ta", "slt", "ep", "parent"]
    order.insert(order.index("slt"), "dpo")  # issue 12: the data protection officer
    order.insert(order.index("dpo"), "trust")  # issue 13: the trust SENCO
    return (order.index(prefix) if prefix in order else len(order), number)


def _agency_words(user) -> list[str]:
    """What an agency's professional sees, for the logins list: each referral, and whether
    the parents' consent to share lets them see the pupil (issue 11)."""
    rows = [r for r in user.referrals.all() if r.agency_id]
    if not rows:
        return []
    seen = set(referred_pupils(user).values_list("pk", flat=True))
    return [
        f"{r.get_discipline_display().lower()}: sees {r.pupil.name} (parents agreed to share)"
        if r.pupil_id in seen
        else f"referred {r.pupil.name} but cannot see them (consent to share missing)"
        for r in rows
    ]


def demo_logins(school) -> list[tuple[str, str]]:
    """(e-mail, "Name (role: what they do)") for each demo login, in the README's order,
    then the therapist and the parent. Six queries."""
    users = (
        User.objects.filter(staff_roles__school=school)
        .distinct()
        .prefetch_related(
            Prefetch("staff_roles", queryset=StaffRole.objects.filter(school=school)),
            Prefetch("teaching_groups"),
            Prefetch(
                "deployments",
                queryset=Deployment.objects.standing()
                .filter(school=school)
                .select_related("pupil", "teaching_group")
                .order_by("kind", "pupil__legal_last_name"),
            ),
            Prefetch(
                "referrals",
                queryset=Referral.objects.filter(pupil__school=school)
                .select_related("pupil")
                .order_by("pupil__legal_last_name"),
            ),
        )
    )
    rows = []
    for user in sorted(users, key=lambda u: _login_order(u.email)):
        roles = ", ".join(ROLE_WORDS[r.role] for r in user.staff_roles.all())
        if user.email.startswith("trust@"):
            # Issue 13: the trust SENCO, based at this school (demo/trust.py).
            roles = f"Trust SENCO of {school.trust.name}; {roles} here only"
        what = []
        classes = [g.name for g in user.teaching_groups.all()]
        if classes:
            what.append("class " + ", ".join(classes))
        for d in user.deployments.all():
            if d.kind == Deployment.Kind.GROUP:
                what.append(f"supports class {d.teaching_group.name}")
            else:
                kind = d.get_kind_display().lower()
                what.append(f"{kind} with {d.pupil.name} ({d.pupil.get_sen_status_display()})")
        referred = [r.pupil.name for r in user.referrals.all() if not r.agency_id]
        if referred:
            what.append(
                "speech and language; sees only the programmes and sessions of "
                + " and ".join(referred)
            )
        what += _agency_words(user)
        detail = f"{roles}: {'; '.join(what)}" if what else roles
        rows.append((user.email, f"{user.full_name} ({detail})"))
    links = (
        ParentLink.objects.filter(pupil__school=school, active=True)
        .select_related("user", "pupil")
        .order_by("user__email", "pupil__legal_last_name")
    )
    for link in links:
        child = link.pupil
        name = child.preferred_name or child.legal_first_name
        rows.append(
            (
                link.user.email,
                f"{link.user.full_name} (parent: {link.relationship.lower()} of {child.name}; "
                f"sees only {name}'s provision and sessions, therapy programme and medication "
                "record)",
            )
        )
    return rows


def demo_notes(school) -> list[str]:
    """What to try beyond the logins: who has the behaviour plan (IBP) with the
    after-lunch pattern, the medication and care demo, and that only the DSL sees the
    safeguarding concerns (a count, nothing about them). Six queries."""
    notes = []
    plan = (
        Plan.objects.active()
        .filter(pupil__school=school, kind=Plan.Kind.IBP, behaviour__isnull=False)
        .select_related("pupil")
        .annotate(incidents=Count("pupil__incidents", distinct=True))
        .order_by("-incidents", "pupil__upn")
        .first()
    )
    if plan is not None:
        pupil = plan.pupil
        adult = (
            Deployment.objects.standing()
            .filter(
                school=school,
                pupil=pupil,
                kind__in=[Deployment.Kind.ONE_TO_ONE, Deployment.Kind.KEY_ADULT],
            )
            .select_related("staff")
            .order_by("staff__email")
            .first()
        )
        whose = ""
        if adult is not None:
            login = adult.staff.email.split("@")[0]
            whose = (
                f" (1:1 with {login})" if adult.kind == "one_to_one" else f" (key adult {login})"
            )
        notes.append(
            f"Behaviour: {pupil.name}{whose} has an IBP, weeks of incidents and observations "
            "(worse after lunch and on Mondays) and a restrictive intervention whose parents "
            "have not been told yet."
        )
    notes += _care_notes(school)
    notes += _gap_notes(school)
    notes += exam_notes(school)
    notes += data_notes(school)
    notes += trust_notes(school)
    concerns = Concern.objects.filter(school=school).aggregate(
        n=Count("id"), pupils=Count("pupil", distinct=True)
    )
    if concerns["n"]:
        notes.append(
            f"Safeguarding: dsl@{DOMAIN} sees {concerns['n']} concerns about "
            f"{concerns['pupils']} pupils; no other login sees them."
        )
    return notes


def _gap_notes(school) -> list[str]:
    """The two things left undone on purpose, so the alerts have something to show: one
    EHC plan's annual review overdue and one promise of 1:1 hours with no adult
    deployed. Two queries."""
    notes = []
    overdue = (
        Plan.objects.active()
        .filter(pupil__school=school, review_date__lt=timezone.localdate())
        .select_related("pupil")
        .order_by("review_date")
        .first()
    )
    if overdue is not None:
        notes.append(
            f"Reviews: {overdue.pupil.name}'s annual review was due on "
            f"{overdue.review_date:%-d %B %Y} and is overdue on purpose; every other EHC "
            "plan has its reviews on record."
        )
    gap = (
        Provision.objects.filter(pupil__school=school, staffing_notes=GAP_NOTE)
        .select_related("pupil")
        .first()
    )
    if gap is not None:
        notes.append(
            f"Staffing: {gap.pupil.name} is promised {gap.weekly_minutes // 60} h a week of "
            "1:1 and nobody has been deployed by hand yet (the SENCO is recruiting); the "
            "week's published plan (Plans) gives those hours, meets every EHC plan hour, and "
            "lists the one SEN support group it cannot fully staff, with the reason."
        )
    return notes


def _care_notes(school) -> list[str]:
    """The medication and care demo: whose medicines, who may give them, whose care plans
    need two staff, and when the hoist is due. Three queries."""
    notes = []
    inhaler = (
        Medicine.objects.filter(pupil__school=school, as_needed=True, active=True)
        .select_related("pupil")
        .order_by("pupil__upn")
        .first()
    )
    if inhaler is not None:
        pupil = inhaler.pupil
        notes.append(
            f"Medication: {pupil.name} (1:1 with ta1) has an asthma healthcare plan, a "
            f"{inhaler.name.lower()} inhaler (at least {inhaler.min_interval_minutes // 60} h "
            f"apart, at most {inhaler.max_per_24h} in 24 h) and a lunchtime medicine at 12:15, "
            "with this term's record. ta1 is trained to give them; ta2, their key adult at "
            "lunchtimes, is not, and is refused."
        )
    plan = (
        CarePlan.objects.filter(pupil__school=school, active=True, staff_required__gte=2)
        .select_related("pupil")
        .order_by("pupil__upn", "kind")
        .first()
    )
    hoist = (
        Equipment.objects.filter(school=school, kind=Equipment.Kind.HOIST, in_service=True)
        .order_by("next_inspection")
        .first()
    )
    if plan is not None:
        due = ""
        if hoist is not None:
            when = f"{hoist.next_inspection:%A %-d %B}"
            due = f"; “{hoist.name}” is due for inspection on {when}"
        notes.append(
            f"Care: {plan.pupil.name} (key adult ta1) has toileting and hoist plans that need "
            f"two staff, with four weeks of care records{due}."
        )
    return notes
