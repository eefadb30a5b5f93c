"""What each role may do is gathered from the base table and what each app declares in its
AppConfig. The result is exactly the table that used to be written out in access.py."""

from sendesk.schools.capabilities import capabilities
from sendesk.schools.models import Role

STAFF = set(Role) - {Role.THERAPIST}
WRITERS = {Role.TA, Role.HLTA, Role.TEACHER, Role.SENCO, Role.HEAD}


def test_every_capability_is_held_by_the_same_roles_as_before():
    assert capabilities() == {
        "record_sessions": WRITERS,
        "write_plans": {Role.HLTA, Role.TEACHER, Role.SENCO, Role.HEAD},
        "write_pupils": {Role.SENCO, Role.HEAD},
        "record_leaving": {Role.SENCO, Role.HEAD},
        "rejoin_pupil": {Role.HEAD},
        "oversee": {Role.SENCO, Role.HEAD},
        "safeguarding": {Role.DSL},
        # The data-protection officer (issue 12) is often the trust's or a contracted
        # service, not in school with the pupils: the safeguarding app does not list them.
        "report_concern": STAFF - {Role.DPO},
        "school_staff": STAFF,
        "give_care": WRITERS,
        "write_care": {Role.SENCO, Role.HEAD},
        "manage_accounts": {Role.HEAD},  # staff accounts: invites, roles, leavers
        "lift_lockouts": {Role.HEAD},  # issue 8: seeing and lifting sign-in lockouts
        # issue 8: the head manages the school's sign-in security (signin app).
        "manage_sign_in": {Role.HEAD},
        # issue 9: running the deployment planner, publishing, cover (deployment app).
        "plan_deployment": {Role.SENCO, Role.HEAD},
        # issue 9: who plans an educational visit (visits app).
        "plan_trips": {Role.SENCO, Role.HEAD, Role.TEACHER},
        # issue 9: the head/admin sees and manages every appraisal of the school.
        "appraise_all": {Role.HEAD},
        # issue 10: who runs every review (teachers and HLTAs the termly ones: write_plans).
        "run_reviews": {Role.SENCO, Role.HEAD},
        # issue 9 (hr): staff records and the single central record; every team's records.
        "manage_staff": {Role.HEAD},
        "read_staff_teams": {Role.SENCO},
        # issue 10: typing in a parent's paper consent form (consent app).
        "record_consent": {Role.SENCO, Role.HEAD},
        # issue 10: access arrangements, the exam timetable and its adults (exams app).
        "manage_exams": {Role.SENCO, Role.HEAD},
        # issue 10: the school's measures, an intervention's measure, the Engagement
        # Model's scale (assessment app).
        "manage_measures": {Role.HLTA, Role.SENCO, Role.HEAD},
        # issue 10: the provision map, its costs and the notional SEN budget (provision app).
        "view_provision_map": {Role.SENCO, Role.HEAD},
        # issue 11: e-mails given up on after every try (notifications app).
        "see_failed_email": {Role.HEAD},
        # issue 11: the school's agencies and their professionals (agencies app).
        "manage_agencies": {Role.SENCO, Role.HEAD},
        # issue 12: subject access requests (records app): the head and the data-protection
        # officer answer them; the DSL decides whether the safeguarding record goes.
        "subject_access": {Role.HEAD, Role.DPO},
        "subject_access_safeguarding": {Role.DSL},
        # issue 12 (retention): the head and DPO dispose, the DSL reviews safeguarding
        # records, the head sets the school's period for care records.
        "retention": {Role.HEAD, Role.DPO},
        "retention_review": {Role.DSL},
        "retention_settings": {Role.HEAD},
        # issue 12: importing the roll from the MIS (imports app): the head only.
        "import_roll": {Role.HEAD},
    }


def test_a_trust_role_adds_no_capability(world):
    # Issue 13: a trust role opens the trust view only. A trust lead with no school role
    # holds no capability and sees no pupil; a trust SENCO who is SENCO at one school holds
    # exactly that school's SENCO capabilities there, and none at the trust's other school.
    from sendesk import access
    from sendesk.accounts.models import User
    from sendesk.schools.capabilities import schools_where, trust_roles_of
    from sendesk.schools.models import StaffRole, TrustRole

    lead = User.objects.create_user("lead@test.example", "x", full_name="Lee Lead")
    TrustRole.objects.create(user=lead, trust=world.trust, role="trust_lead")
    tina = User.objects.create_user("tina@test.example", "x", full_name="Tina Trust")
    TrustRole.objects.create(user=tina, trust=world.trust, role="trust_senco")
    StaffRole.objects.create(user=tina, school=world.school, role=Role.SENCO)
    assert trust_roles_of(lead) == {"trust_lead"}
    assert trust_roles_of(tina) == {"trust_senco"}
    for capability, roles in capabilities().items():
        assert schools_where(lead, capability) == set()
        expected = {world.school.pk} if Role.SENCO in roles else set()
        assert schools_where(tina, capability) == expected, capability
    assert not access.visible_pupils(lead).exists()
    assert set(access.visible_pupils(tina).values_list("school_id", flat=True)) == {world.school.pk}
