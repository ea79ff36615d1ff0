"""The 数据核查 (data follow-up) list: figures imported with a flag and not yet explained, for
statistics staff and the DRC; statistics staff explain them here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.policies import Policy
from chains.quality import selectors, services
from chains.quality.access import access_flag, can_explain, can_read_follow_up


class FollowUpView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/quality/follow_up.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_read_follow_up(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        explained = self.request.GET.get("show") == "explained"
        # Paged by figure: a figure's flags are never split between two pages.
        page = Paginator(selectors.follow_up_figures(explained=explained), 50).get_page(
            self.request.GET.get("page")
        )
        figures = selectors.figures_of(page, explained=explained)
        return super().get_context_data(
            page=page,
            figures=figures,
            explained=explained,
            open_count=selectors.open_figures_count(),
            can_explain=can_explain(self.request.user),
            **kwargs,
        )

    def post(self, request):
        flag = access_flag(user=request.user, pk=int(request.POST.get("flag", 0) or 0), write=True)
        try:
            services.flag_explain(
                pk=flag.pk, user=request.user, explanation=request.POST.get("explanation", "")
            )
        except services.AlreadyExplained as exc:
            messages.info(
                request,
                _("%(who)s explained this figure already: %(text)s")
                % {"who": exc.flag.explained_by.display_name, "text": exc.flag.explanation},
            )
        except ValueError:
            messages.error(request, _("Write why the figure is right before saving."))
        else:
            messages.success(request, _("Explained: the figure has left the follow-up list."))
        return redirect("stats:follow_up")
