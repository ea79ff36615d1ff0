"""Posting a comment to a thread."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.policies import Policy
from portal.viewhelpers import back_to, error_text
from reporting.comments import services
from reporting.comments.access import comment_target


class CommentCreateView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request):
        try:
            pk = int(request.POST.get("pk", ""))
        except ValueError:
            raise Http404 from None
        target = comment_target(user=request.user, kind=request.POST.get("target", ""), pk=pk)
        back = back_to(request, request.POST.get("next", ""), reverse("reporting:due"))
        try:
            comment = services.comment_add(
                user=request.user,
                target=target,
                text=request.POST.get("text", ""),
                section=request.POST.get("section", ""),
            )
            messages.success(request, _("Comment posted."))
            if comment.dropped_mentions:
                messages.warning(
                    request,
                    _("Not told (they do not take part in it): %(units)s")
                    % {"units": "、".join(comment.dropped_mentions)},
                )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(back.split("#")[0] + "#comments")
