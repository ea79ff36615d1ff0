"""Pages of the industry policy register (一产业一政策): an industry's policies, adding and
changing one (the units that file for the industry), and a policy with its evaluations, which
the DRC records on the same page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.access import access_industry, can_review
from accounts.policies import Policy
from chains.policies import selectors
from chains.policies import services as policies
from chains.policies.access import access_policy_record, can_edit_policies
from chains.policies.forms import EvaluationForm, PolicyEditForm, PolicyForm


class PolicyListView(TemplateView):
    """An industry's register: whoever may view the industry may read it."""

    access_policy = Policy.OBJECT
    template_name = "chains/policies/policy_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        industry = access_industry(user=user, code=self.kwargs["code"])
        return super().get_context_data(
            industry=industry,
            policies=selectors.policies_for_industry(industry),
            summary=selectors.policy_summary([industry])[0],
            can_edit=can_edit_policies(user, industry),
            **kwargs,
        )


class PolicyCreateView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/policies/policy_form.html"

    def _industry(self):
        industry = access_industry(user=self.request.user, code=self.kwargs["code"])
        if not can_edit_policies(self.request.user, industry):
            raise PermissionDenied
        return industry

    def get(self, request, code):
        industry = self._industry()
        form = PolicyForm(
            initial={"issuer": request.user.unit_id, "issued_on": timezone.localdate()}
        )
        return self.render_to_response(self.get_context_data(form=form, industry=industry))

    def post(self, request, code):
        industry = self._industry()
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                policy = policies.policy_create(
                    industry=industry, user=request.user, **form.cleaned_data
                )
                messages.success(request, _("Policy added to the register."))
                return redirect("chains:policy", policy.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(
            self.get_context_data(form=form, industry=industry), status=400
        )


class PolicyEditView(TemplateView):
    """Change a policy. A save over a colleague's newer one is refused (409) with the typed
    values kept and the saved ones shown beside them."""

    access_policy = Policy.OBJECT
    template_name = "chains/policies/policy_form.html"

    def context(self, form, policy, **extra):
        return self.get_context_data(form=form, industry=policy.industry, policy=policy, **extra)

    def get(self, request, pk):
        policy = access_policy_record(user=request.user, pk=pk, write=True)
        form = PolicyEditForm(initial=PolicyEditForm.initial_from(policy))
        return self.render_to_response(self.context(form, policy))

    def post(self, request, pk):
        policy = access_policy_record(user=request.user, pk=pk, write=True)
        form = PolicyEditForm(request.POST)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            try:
                policies.policy_update(policy=policy, user=request.user, version=version, **fields)
                messages.success(request, _("Policy saved."))
                return redirect("chains:policy", policy.pk)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    current = access_policy_record(user=request.user, pk=pk, write=True)
                    messages.error(request, " ".join(exc.messages))
                    # Saving again now overwrites the colleague's version knowingly.
                    form.data = form.data.copy()
                    form.data["version"] = current.version
                    return self.render_to_response(
                        self.context(form, current, conflict=current), status=409
                    )
                form.add_error(None, exc)
        return self.render_to_response(self.context(form, policy), status=400)


class PolicyDetailView(TemplateView):
    """A policy and its evaluations over time; the DRC adds an evaluation here."""

    access_policy = Policy.OBJECT
    template_name = "chains/policies/policy_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        policy = kwargs.pop("policy", None) or access_policy_record(user=user, pk=self.kwargs["pk"])
        can_evaluate = can_review(user)
        form = kwargs.pop("form", None)
        if form is None and can_evaluate:
            form = EvaluationForm(initial={"evaluated_on": timezone.localdate()})
        return super().get_context_data(
            policy=policy,
            industry=policy.industry,
            evaluations=policy.evaluations.select_related("evaluator__unit"),
            can_edit=can_edit_policies(user, policy.industry),
            can_evaluate=can_evaluate,
            form=form,
            **kwargs,
        )

    def post(self, request, pk):
        policy = access_policy_record(user=request.user, pk=pk)
        if not can_review(request.user):
            raise PermissionDenied
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                policies.policy_evaluate(policy=policy, user=request.user, **form.cleaned_data)
                messages.success(request, _("Evaluation recorded."))
                return redirect("chains:policy", pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(policy=policy, form=form), status=400)
