"""Forms for staff records and the single central record. They parse what was typed;
staff.hr_services checks it and says what is wrong."""

from django import forms

from sendesk.lib.forms import CheckedChoiceField, date_field, line_field, time_field

from .models import StaffMember
from .records import WEEKDAYS

NUMBER = {"invalid": "Give a whole number."}


def _choices(choices, none="None"):
    return [("", none), *choices]


class MemberForm(forms.Form):
    user_id = CheckedChoiceField(label="Member of staff")
    post = CheckedChoiceField(label="Post", choices=_choices(StaffMember.Post.choices, "Choose …"))
    job_title = line_field("Job title", 120, "As on the contract: 'Teaching Assistant (SEN)'.")
    grade = line_field("Grade", 20, "Pay grade, e.g. H3.")
    band = CheckedChoiceField(
        label="Band", required=False, choices=_choices(StaffMember.Band.choices)
    )
    line_manager_id = CheckedChoiceField(label="Line manager", required=False)
    hours_per_week = line_field(
        "Hours a week", 6, "While working, e.g. 31.67.", inputmode="decimal"
    )
    weeks_per_year = line_field(
        "Weeks a year", 5, "Paid weeks: 38 for term time only, 52 all year.", inputmode="decimal"
    )
    term_time_only = forms.BooleanField(label="Term time only", required=False)
    inset_days = forms.IntegerField(
        label="INSET days", required=False, help_text="Training days worked beyond term time.",
        error_messages=NUMBER,
    )  # fmt: skip
    started_on = date_field("Started on")
    fixed_term_end = date_field("Fixed term ends on", "Leave empty if the contract is permanent.")
    left_on = date_field("Left on", "Leave empty while they work here.")
    nvq_level = forms.IntegerField(
        label="NVQ level", required=False, help_text="Supporting teaching and learning, 1 to 8.",
        error_messages=NUMBER,
    )  # fmt: skip
    gcse_english = forms.BooleanField(label="GCSE English (4 / C or above)", required=False)
    gcse_maths = forms.BooleanField(label="GCSE maths (4 / C or above)", required=False)
    hlta_status = CheckedChoiceField(
        label="HLTA status", required=False, choices=_choices(StaffMember.HltaStatus.choices)
    )
    first_aid = CheckedChoiceField(
        label="First aid", required=False, choices=_choices(StaffMember.FirstAid.choices)
    )
    lived_overseas = forms.BooleanField(
        label="Has lived or worked outside the UK (overseas checks needed)", required=False
    )

    def __init__(self, *args, staff, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["user_id"]
        else:
            self.fields["user_id"].choices = _choices(
                [(str(u.pk), u.full_name) for u in people], "Choose …"
            )
        self.fields["line_manager_id"].choices = _choices(
            [(str(u.pk), u.full_name) for u in staff], "No line manager"
        )
        for day, name in WEEKDAYS.items():
            self.fields[f"d{day}_start"] = time_field(f"{name} start")
            self.fields[f"d{day}_end"] = time_field(f"{name} end")

    @property
    def days(self):
        """(weekday name, start field, end field) for the pattern table."""
        return [(name, self[f"d{d}_start"], self[f"d{d}_end"]) for d, name in WEEKDAYS.items()]

    def service_error_field(self, key):
        return key if key in self.fields else None

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        for day in WEEKDAYS:
            data.pop(f"d{day}_start", None)
            data.pop(f"d{day}_end", None)
        data.pop("user_id", None)
        return data

    def pattern(self) -> dict:
        return {
            d: (self.cleaned_data.get(f"d{d}_start"), self.cleaned_data.get(f"d{d}_end"))
            for d in WEEKDAYS
        }

    @staticmethod
    def initial_for(member) -> dict:
        initial = {
            name: getattr(member, name)
            for name in (
                "post", "job_title", "grade", "band", "term_time_only", "inset_days",
                "started_on", "fixed_term_end", "left_on", "nvq_level", "gcse_english",
                "gcse_maths", "hlta_status", "first_aid", "lived_overseas",
            )
        }  # fmt: skip
        initial["hours_per_week"] = f"{member.hours_per_week.normalize():f}"
        initial["weeks_per_year"] = f"{member.weeks_per_year.normalize():f}"
        initial["line_manager_id"] = str(member.line_manager_id or "")
        for day in member.pattern.all():
            initial[f"d{day.weekday}_start"] = day.start
            initial[f"d{day.weekday}_end"] = day.end
        return initial


class CheckForm(forms.Form):
    checked_on = date_field("Checked on")
    evidence = line_field("Evidence", 200, "What was seen and where it is kept.")
    certificate_number = line_field("DBS certificate number", 12, "12 digits.", inputmode="numeric")
    barred_list = forms.BooleanField(label="Children's barred list checked", required=False)
    update_service = forms.BooleanField(
        label="Subscribes to the DBS update service", required=False
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != "dbs":
            for name in ("certificate_number", "barred_list", "update_service"):
                del self.fields[name]
