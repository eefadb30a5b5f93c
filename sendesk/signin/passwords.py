"""What a password must not be (AUTH_PASSWORD_VALIDATORS): every page that sets one (an
invitation, a reset, a change, the set-up screens) runs these through Django's
validate_password, so each refusal says why in the same words everywhere.

Passwords guessed first at a school are its own name and the person's e-mail name
('oakfield1', 'senco123'): those are refused along with short ones and the most common."""

import re

from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
)
from django.core.exceptions import ValidationError

from sendesk.schools.models import School

MIN_LENGTH = 12


class LongEnough(MinimumLengthValidator):
    def __init__(self, min_length=MIN_LENGTH):
        super().__init__(min_length)

    def get_error_message(self):
        return (
            f"This password is too short: it needs at least {self.min_length} characters. "
            "Three random words, such as a kettle, a colour and a town, are long and easy "
            "to remember."
        )

    def get_help_text(self):
        return (
            f"At least {self.min_length} characters. Three random words are a good "
            "password: long, and easy to remember."
        )


class NotCommon(CommonPasswordValidator):
    def get_error_message(self):
        return (
            "This password is one of the most commonly used passwords, so it would be "
            "among the first guessed. Choose another."
        )

    def get_help_text(self):
        return "Not one of the most commonly used passwords."


def _fold(text: str) -> str:
    return text.casefold()


class NotEmailName:
    """Refuses a password containing the part of the person's e-mail address before the @
    (when it is 3 characters or more), in any case: 'senco' in 'Senco1234567'."""

    def validate(self, password, user=None):
        names = email_names(getattr(user, "email", "") or "")
        folded = _fold(re.sub(r"[._+-]", "", password))
        name = next((n for n in names if _fold(n) in folded), None)
        if name:
            raise ValidationError(
                f"This password contains your e-mail name ({name}), which is the first "
                "thing someone guessing would try. Choose one without it.",
                code="password_contains_email_name",
            )

    def get_help_text(self):
        return "Not containing the first part of your e-mail address."


def email_names(email: str) -> list[str]:
    """The e-mail name and, for 'sam.newcombe', its parts and their run together
    ('samnewcombe', 'sam', 'newcombe'): each of 3 characters or more."""
    name = email.split("@", 1)[0].strip()
    parts = [p for p in re.split(r"[._+-]", name) if p]
    candidates = [name, "".join(parts), *parts]
    return [n for n in dict.fromkeys(candidates) if len(n) >= 3]


# Words in many schools' names, which say nothing about which school it is: "Oakfield"
# is what a guesser tries for "Oakfield Primary School", not "primary".
COMMON_SCHOOL_WORDS = frozenset(
    """
    a an and the of at in on for with by
    school schools primary secondary infant infants junior juniors nursery first middle
    upper lower high academy academies college free special grammar community foundation
    federation trust multi learning centre center studio sixth form
    church england ce cofe voluntary aided controlled rc roman catholic methodist jewish
    muslim sikh hindu christian st saint saints holy mary marys our lady
    village town city county new old north south east west
    """.split()
)


def distinctive_words(school_name: str) -> list[str]:
    """The words of a school's name that identify it: 'Oakfield' of 'Oakfield Primary
    School'; words of 3 letters or more, less the ones many schools share."""
    words = re.findall(r"[^\W\d_]+", school_name)
    return [w for w in words if len(w) >= 3 and _fold(w) not in COMMON_SCHOOL_WORDS]


class NotSchoolName:
    """Refuses a password containing a distinctive word of the name of any school where
    the person holds a role."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        folded = _fold(password)
        names = School.objects.filter(staff_roles__user=user).values_list("name", flat=True)
        for name in sorted(set(names)):
            for word in distinctive_words(name):
                if _fold(word) in folded:
                    raise ValidationError(
                        f'This password contains "{word}", from the name of your school '
                        f"({name}), which is among the first things someone guessing would "
                        "try. Choose one without it.",
                        code="password_contains_school_name",
                    )

    def get_help_text(self):
        return "Not containing your school's name."
