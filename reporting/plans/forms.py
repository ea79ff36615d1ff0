"""Forms of the yearly work plans and of the monthly progress recorded against them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.choices import SIX_ELEMENTS
from reporting.models import WorkPlan
from reporting.plans.services import ItemContent

BLANK = [("", "——")]

MONTHS = [(m, _("by the end of month %(month)s") % {"month": m}) for m in range(1, 13)]


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = WorkPlan
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class PlanItemForm(forms.Form):
    # A blank first element keeps an untouched extra row unchanged, and so not validated.
    element = forms.ChoiceField(
        label=_("element"), choices=BLANK + [(s.value, s.label) for s in SIX_ELEMENTS]
    )
    task = forms.CharField(label=_("task and target"), widget=forms.Textarea(attrs={"rows": 2}))
    target_value = forms.DecimalField(
        label=_("target value"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    target_unit = forms.CharField(label=_("unit of the target"), max_length=20, required=False)
    responsible = forms.ModelChoiceField(label=_("responsible unit"), queryset=None)
    due_month = forms.TypedChoiceField(label=_("due by month"), choices=BLANK + MONTHS, coerce=int)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("target_value") is not None and not data.get("target_unit"):
            self.add_error("target_unit", _("Give the unit of the target value (e.g. 亿元, 个)."))
        return data

    def content(self) -> ItemContent:
        data = self.cleaned_data
        return ItemContent(
            element=data["element"],
            task=data["task"].strip(),
            responsible=data["responsible"],
            due_month=data["due_month"],
            target_value=data["target_value"],
            target_unit=data["target_unit"].strip(),
        )


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=3, can_delete=True)


class PlanReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    reason = forms.CharField(
        label=_("Reason for returning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
