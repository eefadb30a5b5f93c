"""Issue 13: the demo trust. Oakfield Learning Trust runs two smaller primaries beside
Oakfield, Brookside and Hillcrest, made by the same generator (the same term dates, the
same kinds of need, provision and history, drawn for each school), and has a trust SENCO,
trust@, who is based at Oakfield: SENCO there and nowhere else. So the trust view shows
three schools and links into Oakfield's pupils only."""

from django.conf import settings

from sendesk.accounts.models import User
from sendesk.schools.models import Role, StaffRole, TrustRole

from .generator import generate

# (name, e-mail domain) of the trust's other schools: small village primaries. Their
# staff have no usable password (only Oakfield's people and trust@ are demo logins).
SMALL_SCHOOLS = [("Brookside Primary", "brookside.example"), ("Hillcrest Primary", "hillcrest.example")]
SMALL_PUPILS = 60
TRUST_SENCO = "Joanne Mensah"


def make_trust(school, *, seed: int, domain: str, today=None) -> list:
    """The trust's two smaller schools (pupils, staff and this term's history) and its
    trust SENCO trust@`domain`. Returns the new schools' data."""
    generated = generate(
        seed=seed,
        pupils=SMALL_PUPILS,
        schools=len(SMALL_SCHOOLS),
        weeks_of_history=None,
        today=today,
        school_names=[name for name, _ in SMALL_SCHOOLS],
        domains=[d for _, d in SMALL_SCHOOLS],
        password=None,
        trust=school.trust,
        first_index=1,
    )
    user = User.objects.create_user(
        f"trust@{domain}", settings.DEMO_PASSWORD, full_name=TRUST_SENCO
    )
    TrustRole.objects.create(user=user, trust=school.trust, role=TrustRole.Kind.TRUST_SENCO)
    StaffRole.objects.create(user=user, school=school, role=Role.SENCO)
    return generated.schools


def trust_notes(school) -> list[str]:
    """What to try in the trust view: who sees it and what it links to. Two queries."""
    people = User.objects.filter(trust_roles__trust=school.trust).order_by("email").distinct()
    notes = []
    others = list(
        school.trust.schools.exclude(pk=school.pk).order_by("name").values_list("name", flat=True)
    )
    for person in people:
        notes.append(
            f"Trust: {person.email.split('@')[0]}@ ({person.full_name}) is Trust SENCO of "
            f"{school.trust.name} and SENCO at {school.name} only: the trust view (Trust) "
            f"shows {school.name}, {' and '.join(others)}, and names link into "
            f"{school.name}'s pupils only."
        )
    return notes
