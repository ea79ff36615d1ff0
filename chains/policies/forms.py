"""The policy register's forms: a policy's particulars and the DRC's evaluation."""

from django import forms

from chains.models import Instrument, PolicyEvaluation, Unit
from chains.models import Policy as IndustryPolicy
from chains.policies import services as policies

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _label(model, name: str):
    """The model field's (already translated) verbose name, so form and admin say the same."""
    return model._meta.get_field(name).verbose_name


class PolicyForm(forms.Form):
    """A policy's particulars. The rules across fields (a policy cannot expire before it comes
    into force) live in the service, whose messages land on the fields concerned."""

    title = forms.CharField(label=_label(IndustryPolicy, "title"), max_length=200)
    issuer = forms.ModelChoiceField(
        label=_label(IndustryPolicy, "issuer"), queryset=Unit.objects.order_by("position")
    )
    document_number = forms.CharField(
        label=_label(IndustryPolicy, "document_number"), max_length=80, required=False
    )
    issued_on = forms.DateField(label=_label(IndustryPolicy, "issued_on"), widget=DATE)
    valid_from = forms.DateField(
        label=_label(IndustryPolicy, "valid_from"), widget=DATE, required=False
    )
    valid_until = forms.DateField(
        label=_label(IndustryPolicy, "valid_until"), widget=DATE, required=False
    )
    instruments = forms.MultipleChoiceField(
        label=_label(IndustryPolicy, "instruments"),
        choices=Instrument.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget = forms.DecimalField(
        label=_label(IndustryPolicy, "budget"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    summary = forms.CharField(
        label=_label(IndustryPolicy, "summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    @classmethod
    def initial_from(cls, policy: IndustryPolicy) -> dict:
        return {name: getattr(policy, name) for name in policies.POLICY_FIELDS}


class PolicyEditForm(PolicyForm):
    """The form to change a policy carries the version it was read at, so a save over a
    colleague's newer one is refused instead of overwriting it."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_from(cls, policy: IndustryPolicy) -> dict:
        return super().initial_from(policy) | {"version": policy.version}


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_label(PolicyEvaluation, "evaluated_on"), widget=DATE)
    concentration = forms.IntegerField(
        label=_label(PolicyEvaluation, "concentration"), min_value=0, max_value=100
    )
    precision = forms.IntegerField(
        label=_label(PolicyEvaluation, "precision"), min_value=0, max_value=100
    )
    fit = forms.IntegerField(label=_label(PolicyEvaluation, "fit"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=_label(PolicyEvaluation, "comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
