"""Oakfield Primary, the demo school: about 200 pupils in Oakfield Learning Trust, with the
logins the README lists, and this term's history up to today."""

from django.conf import settings
from django.db.models import Prefetch

from sendesk.accounts.models import User
from sendesk.pupils.models import Deployment
from sendesk.schools.models import Role, School, StaffRole

from .generator import generate

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
    return generated.schools[0]


def _login_order(email):
    key = email.split("@")[0]
    prefix = key.rstrip("0123456789")
    number = int(key[len(prefix) :] or 0)
    order = ["head", "senco", "dsl", "teacher", "hlta", "ta"]
    return (order.index(prefix) if prefix in order else len(order), number)


def demo_logins(school) -> list[tuple[str, str]]:
    """(e-mail, "Name (role: what they do)") for each demo login, in the README's order.
    Four queries."""
    users = (
        User.objects.filter(staff_roles__school=school)
        .distinct()
        .prefetch_related(
            Prefetch("staff_roles", queryset=StaffRole.objects.filter(school=school)),
            Prefetch("teaching_groups"),
            Prefetch(
                "deployments",
                queryset=Deployment.objects.filter(school=school)
                .select_related("pupil", "teaching_group")
                .order_by("kind", "pupil__legal_last_name"),
            ),
        )
    )
    rows = []
    for user in sorted(users, key=lambda u: _login_order(u.email)):
        roles = ", ".join(ROLE_WORDS[r.role] for r in user.staff_roles.all())
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
        detail = f"{roles}: {'; '.join(what)}" if what else roles
        rows.append((user.email, f"{user.full_name} ({detail})"))
    return rows
