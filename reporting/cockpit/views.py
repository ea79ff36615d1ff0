"""The cockpit (驾驶舱): the landing page of city leaders, the principal leaders and the DRC."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from django.views.generic import TemplateView

from accounts.access import reads_everything
from accounts.choices import Role
from accounts.policies import Policy
from chains.models import Industry
from reporting.cockpit import selectors
from reporting.dashboard import depends
from reporting.dashboard import selectors as dashboard
from reporting.dashboard.access import dashboard_industries, reads_city_overview
from reporting.periods import services
from reporting.updates.selectors import default_review_period


class CockpitView(TemplateView):
    """The landing page of city leaders, the principal leaders and the DRC
    (accounts.access.lands_on_cockpit; HomeView sends them here)."""

    access_policy = Policy.OBJECT
    template_name = "reporting/cockpit/cockpit.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not reads_city_overview(user):
            raise PermissionDenied
        today = services.today()
        services.periods_ensure(today)
        period = default_review_period(today)
        industries = dashboard_industries(user).order_by("category__position", "position")
        own = set(
            Industry.objects.filter(
                assignment__official_links__official_id=user.official_id
            ).values_list("pk", flat=True)
            if user.official_id
            else ()
        )
        city_wide = reads_everything(user)
        ids = sorted(industries.values_list("pk", flat=True))  # the scope, read once
        scope = hashlib.sha1(
            ",".join(map(str, ids)).encode() + f"|{sorted(own)}|{city_wide}".encode()
        ).hexdigest()[:16]
        data = dashboard.cached(
            ("cockpit", today, period.pk, scope, get_language()),
            lambda: selectors.cockpit(industries, own, period, today, city_wide=city_wide),
            depends.cockpit(period, ids),
        )
        return super().get_context_data(
            period=period,
            today=today,
            cockpit=data,
            chart=selectors.chart_data(data["lines"]),
            hearing=user.role == Role.MAIN_LEADER,
            **kwargs,
        )
