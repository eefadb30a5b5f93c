"""Forms for plans, targets and provision. They parse what was typed; the services in
plans.services and provision.services decide what is allowed and say why not."""

from django import forms
from django.utils import timezone

from sendesk.provision.models import WEEKDAYS, Provision
from sendesk.pupils.forms import date_field

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


DAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAYS, start=1)]


class ProvisionForm(forms.Form):
    title = forms.CharField(label="What is provided", required=False)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Choose…")] + list(Provision.Kind.choices), required=False
    )
    source = forms.ChoiceField(
        label="Promised in", choices=Provision.Source.choices, widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip
    sessions_per_week = forms.IntegerField(label="Sessions a week", required=False, min_value=0)
    session_minutes = forms.IntegerField(label="Minutes each", required=False, min_value=0)
    hours_per_week = forms.DecimalField(
        label="Or: hours a week", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    days = forms.MultipleChoiceField(
        label="Days", choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="The weekly pattern: tick as many days as there are sessions.",
    )  # fmt: skip
    group_size = forms.IntegerField(label="Group size", required=False, min_value=1, initial=1)
    staffing = forms.ChoiceField(
        label="Staffing", choices=Provision.Staffing.choices, initial=Provision.Staffing.TA
    )
    staffing_notes = forms.CharField(
        label="Staffing notes", required=False, help_text="Training needed, named adult, …"
    )
    targets = forms.ModelMultipleChoiceField(
        label="Targets it serves", queryset=Target.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    plan = forms.ModelChoiceField(
        label="Plan", queryset=Plan.objects.none(), required=False, empty_label="No plan"
    )
    start = date_field("Starts on", initial=timezone.localdate)
    end = date_field("Ends on")
    cost_per_hour = forms.DecimalField(
        label="Cost per hour (£)", required=False, min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        open_plans = pupil.plans.exclude(status=Plan.Status.CLOSED)
        self.fields["plan"].queryset = open_plans
        self.fields["targets"].queryset = (
            Target.objects.filter(plan__in=open_plans)
            .select_related("plan")
            .order_by("plan__created", "order", "text")
        )
        self.fields["targets"].label_from_instance = lambda t: f"{t.text} ({t.plan.title})"
        if not self.is_bound:
            self.initial.setdefault(
                "source",
                Provision.Source.EHCP_F
                if pupil.sen_status == "E"
                else Provision.Source.SEN_SUPPORT,
            )

    def provision_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "targets"}
        data["days"] = "".join(self.cleaned_data.get("days") or [])
        return data


class ProvisionEndForm(forms.Form):
    end = date_field("Last day of the provision", initial=timezone.localdate)
