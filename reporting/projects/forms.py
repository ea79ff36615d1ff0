"""The register's forms: a project's fields (the industry chosen only when adding), the
filters of the list, and the reason for taking a project out."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.access import industries_for
from accounts.choices import Action
from accounts.models import User
from chains.models import CarrierArea, Unit
from portal.forms import TakeOutForm
from reporting.models import LandItem, Project

FIELDS = [
    "name",
    "investor",
    "district",
    "carrier",
    "investment",
    "stage",
    "stop_reason",
    "land_mu",
    "land_supply_month",
    "land_items",
    "responsible_unit",
]


class MonthField(forms.DateField):
    """A month (供地时序计划 plans land by month), typed as 2027-03; stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month", "placeholder": "2027-03"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as year-month, e.g. 2027-03.")}


class ProjectForm(forms.ModelForm):
    land_supply_month = MonthField(label=_("planned land supply month"), required=False)

    class Meta:
        model = Project
        fields = ["industry", *FIELDS]
        widgets = {"stop_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        industry = self.instance.industry if editing else None
        if editing:
            del self.fields["industry"]
        else:
            self.fields["industry"].queryset = industries_for(user, Action.FILE).order_by(
                "category__position", "position"
            )
        self.fields["district"].queryset = Unit.objects.filter(
            kind__in=["district", "zone"]
        ).order_by("position")
        self.fields["carrier"].queryset = CarrierArea.objects.select_related("unit").order_by(
            "unit__position", "name"
        )
        self.fields["responsible_unit"].queryset = Unit.objects.order_by("position")
        self.fields["responsible_unit"].required = False
        land = LandItem.objects.select_related("unit").order_by("-year", "-month", "name")
        if industry is not None:
            land = land.filter(industry=industry)
        elif user.unit_id:
            land = land.filter(industry__in=industries_for(user, Action.FILE))
        if editing:  # the links it has stay offered, whoever's they are
            land = land | LandItem.objects.filter(projects=self.instance)
        self.fields["land_items"].queryset = land.distinct()
        self.fields["land_items"].required = False
        self.fields["land_items"].help_text = _(
            "The land items (空间统筹) that supply this project's land."
        )

    def changes(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in FIELDS if name != "land_items"}
        if not data["responsible_unit"]:
            data.pop("responsible_unit")
        return data


class ProjectEditForm(ProjectForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RemoveForm(TakeOutForm):
    reason = forms.CharField(
        label=_("Why take it out of the register"), widget=forms.Textarea(attrs={"rows": 2})
    )
