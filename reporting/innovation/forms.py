from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from chains.models import Unit
from portal.forms import TakeOutForm
from reporting.innovation.access import RECORDS, industries_recording

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTHS = [(m, f"{m}月") for m in range(1, 13)]

FIELDS = {
    "platform": ["name", "level", "kind", "host", "district", "status", "year", "note"],
    "project": [
        "name",
        "lead_org",
        "district",
        "budget",
        "start_on",
        "end_on",
        "status",
        "results",
    ],
    "transfer": ["year", "month", "enterprise", "district", "title", "count", "contract_value"],
    "talent": ["year", "month", "kind", "count", "district", "note"],
}

TITLES = {
    "platform": _("innovation platform"),
    "project": _("key core technology project"),
    "transfer": _("results transferred"),
    "talent": _("talent introduced"),
}


def record_form(kind: str, *args, user: User, editing: bool = False, **kwargs) -> forms.ModelForm:
    """The form of one kind of record; when adding, the industry is chosen among those the
    user's unit records for; when editing, the version loaded rides along."""
    model, fields = RECORDS[kind], FIELDS[kind]
    names = fields if editing else ["industry", *fields]
    widgets = {
        "start_on": DATE,
        "end_on": DATE,
        "note": forms.Textarea(attrs={"rows": 2}),
        "results": forms.Textarea(attrs={"rows": 3}),
    }
    attrs = {
        "Meta": type(
            "Meta",
            (),
            {
                "model": model,
                "fields": names,
                "widgets": {k: v for k, v in widgets.items() if k in names},
            },
        ),
    }
    if "month" in names:
        attrs["month"] = forms.TypedChoiceField(label=_("month"), choices=MONTHS, coerce=int)
    if editing:
        attrs["version"] = forms.IntegerField(widget=forms.HiddenInput)
    form = type(f"{model.__name__}Form", (forms.ModelForm,), attrs)(*args, **kwargs)
    if "industry" in form.fields:
        form.fields["industry"].queryset = industries_recording(user).order_by("position")
    if "district" in form.fields:
        form.fields["district"].queryset = Unit.objects.filter(
            kind__in=["district", "zone"]
        ).order_by("position")
        form.fields["district"].empty_label = _("City level (no district)")
        form.fields["district"].help_text = _(
            "The district of the platform, the lead enterprise, the enterprise taking the "
            "results or the talent's employer; none for a city-level one."
        )
    return form


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=200)
    due_on = forms.DateField(label=_("due"), widget=DATE)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


RemoveForm = TakeOutForm
