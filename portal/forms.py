"""Forms the features share."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TakeOutForm(forms.Form):
    """Taking a record out (never deleting it): the version the user saw and why."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why take it out"), widget=forms.Textarea(attrs={"rows": 2}))
