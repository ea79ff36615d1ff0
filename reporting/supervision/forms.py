"""The forms of the supervision loop: a coordination meeting and its action items."""

from django import forms
from django.utils.translation import gettext_lazy

from chains.models import Industry, Unit
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
    place = forms.CharField(label=gettext_lazy("place"), max_length=100, required=False)
    minutes = forms.CharField(
        label=gettext_lazy("minutes (if already held)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
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


def _units():
    return Unit.objects.order_by("kind", "position")


class AssignForm(forms.Form):
    """交办: what is to be done, by whom (a host unit and any co-units) and by when."""

    decision = forms.CharField(
        label=gettext_lazy("item to be handled"), widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("host unit (主办)"), queryset=None)
    co_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("co-units (协办)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    deadline = forms.DateField(
        label=gettext_lazy("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["co_units"].queryset = _units()

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("unit") in (data.get("co_units") or []):
            self.add_error("co_units", gettext_lazy("The host unit cannot also be a co-unit."))
        return data


class ActionForm(AssignForm):
    """A meeting's decision, optionally answering one of its agenda's problems."""

    problem = forms.ModelChoiceField(label=gettext_lazy("problem"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = gettext_lazy("decision")
        self.fields["problem"].queryset = meeting.agenda.all()


class InstructionAssignForm(AssignForm):
    """An instruction made an item: its industry too (a report's instruction has none)."""

    industry = forms.ModelChoiceField(
        label=gettext_lazy("Industry"), queryset=Industry.objects.order_by("position")
    )
    field_order = ["industry", "decision", "unit", "co_units", "deadline"]


class DecisionForm(AssignForm):
    """One decision of the minutes (纪要), an item once recorded; a blank row is skipped."""

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = gettext_lazy("decision")
        self.fields["problem"] = forms.ModelChoiceField(
            label=gettext_lazy("problem"), queryset=meeting.agenda.all(), required=False
        )
        self.fields["decision"].widget.attrs["rows"] = 2


class BaseDecisionFormSet(forms.BaseFormSet):
    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "meeting": self.meeting}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            meeting=self.meeting,
        )
        self.add_fields(form, None)
        return form


DecisionFormSet = forms.formset_factory(
    DecisionForm, formset=BaseDecisionFormSet, extra=3, max_num=30, validate_max=True
)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("minutes (纪要)"), widget=forms.Textarea(attrs={"rows": 6})
    )
