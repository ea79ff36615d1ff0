"""Pages of the coordination loop: open problems, meetings and their decisions, action items."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.access import (
    access_action,
    access_industry,
    access_meeting,
    access_problem,
    can_review,
    industries_for,
)
from accounts.choices import Action
from accounts.policies import Policy
from chains.models import Unit
from reporting import coordination, services
from reporting.choices import ActionStatus, ProblemStatus
from reporting.models import ActionItem, Problem
from reporting.views import error_text
from reporting.workdays import WorkCalendar


class ProblemListView(TemplateView):
    """Problems raised in updates, for the DRC to escalate; others see their industries'."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/problem_list.html"

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


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    chair = forms.ModelChoiceField(label=gettext_lazy("chair"), queryset=None)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("attending units"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problems = forms.ModelMultipleChoiceField(
        label=gettext_lazy("agenda"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(
        label=gettext_lazy("minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, industry, **kwargs):
        super().__init__(*args, **kwargs)
        assignment = industry.assignment
        self.fields["chair"].queryset = assignment.officials.all()
        self.fields["units"].queryset = Unit.objects.filter(
            assignment_links__assignment=assignment
        ).order_by("position")
        # With their update: meeting_create checks each problem's industry.
        self.fields["problems"].queryset = Problem.objects.filter(
            update__industry=industry, status=ProblemStatus.ESCALATED
        ).select_related("update")


class MeetingCreateView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/meeting_form.html"

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


class ActionForm(forms.Form):
    decision = forms.CharField(
        label=gettext_lazy("decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("responsible unit"), queryset=Unit.objects.order_by("position")
    )
    deadline = forms.DateField(
        label=gettext_lazy("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    problem = forms.ModelChoiceField(label=gettext_lazy("problem"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = meeting.agenda.all()


class MeetingDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = access_meeting(user=self.request.user, pk=self.kwargs["pk"])
        today, calendar = services.today(), WorkCalendar()
        actions = list(meeting.actions.select_related("unit", "problem"))
        return super().get_context_data(
            meeting=meeting,
            agenda=meeting.agenda.select_related("update__unit", "update__period"),
            units=meeting.attending_units.all(),
            actions=[(a, coordination.action_light(a, today, calendar)) for a in actions],
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
    template_name = "reporting/action_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        action = access_action(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            action=action,
            events=action.events.select_related("actor__unit"),
            light=coordination.action_light(action, services.today(), WorkCalendar()),
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


def unit_actions(user, today):
    """The action items the user's unit must do, open first, with their traffic light."""
    if not user.unit_id:
        return []
    calendar = WorkCalendar()
    items = (
        ActionItem.objects.filter(unit_id=user.unit_id)
        .select_related("meeting__industry")
        .order_by("status", "deadline")[:100]
    )
    return [(a, coordination.action_light(a, today, calendar)) for a in items]
