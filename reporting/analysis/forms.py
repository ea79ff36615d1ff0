"""The form of the statistics bureau's analysis: its text, and the version the writer loaded."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.analysis.services import MAX_LENGTH


class AnalysisForm(forms.Form):
    text = forms.CharField(
        label=_("Analysis"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Output value or revenue of the month and its year-on-year change, the "
            "sub-segments, key enterprises, and what the figures suggest."
        ),
    )
    # 0: there was no analysis yet when the writer opened the page.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
