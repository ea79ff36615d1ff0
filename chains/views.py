from django.views.generic import TemplateView

from accounts.access import access_industry, access_unit, industry_roles
from accounts.choices import Action
from accounts.policies import Policy
from reporting.land import carrier_areas_for_industry

from .policies import policies_for_industry
from .selectors import industries_with_assignments, matrix_by_category, unit_industries


class MatrixView(TemplateView):
    """The whole 4+4+6 matrix as the source document lays it out. Every signed-in user may
    read it: it is the published division of work."""

    access_policy = Policy.AUTHENTICATED
    template_name = "chains/matrix.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=matrix_by_category(), roles=industry_roles(self.request.user), **kwargs
        )


class IndustryDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/industry_detail.html"

    def get_context_data(self, **kwargs):
        industry = access_industry(user=self.request.user, code=self.kwargs["code"])
        industry = industries_with_assignments().prefetch_related("subsegments").get(pk=industry.pk)
        shared_with = industry.assignment.industries.exclude(pk=industry.pk).order_by("position")
        my_action = industry_roles(self.request.user).get(industry.pk)
        return super().get_context_data(
            industry=industry,
            shared_with=list(shared_with),
            my_action=my_action,
            carrier_areas=carrier_areas_for_industry(industry),
            policies=policies_for_industry(industry),
            # accounts.access.can_edit_policies, read from the roles already loaded
            can_edit_policies=bool(self.request.user.unit_id) and my_action == Action.FILE,
            **kwargs,
        )


class UnitDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/unit_detail.html"

    def get_context_data(self, **kwargs):
        unit = access_unit(user=self.request.user, code=self.kwargs["code"])
        industries = unit_industries(unit)
        return super().get_context_data(
            unit=unit, leads=industries["lead"], supports=industries["responsible"], **kwargs
        )
