"""Forms for plans and targets. They parse what was typed; plans.services decides what is
allowed and says why not."""

from django import forms
from django.utils import timezone

from sendesk.lib.forms import date_field

from .models import Outcome, Plan, Target


class PlanForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of plan", choices=Plan.Kind.choices, widget=forms.RadioSelect, required=False
    )
    title = forms.CharField(label="Title", required=False)
    start_date = date_field("Starts on")
    review_date = date_field("Review date", help_text="Needed before the plan can go live.")

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The kind of a plan is what it is: a different kind is a new plan.
            del self.fields["kind"]


class PlanActivateForm(forms.Form):
    review_date = date_field("Review date")


class PlanCloseForm(forms.Form):
    closed_on = date_field("Closed on", initial=timezone.localdate)


class OutcomeForm(forms.Form):
    text = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the pupil will achieve by the end of this phase (EHC plan section E).",
    )


class TargetForm(forms.Form):
    text = forms.CharField(
        label="Target",
        required=False,
        help_text="Specific, measurable, achievable, relevant and timed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ModelChoiceField(
        label="Towards outcome", queryset=Outcome.objects.none(), required=False, empty_label="None"
    )
    baseline = forms.CharField(
        label="Baseline", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the pupil is now.",
    )  # fmt: skip
    success_criteria = forms.CharField(
        label="Success criteria", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How we will know it is achieved.",
    )  # fmt: skip
    target_date = date_field("Target date")
    status = forms.ChoiceField(label="Status", choices=Target.Status.choices, required=False)

    def __init__(self, *args, plan, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = plan.outcomes.all()
        self.fields["outcome"].label_from_instance = lambda o: o.text[:80]
        if not editing:
            del self.fields["status"]

    def target_data(self):
        data = dict(self.cleaned_data)
        if not data.get("status"):
            data.pop("status", None)
        return data
