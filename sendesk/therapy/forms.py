"""Forms for referrals and therapy programmes. They parse what was typed (numbers, dates,
choices); the rules live in therapy.services, whose messages are put beside the fields."""

import datetime as dt

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field
from sendesk.provision.forms import DAY_CHOICES
from sendesk.provision.models import Provision

from .models import THERAPIES

# What the file chooser offers; the service decides from the bytes all the same.
REPORT_ACCEPT = "application/pdf,.pdf,image/jpeg,image/png"
WHOLE = {"invalid": "Give a whole number."}


def _yesterday():
    return timezone.localdate() - dt.timedelta(days=1)


class ReferralForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label="Therapist", queryset=None, required=False, empty_label="Choose…",
        help_text="Therapists with an account at this school.",
        error_messages={"invalid_choice": "Choose a therapist who works with this school."},
    )  # fmt: skip
    discipline = forms.ChoiceField(
        label="Therapy",
        choices=[(d.value, d.label) for d in THERAPIES],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the referral", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    consent_by = forms.CharField(
        label="Consent given by", required=False, max_length=150,
        help_text="Who agreed to the referral, e.g. 'Mrs Brown (mother)'.",
    )  # fmt: skip
    consent_on = date_field("Consent given on")
    start = date_field("Referral starts on", initial=timezone.localdate)
    shared_notes = forms.CharField(
        label="What the school shares with the therapist", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The therapist sees this, their programme and its sessions, and nothing "
        "else about the pupil. Do not include safeguarding or behaviour information.",
    )  # fmt: skip

    def __init__(self, *args, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["therapist"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"


class ReferralEndForm(forms.Form):
    end = date_field(
        "Last day of the referral", initial=_yesterday,
        help_text="The therapist sees the pupil up to and including this day. Yesterday "
        "stops their access now.",
    )  # fmt: skip


class ProgrammeForm(forms.Form):
    """A new programme, or the fields a review may change (with `review=True`: a note,
    and how often only when the programme has its own provision)."""

    title = forms.CharField(label="Title", required=False, max_length=150)
    goals = forms.CharField(
        label="Goals", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the pupil will be able to do.",
    )  # fmt: skip
    activities = forms.CharField(
        label="Activities", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the TA does in each session, step by step. TAs see this when they "
        "record the session.",
    )  # fmt: skip
    sessions_per_week = forms.IntegerField(
        label="Sessions a week", required=False, error_messages=WHOLE
    )
    session_minutes = forms.IntegerField(
        label="Minutes a session", required=False, error_messages=WHOLE
    )
    days = forms.MultipleChoiceField(
        label="Days", choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Tick as many days as there are sessions a week.",
    )  # fmt: skip
    source = forms.ChoiceField(
        label="Promised in", choices=Provision.Source.choices, widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip
    referral = forms.ChoiceField(label="Referral", required=False)

    def __init__(self, *args, referrals=(), review=False, frequency=True, **kwargs):
        super().__init__(*args, **kwargs)
        referrals = list(referrals)
        if review or len(referrals) < 2:
            del self.fields["referral"]
        else:
            self.fields["referral"].choices = [
                (str(r.pk), f"{r.get_discipline_display()}, from {r.start:%-d %B %Y}")
                for r in referrals
            ]
        if review:
            del self.fields["source"]
            self.fields["note"] = forms.CharField(
                label="Review note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                help_text="What the session records show, and what changes (if anything).",
            )  # fmt: skip
            self.order_fields(["note"])
        if not frequency:
            for name in ("sessions_per_week", "session_minutes", "days"):
                del self.fields[name]

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("note", "referral")}
        if "days" in data:
            data["days"] = "".join(data["days"] or [])
        return data


class ProgrammeEndForm(forms.Form):
    end = date_field("Last day of the programme", initial=timezone.localdate)
    note = forms.CharField(
        label="Why it ends", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgencyReferralForm(forms.Form):
    """A referral to one of the school's agencies (issue 11). The parents' consent is not
    typed here: the service reads it from the consent record, and says when it is missing."""

    agency = forms.ModelChoiceField(
        label="Agency", queryset=None, required=False, empty_label="Choose…",
        error_messages={"invalid_choice": "Choose one of the school's agencies. An agency "
                        "that is no longer active takes no new referrals."},
    )  # fmt: skip
    professional = forms.ModelChoiceField(
        label="Professional (if known)", queryset=None, required=False,
        empty_label="Nobody yet: the agency allocates",
        help_text="Only this person then sees the pupil. Nobody yet: every member of the "
        "agency with an account sees the pupil until one is named.",
        error_messages={"invalid_choice": "Choose someone who works for that agency, or "
                        "nobody yet."},
    )  # fmt: skip
    reason = forms.CharField(
        label="Why the pupil is referred", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    sent_on = date_field("Sent on", initial=timezone.localdate)
    response_days = forms.IntegerField(
        label="Days the agency has to respond", required=False, error_messages=WHOLE,
        help_text="Leave blank for the agency's usual time.",
    )  # fmt: skip
    shared_notes = forms.CharField(
        label="What the school shares with the agency", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The professional sees this and nothing else about the pupil beyond their "
        "own advice, while the parents' consent to share with the agency stands. Do not "
        "include safeguarding information.",
    )  # fmt: skip

    def __init__(self, *args, agencies, professionals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: (
            f"{a.name} ({a.get_kind_display()}, usually {a.response_days} days)"
        )
        self.fields["professional"].queryset = professionals
        self.fields["professional"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened", widget=forms.RadioSelect, required=False,
        choices=[("accepted", "The agency accepted it"), ("declined", "The agency declined it"),
                 ("closed", "Closed (the work is done or it is withdrawn)")],
    )  # fmt: skip
    on = date_field("On", initial=timezone.localdate)


class AdviceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What it is", widget=forms.RadioSelect, required=False,
        choices=[("advice", "Advice"), ("report", "A report's findings"),
                 ("visit", "A visit to the school")],
    )  # fmt: skip
    visited_on = date_field("Day of the visit", help_text="For a visit only.")
    who_came = forms.CharField(
        label="Who came", required=False, max_length=200,
        help_text="For a visit only. Blank: you alone.",
    )  # fmt: skip
    text = forms.CharField(
        label="What you found and advise", required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The school sees this, and it goes into the pupil's reviews.",
    )  # fmt: skip
    file = forms.FileField(
        label="The report file (optional)", required=False, allow_empty_file=True,
        help_text="For a report: the PDF, or a photo or scan of the paper report (JPEG or "
        "PNG), up to 20 MB. If the page asks again, choose the file again.",
        widget=forms.ClearableFileInput(attrs={"accept": REPORT_ACCEPT}),
    )  # fmt: skip

    def __init__(self, *args, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.referrals = list(referrals)
        if len(self.referrals) > 1:
            # Two referrals in force for one pupil (two agencies, say): the professional
            # says which one the advice answers; with one, there is nothing to ask.
            self.fields["referral"] = forms.ChoiceField(
                label="Which referral it answers", widget=forms.RadioSelect, required=False,
                choices=[(str(r.pk), f"{r.who}: {r.get_discipline_display().lower()}, "
                          f"from {r.start:%-d %B %Y}") for r in self.referrals],
            )  # fmt: skip

    def chosen_referral(self):
        """The referral the advice is filed under, or None (an error on the form) when
        there are two or more and none of them was chosen."""
        if len(self.referrals) == 1:
            return self.referrals[0]
        chosen = self.cleaned_data.get("referral")
        for referral in self.referrals:
            if str(referral.pk) == chosen:
                return referral
        self.add_error("referral", "Choose which referral the advice answers.")
        return None


class AdviceFileForm(forms.Form):
    """A report file attached to a report already written (issue 11)."""

    file = forms.FileField(
        label="The report file", required=False, allow_empty_file=True,
        help_text="The PDF, or a photo or scan of the paper report (JPEG or PNG), up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": REPORT_ACCEPT}),
    )  # fmt: skip
