"""Pages of the coordination loop: open problems, meetings and their decisions, action items."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_industry, can_review, industries_for
from accounts.choices import Action
from accounts.policies import Policy
from portal.viewhelpers import error_text
from reporting.choices import ActionStatus, ProblemStatus
from reporting.models import Problem
from reporting.periods import services
from reporting.periods.workdays import WorkCalendar
from reporting.supervision import selectors
from reporting.supervision import services as coordination
from reporting.supervision.access import access_action, access_meeting, access_problem
from reporting.supervision.forms import ActionForm, MeetingForm


class ProblemListView(TemplateView):
    """Problems raised in updates, for the DRC to escalate; others see their industries'."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/supervision/problem_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        status = self.request.GET.get("status") or ""
        problems = (
            Problem.objects.filter(update__industry__in=industries_for(user, Action.VIEW))
            .select_related("update__industry", "update__unit", "update__period", "meeting")
            .order_by("-update__period__year", "-update__period__month", "id")
        )
        if status:
            problems = problems.filter(status=status)
        return super().get_context_data(
            problems=problems[:300],
            statuses=ProblemStatus.choices,
            status=status,
            can_escalate=can_review(user),
            **kwargs,
        )


class ProblemEscalateView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        problem = access_problem(user=request.user, pk=pk)
        try:
            coordination.problem_escalate(problem=problem, user=request.user)
            messages.success(
                request,
                _("Escalated: the problem waits for the lead official's coordination meeting."),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:problems")


class MeetingCreateView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/meeting_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not can_review(request.user):
                raise PermissionDenied
            self.industry = access_industry(
                user=request.user,
                code=request.GET.get("industry") or request.POST.get("industry", ""),
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = MeetingForm(industry=self.industry)
        form.initial["problems"] = list(form.fields["problems"].queryset)  # all escalated ones
        return self.render_to_response(self.get_context_data(form=form, industry=self.industry))

    def post(self, request):
        form = MeetingForm(request.POST, industry=self.industry)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = coordination.meeting_create(
                    industry=self.industry,
                    chair=data["chair"],
                    date=data["date"],
                    units=list(data["units"]),
                    problems=list(data["problems"]),
                    minutes=data["minutes"],
                    user=request.user,
                )
                return redirect("reporting:meeting", meeting.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(
            self.get_context_data(form=form, industry=self.industry), status=400
        )


class MeetingDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = access_meeting(user=self.request.user, pk=self.kwargs["pk"])
        today, calendar = services.today(), WorkCalendar()
        actions = list(meeting.actions.select_related("unit", "problem"))
        return super().get_context_data(
            meeting=meeting,
            agenda=meeting.agenda.select_related("update__unit", "update__period"),
            units=meeting.attending_units.all(),
            actions=[(a, selectors.action_light(a, today, calendar)) for a in actions],
            can_record=can_review(self.request.user),
            form=kwargs.pop("form", None) or ActionForm(meeting=meeting),
            **kwargs,
        )

    def post(self, request, pk):
        meeting = access_meeting(user=request.user, pk=pk, write=True)
        form = ActionForm(request.POST, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                coordination.action_create(
                    meeting=meeting,
                    decision=data["decision"],
                    unit=data["unit"],
                    deadline=data["deadline"],
                    user=request.user,
                    problem=data["problem"],
                )
                messages.success(
                    request, _("Action item recorded; the responsible unit has been notified.")
                )
                return redirect("reporting:meeting", pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ActionDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/action_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        action = access_action(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            action=action,
            events=action.events.select_related("actor__unit"),
            light=selectors.action_light(action, services.today(), WorkCalendar()),
            can_respond=user.unit_id == action.unit_id and action.status != ActionStatus.CLOSED,
            can_grant=can_review(user) and action.status == ActionStatus.EXTENSION_REQUESTED,
            **kwargs,
        )

    def post(self, request, pk):
        step = request.POST.get("step")
        action = access_action(
            user=request.user, pk=pk, act="grant" if step == "grant" else "respond"
        )
        text = request.POST.get("text", "")
        try:
            if step == "progress":
                coordination.action_progress(action=action, user=request.user, text=text)
            elif step == "extend":
                until = forms.DateField().clean(request.POST.get("until"))
                coordination.action_request_extension(
                    action=action, user=request.user, until=until, reason=text
                )
            elif step == "grant":
                coordination.action_grant_extension(action=action, user=request.user)
            elif step == "close":
                coordination.action_close(action=action, user=request.user, evidence=text)
                messages.success(request, _("Closed (销号)."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:action", pk)
