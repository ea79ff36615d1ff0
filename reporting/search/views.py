"""Search from the header (selectors.search: scoped to what the user may open)."""

from django.views.generic import TemplateView

from accounts.policies import Policy
from reporting.search import selectors


class SearchView(TemplateView):
    access_policy = Policy.AUTHENTICATED  # every result is scoped by the selector
    template_name = "reporting/search/search.html"

    def get_context_data(self, **kwargs):
        query = (self.request.GET.get("q") or "").strip()[: selectors.MAX_LENGTH]
        return super().get_context_data(
            q=query,
            groups=selectors.search(self.request.user, query),
            too_short=bool(query) and not selectors.words(query),
            min_length=selectors.MIN_LENGTH,
            **kwargs,
        )
