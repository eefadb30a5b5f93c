"""Password rules (issue 8, section 4): at least 12 characters, not a common one, not
containing the e-mail name or the school's name; each refusal says why. Tested through a
page that sets a password (the set-up screens' password change for a person) and through
Django's validate_password, which every other page uses."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as django_validate
from django.core.exceptions import ValidationError

from sendesk.accounts.models import User
from sendesk.schools.models import Role, School, StaffRole
from sendesk.signin.passwords import distinctive_words

from ..world import PASSWORD

GOOD = "kettle orbit maple"


def refusals(password, user):
    try:
        django_validate(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.fixture
def admin_page(world, as_user):
    it = User.objects.create_superuser("it@test.example", PASSWORD, full_name="Ian It")
    client = as_user(it)

    def set_password(person, password):
        url = f"/admin/accounts/user/{person.pk}/password/"
        data = {"password1": password, "password2": password, "usable_password": "true"}
        return client.post(url, data)

    set_password.client = client
    return set_password


@pytest.mark.parametrize(
    "password, why",
    [
        ("maple-orbit", "This password is too short: it needs at least 12 characters."),
        ("qwertyuiop123", "one of the most commonly used passwords"),
        ("Alice-kettle-orbit", "This password contains your e-mail name (alice)"),
        ("kettle-orbit-TEST-9", 'This password contains "Test", from the name of your school'),
    ],
)
def test_the_page_that_sets_a_password_refuses_each_rule_and_says_why(
    world, admin_page, password, why
):
    before = User.objects.get(pk=world.alice.pk).password
    response = admin_page(world.alice, password)
    assert response.status_code == 200  # the form again, with the reason
    assert why in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert User.objects.get(pk=world.alice.pk).password == before


def test_a_good_password_is_accepted_and_signs_in(world, admin_page, client):
    response = admin_page(world.alice, GOOD)
    assert response.status_code == 302
    assert User.objects.get(pk=world.alice.pk).check_password(GOOD)


def test_the_page_says_what_a_good_password_is(world, admin_page):
    body = admin_page.client.get(f"/admin/accounts/user/{world.alice.pk}/password/")
    assert "Three random words are a good password" in body.content.decode()


def test_help_texts_name_every_rule():
    texts = " ".join(password_validators_help_texts())
    assert "At least 12 characters" in texts and "commonly used" in texts
    assert "e-mail address" in texts and "school" in texts


def test_the_issues_examples_are_refused_with_each_reason(world):
    school = School.objects.create(trust=world.trust, name="Oakfield Primary School")
    senco = User.objects.create_user("senco@oakfield.example", GOOD, full_name="Sue Senco")
    StaffRole.objects.create(user=senco, school=school, role=Role.SENCO)
    oakfield = refusals("oakfield1", senco)
    assert any("too short" in m for m in oakfield)
    assert any('contains "Oakfield"' in m for m in oakfield)
    senco123 = refusals("senco123", senco)
    assert any("too short" in m for m in senco123)
    assert any("e-mail name (senco)" in m for m in senco123)
    # Long enough, but still the school's name or the e-mail name, in any case.
    assert refusals("OAKFIELD-kettle-2026", senco) == [
        'This password contains "Oakfield", from the name of your school (Oakfield Primary '
        "School), which is among the first things someone guessing would try. Choose one "
        "without it."
    ]
    assert len(refusals("my-SENCO-kettle-2026", senco)) == 1
    assert refusals(GOOD, senco) == []


def test_any_of_the_persons_schools_counts(world):
    # Olga holds a role at Other School only: its name counts for her, not Test Primary's.
    assert refusals("kettle-other-orbit", world.olga)
    assert refusals("kettle-test-orbit", world.olga) == []
    StaffRole.objects.create(user=world.olga, school=world.school, role=Role.SENCO)
    assert refusals("kettle-test-orbit", world.olga)


def test_a_short_email_name_is_not_a_rule(world):
    jo = User.objects.create_user("jo@test.example", GOOD, full_name="Jo Short")
    assert refusals("jo-kettle-orbit", jo) == []
    ta1 = User.objects.create_user("ta1@test.example", GOOD, full_name="Tia One")
    assert refusals("kettle-TA1-orbit", ta1)


def test_a_dotted_email_name_is_refused_whole_run_together_and_by_its_parts(world):
    # Found by hand: sam.newcombe@ could choose "samnewcombe2024!".
    sam = User.objects.create_user("sam.newcombe@test.example", GOOD, full_name="Sam Newcombe")
    for password in ("samnewcombe2024!", "Sam.Newcombe.2024", "kettle-NEWCOMBE-orbit"):
        assert any("e-mail name" in r for r in refusals(password, sam)), password
    assert refusals("kettle-orbit-lantern", sam) == []


def test_a_person_with_no_school_yet_is_checked_for_the_rest(db):
    new = User(email="newbie@test.example")  # not saved: an invitation being accepted
    assert refusals("newbie-kettle-orbit", new)
    assert refusals("primary-kettle-orbit", new) == []


@pytest.mark.parametrize(
    "name, words",
    [
        ("Oakfield Primary School", ["Oakfield"]),
        ("St Mary's CE Primary Academy", []),
        ("Hill View Junior School", ["Hill", "View"]),
        ("Ashby-de-la-Zouch Church of England Infant School", ["Ashby", "Zouch"]),
        ("Test Primary", ["Test"]),
    ],
)
def test_the_distinctive_words_of_a_schools_name(name, words):
    assert distinctive_words(name) == words
