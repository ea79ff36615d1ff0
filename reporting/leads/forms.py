from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.access import industries_for, reads_everything
from accounts.choices import Action
from accounts.models import User
from chains.models import Industry, Unit
from portal.forms import TakeOutForm
from reporting.leads.access import guides_leads
from reporting.leads.models import LeadStage
from reporting.models import InvestmentLead

FIELDS = [
    "target",
    "source",
    "industry",
    "district",
    "expected_investment",
    "next_step",
    "next_step_due",
]


class LeadForm(forms.ModelForm):
    class Meta:
        model = InvestmentLead
        fields = FIELDS
        widgets = {
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "next_step_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # A district courts for any industry; a lead unit for those it leads.
        if (
            guides_leads(user)
            or reads_everything(user)
            or (user.unit_id and user.unit.kind in ("district", "zone"))
        ):
            industries = Industry.objects.all()
        else:
            industries = industries_for(user, Action.FILE)
        self.fields["industry"].queryset = industries.order_by("category__position", "position")
        self.fields["district"].queryset = Unit.objects.filter(
            kind__in=["district", "zone"]
        ).order_by("position")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}


class LeadEditForm(LeadForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=_("Move to"), choices=LeadStage.choices)
    text = forms.CharField(
        label=_("Note (the reason, when dropping)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GuideForm(forms.Form):
    text = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=Unit.objects.order_by("position"),
        required=False,
        empty_label=_("(keep the unit following it)"),
    )


RemoveForm = TakeOutForm
