"""Forms for appraisal, CPD, certificates, required training and induction. They parse what
was typed; appraisal.services checks it and says what is wrong."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, date_field, line_field, text_field
from sendesk.staff.models import StaffMember, Training

from .standards import AREAS, BANDS, DESCRIPTORS, STANDARDS

HOURS_MESSAGE = "Give the hours as a number, e.g. 1.5."


def _people(staff, blank="Choose …"):
    return [("", blank)] + [(str(u.pk), u.full_name or u.email) for u in staff]


class AppraisalStartForm(forms.Form):
    appraisee_id = CheckedChoiceField(label="Whose appraisal")
    year = forms.TypedChoiceField(label="School year", coerce=int)

    def __init__(self, *args, people, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraisee_id"].choices = _people(people)
        self.fields["year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]


class ObjectiveForm(forms.Form):
    text = line_field("Objective", 300)
    success_criteria = text_field("Success criteria", "How you will both know it is met.")
    area = CheckedChoiceField(label="Area", choices=[("", "Choose …"), *AREAS])
    standards = line_field(
        "Teaching Assistant Standards", 80, "The standards it works towards, e.g. 2.1, 3.4."
    )


class OwnReviewForm(forms.Form):
    own_review = text_field("Your own review", "What went well, what was hard, what you need.",
                            rows=6)  # fmt: skip


class ManagerReviewForm(forms.Form):
    """The line manager's part of a stage: the meeting's date, a judgement per area against
    the band descriptors, the summary and the CPD plan."""

    held_on = date_field("Date of the meeting")
    summary = text_field("Line manager's summary", rows=5)
    cpd_plan = text_field("CPD plan", "The training and development agreed.", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in AREAS:
            self.fields[f"band_{key}"] = forms.ChoiceField(
                label=f"{label} (standards {STANDARDS[key]})",
                required=False,
                choices=[("", "Not judged yet")]
                + [
                    (b, f"{name}: {DESCRIPTORS[key].get(b, 'below the band 1 descriptor')}")
                    for b, name in BANDS
                ],  # fmt: skip
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{key}"] = text_field(f"{label}: comment", rows=2,
                                                       max_length=2000)  # fmt: skip

    def areas(self):
        """(band field, comment field) per area, for the template."""
        return [(self[f"band_{k}"], self[f"comment_{k}"]) for k, _ in AREAS]


class AmendForm(forms.Form):
    reason = line_field("Why it is corrected", 300)


class CertificateForm(forms.Form):
    file = forms.FileField(
        label="Certificate",
        required=False,
        help_text="A PDF, PNG or JPEG, up to 5 MB.",
        error_messages={
            "empty": "The file is empty: choose the certificate file again.",
            "invalid": "Choose the certificate file again.",
        },
    )


class CpdForm(forms.Form):
    what = line_field("What", 200, "A course, a visit to another school, reading, coaching …")
    done_on = date_field("When")
    hours = forms.DecimalField(
        label="Hours", required=False, max_digits=6, decimal_places=2,
        error_messages={"invalid": HOURS_MESSAGE, "max_decimal_places": HOURS_MESSAGE,
                        "max_digits": HOURS_MESSAGE},
    )  # fmt: skip
    reflection = text_field("Reflection", "What you took from it; what changed in practice.")


class RequiredForm(forms.Form):
    post = CheckedChoiceField(label="Post", choices=[("", "Choose …"), *StaffMember.Post.choices])
    kind = CheckedChoiceField(label="Training", choices=[("", "Choose …"), *Training.Kind.choices])


class InductionForm(forms.Form):
    user_id = CheckedChoiceField(label="New member of staff")
    mentor_id = CheckedChoiceField(label="Mentor")
    started_on = date_field("Started on")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = _people(staff)
        self.fields["mentor_id"].choices = _people(staff)
