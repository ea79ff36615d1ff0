from django.core.paginator import Paginator
from django.views.generic import TemplateView

from accounts.access import (
    access_industry,
    access_matrix_history,
    access_unit,
    can_read_matrix_history,
    industry_roles,
)
from accounts.choices import Action
from accounts.policies import Policy
from chains.matrix_history import change_entries
from chains.models import Industry
from chains.policies import policies_for_industry
from chains.selectors import (
    industries_with_assignments,
    matrix_by_category,
    matrix_change_records,
    unit_industries,
)
from reporting.land import carrier_areas_for_industry

# The industry page shows its latest changes; the whole record is on MatrixChangeListView.
INDUSTRY_PAGE_CHANGES = 10
CHANGES_PER_PAGE = 20


class MatrixView(TemplateView):
    """The whole 4+4+6 matrix as the source document lays it out. Every signed-in user may
    read it: it is the published division of work."""

    access_policy = Policy.AUTHENTICATED
    template_name = "chains/matrix.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=matrix_by_category(),
            roles=industry_roles(self.request.user),
            can_read_matrix_history=can_read_matrix_history(self.request.user),
            **kwargs,
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
            matrix_history=change_entries(
                matrix_change_records(industry)[:INDUSTRY_PAGE_CHANGES], industry.name
            ),
            can_read_matrix_history=can_read_matrix_history(self.request.user),
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


class MatrixChangeListView(TemplateView):
    """责任分工变更记录: every recorded change of the matrix — who, when, how, what — for the
    DRC and the administrators; ?industry=<code> narrows it to one industry."""

    access_policy = Policy.OBJECT
    template_name = "chains/matrix_changes.html"

    def get_context_data(self, **kwargs):
        industry = access_matrix_history(
            user=self.request.user, industry_code=self.request.GET.get("industry")
        )
        page = Paginator(matrix_change_records(industry), CHANGES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            industry=industry,
            industries=Industry.objects.order_by("category__position", "position"),
            page=page,
            entries=change_entries(page.object_list, industry.name if industry else None),
            **kwargs,
        )
