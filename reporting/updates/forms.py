"""The forms of a monthly update: the six elements, key projects, problems, a responsible unit's
input, and the DRC's return, reopen and batch review."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reporting.choices import ELEMENT_FIELDS, ProblemType, ProjectStage, Section
from reporting.models import MonthlyUpdate
from reporting.updates.attachments import inspect_upload
from reporting.updates.figures import (
    INVESTMENT,
    PROJECTS_SIGNED,
    SIGNED_AMOUNT,
    parse_confirmations,
)
from reporting.updates.services import CONTENT_FIELDS, UpdateContent

TEXTAREA = {"rows": 4}

BLANK = [("", "——")]


class ConfirmationsField(forms.Field):
    """The ticked “我已核实该数值” boxes, as {figure key: the value confirmed}. The template
    draws a box beside each warning (reporting/updates/_figure_jumps.html)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return parse_confirmations([value] if isinstance(value, str) else value or [])

    def has_changed(self, initial, data):
        return bool(data)


class UpdateForm(forms.ModelForm):
    """The lead unit's text and figures; `version` is the one the user loaded. The figures'
    units, ranges and messages are the model's (reporting/updates/figures.py)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    attachment = forms.FileField(
        label=_("Add an attachment"),
        required=False,
        help_text=_("PDF, Word, Excel or an image (jpg/png), up to 20 MB."),
    )
    confirm_figures = ConfirmationsField(required=False)

    class Meta:
        model = MonthlyUpdate
        fields = CONTENT_FIELDS
        widgets = {
            name: forms.Textarea(attrs=TEXTAREA)
            for name in [*ELEMENT_FIELDS.values(), "suggestions", "next_plan"]
        }
        error_messages = {
            "projects_signed": PROJECTS_SIGNED.error_messages,
            "signed_amount": SIGNED_AMOUNT.error_messages,
        }

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            inspect_upload(upload)  # ValidationError with the reason, the rest of the form kept
        return upload

    def confirmations(self) -> dict:
        return self.cleaned_data.get("confirm_figures") or {}

    def content(self, projects=None, problems=None) -> UpdateContent:
        return UpdateContent(
            fields={name: self.cleaned_data[name] for name in CONTENT_FIELDS},
            key_projects=projects,
            problems=problems,
        )


class KeyProjectForm(forms.Form):
    # The register's project the line reports on (blank: a new project, registered when the
    # update is submitted). Checked against the update's industry by the service.
    project = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    name = forms.CharField(label=_("project"), max_length=200)
    # A blank first choice keeps an untouched extra row unchanged (and so not validated).
    stage = forms.ChoiceField(label=_("stage"), choices=BLANK + ProjectStage.choices)
    investment = forms.DecimalField(
        label=_("investment (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=0,
        max_value=INVESTMENT.maximum,
        error_messages=INVESTMENT.error_messages,
    )
    progress = forms.CharField(
        label=_("progress"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(label=_("type"), choices=BLANK + ProblemType.choices)
    concerned = forms.CharField(
        label=_("enterprise or project concerned"), max_length=200, required=False
    )
    needs_meeting = forms.BooleanField(label=_("needs a coordination meeting"), required=False)


class BaseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """Every row the user keeps: the existing ones (changed or not) and filled new ones."""
        kept = []
        for index, form in enumerate(self.forms):
            is_new = index >= self.initial_form_count()
            if (
                not form.cleaned_data
                or form.cleaned_data.get("DELETE")
                or (is_new and not form.has_changed())
            ):
                continue
            kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


KeyProjectFormSet = forms.formset_factory(
    KeyProjectForm, formset=BaseRowFormSet, extra=1, can_delete=True, max_num=50
)

ProblemFormSet = forms.formset_factory(
    ProblemForm, formset=BaseRowFormSet, extra=1, can_delete=True, max_num=50
)


class ReturnForm(forms.Form):
    """A general reason and, for the sections the reviewer picks, a reason each."""

    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Section.choices:
            self.fields[f"section_{value}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def section_fields(self):
        return [self[f"section_{value}"] for value in Section.values]

    def section_reasons(self) -> dict[str, str]:
        return {value: self.cleaned_data.get(f"section_{value}", "") for value in Section.values}

    def clean(self):
        data = super().clean()
        if not data.get("reason", "").strip() and not any(
            v.strip() for v in self.section_reasons().values()
        ):
            raise ValidationError(
                _("Give a reason: in general, or on the sections that need work.")
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(ReasonForm):
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))


class ContributionForm(forms.Form):
    text = forms.CharField(label=_("Your input"), widget=forms.Textarea(attrs={"rows": 4}))


class BulkReviewForm(forms.Form):
    ACTIONS = [("accept", _("Accept")), ("return", _("Return"))]
    action = forms.ChoiceField(choices=ACTIONS)
    updates = forms.TypedMultipleChoiceField(coerce=int, choices=())
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("reason") or "").strip():
            raise ValidationError(_("Returning needs a reason."))
        return data
