"""The work team's page: the lead unit edits the industry's roster (rows added without saving
first by static/js/rows.js when present; otherwise save to get another empty row)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.access import access_industry, require
from accounts.models import User
from accounts.policies import Policy
from chains.models import Unit
from chains.teams import selectors, services
from chains.teams.access import keeps_team
from chains.teams.models import TeamChange, TeamRole
from portal.viewhelpers import error_text


class MemberForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("part in the team"), choices=TeamRole.choices)
    name = forms.CharField(label=gettext_lazy("name"), max_length=50)
    title = forms.CharField(label=gettext_lazy("position"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=20, required=False)
    user = forms.ModelChoiceField(
        label=gettext_lazy("portal account"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, industry=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(assignment_links__assignment=industry.assignment_id).order_by(
            "assignment_links__role", "position"
        )
        self.fields["unit"].queryset = units
        self.fields["user"].queryset = User.objects.filter(unit__in=units, is_active=True).order_by(
            "unit__position", "username"
        )


class BaseRoster(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


RosterFormSet = forms.formset_factory(
    MemberForm, formset=BaseRoster, extra=2, can_delete=True, max_num=80
)


class TeamEditView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/teams/team_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.industry = access_industry(user=request.user, code=kwargs["code"])
            require(keeps_team(request.user, self.industry))
        return super().dispatch(request, *args, **kwargs)

    def context(self, formset, version, **extra):
        return self.get_context_data(
            industry=self.industry,
            formset=formset,
            version=version,
            changes=TeamChange.objects.filter(industry=self.industry).select_related("actor")[:20],
            **extra,
        )

    def get(self, request, *args, **kwargs):
        initial = [
            {
                "unit": m.unit_id,
                "role": m.role,
                "name": m.name,
                "title": m.title,
                "phone": m.phone,
                "user": m.user_id,
            }
            for m in selectors.roster(self.industry)
        ]
        formset = RosterFormSet(
            prefix="team", initial=initial, form_kwargs={"industry": self.industry}
        )
        return self.render_to_response(self.context(formset, selectors.version(self.industry)))

    def post(self, request, *args, **kwargs):
        formset = RosterFormSet(
            request.POST, prefix="team", form_kwargs={"industry": self.industry}
        )
        version = request.POST.get("version", "")
        if formset.is_valid() and version.isdigit():
            try:
                services.roster_save(
                    industry=self.industry,
                    user=request.user,
                    version=int(version),
                    members=formset.rows(),
                )
                messages.success(request, _("Work team saved."))
                return redirect("industry", self.industry.code)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                status = 409 if getattr(exc, "code", None) == "conflict" else 400
                return self.render_to_response(
                    self.context(formset, selectors.version(self.industry)), status=status
                )
        messages.error(request, _("Not saved: please correct the marked fields."))
        return self.render_to_response(self.context(formset, version), status=400)
