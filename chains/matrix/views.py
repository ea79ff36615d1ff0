"""The matrix's pages: the home page (the user's own industries), the whole 4+4+6 matrix, a unit's
industries, and the matrix's change record."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.access import industry_roles, lands_on_cockpit
from accounts.policies import Policy
from chains.matrix.access import access_matrix_history, access_unit, can_read_matrix_history
from chains.matrix.history import change_entries
from chains.matrix.selectors import (
    industries_with_assignments,
    matrix_by_category,
    matrix_change_records,
    unit_industries,
)
from chains.models import Industry


class HomeView(TemplateView):
    """The user's industries, each with what the user may do there."""

    access_policy = Policy.AUTHENTICATED
    template_name = "chains/matrix/home.html"

    def get(self, request, *args, **kwargs):
        if lands_on_cockpit(request.user):
            return redirect("cockpit")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        roles = industry_roles(self.request.user)
        industries = industries_with_assignments().filter(pk__in=roles)
        return super().get_context_data(
            rows=[(industry, roles[industry.pk]) for industry in industries], **kwargs
        )


CHANGES_PER_PAGE = 20


class MatrixView(TemplateView):
    """The whole 4+4+6 matrix as the source document lays it out. Every signed-in user may
    read it: it is the published division of work."""

    access_policy = Policy.AUTHENTICATED
    template_name = "chains/matrix/matrix.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=matrix_by_category(),
            roles=industry_roles(self.request.user),
            can_read_matrix_history=can_read_matrix_history(self.request.user),
            **kwargs,
        )


class UnitDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/matrix/unit_detail.html"

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
    template_name = "chains/matrix/matrix_changes.html"

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
