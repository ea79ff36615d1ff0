"""The forms of the supervision loop: a coordination meeting and its action items."""

from django import forms
from django.utils.translation import gettext_lazy

from chains.models import Unit
from reporting.choices import ProblemStatus
from reporting.models import Problem


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    chair = forms.ModelChoiceField(label=gettext_lazy("chair"), queryset=None)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("attending units"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problems = forms.ModelMultipleChoiceField(
        label=gettext_lazy("agenda"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(
        label=gettext_lazy("minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, industry, **kwargs):
        super().__init__(*args, **kwargs)
        assignment = industry.assignment
        self.fields["chair"].queryset = assignment.officials.all()
        self.fields["units"].queryset = Unit.objects.filter(
            assignment_links__assignment=assignment
        ).order_by("position")
        # With their update: meeting_create checks each problem's industry.
        self.fields["problems"].queryset = Problem.objects.filter(
            update__industry=industry, status=ProblemStatus.ESCALATED
        ).select_related("update")


class ActionForm(forms.Form):
    decision = forms.CharField(
        label=gettext_lazy("decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("responsible unit"), queryset=Unit.objects.order_by("position")
    )
    deadline = forms.DateField(
        label=gettext_lazy("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    problem = forms.ModelChoiceField(label=gettext_lazy("problem"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = meeting.agenda.all()
