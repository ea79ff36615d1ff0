"""Pages of the coordination loop: open problems, meetings and their decisions, action items."""

import calendar
import datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_industry, can_review, industries_for, require
from accounts.choices import Action
from accounts.policies import Policy
from chains.models import Industry, Official, Unit
from portal.listing import listing, ordered
from portal.responses import file_download, sheets_response
from portal.viewhelpers import back_to, error_text
from reporting.choices import ActionStatus, ProblemStatus, ProblemType
from reporting.models import ActionItem, Instruction, Meeting, MonthlyUpdate, Problem
from reporting.periods import services
from reporting.periods.workdays import WorkCalendar
from reporting.supervision import board, chasing, instructions, selectors
from reporting.supervision import services as coordination
from reporting.supervision.access import (
    access_action,
    access_action_file,
    access_instruction,
    access_meeting,
    access_problem,
    can_instruct,
    instruction_target,
)
from reporting.supervision.forms import (
    ActionForm,
    AssignForm,
    DecisionFormSet,
    InstructionAssignForm,
    MeetingForm,
    MinutesForm,
)

PROBLEM_AGES = {
    # A problem's age runs from its month's deadline, when it was reported (as on the dashboard).
    "recent": (None, 30),
    "months": (30, 90),
    "older": (90, None),
}


# A problem list's orders (?sort=, "-" first for the other way): the newest month first.
PROBLEM_ORDERS = {
    "month": (
        "update__period__year",
        "update__period__month",
        "-update__industry__position",
        "-id",
    ),
    "industry": (
        "update__industry__position",
        "update__period__year",
        "update__period__month",
        "id",
    ),
    "unit": ("update__unit__position", "update__period__year", "update__period__month", "id"),
    "type": ("type", "update__period__year", "update__period__month", "id"),
    "status": ("status", "update__period__year", "update__period__month", "id"),
}


class ProblemListView(TemplateView):
    """Problems raised in updates, for the DRC to handle (assign, escalate, link, resolve);
    others see their industries'. Filters by state, industry, unit, type and age stay in the
    URL; paged; the filtered list exports to xlsx."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/supervision/problem_list.html"

    def filtered(self):
        user, query = self.request.user, self.request.GET
        problems = Problem.objects.filter(
            update__industry__in=industries_for(user, Action.VIEW)
        ).select_related("update__industry", "update__unit", "update__period", "meeting")
        filters = {k: query.get(k, "") for k in ("status", "industry", "unit", "type", "age")}
        if filters["status"] in ProblemStatus.values:
            problems = problems.filter(status=filters["status"])
        if filters["industry"]:
            problems = problems.filter(update__industry__code=filters["industry"])
        if filters["unit"]:
            problems = problems.filter(update__unit__code=filters["unit"])
        if filters["type"] in ProblemType.values:
            problems = problems.filter(type=filters["type"])
        if filters["age"] in PROBLEM_AGES:
            today = services.today()
            younger, older = PROBLEM_AGES[filters["age"]]
            if younger is not None:
                problems = problems.filter(
                    update__period__deadline__lt=today - datetime.timedelta(days=younger)
                )
            if older is not None:
                problems = problems.filter(
                    update__period__deadline__gte=today - datetime.timedelta(days=older)
                )
        return ordered(problems, PROBLEM_ORDERS, self.request.GET.get("sort"), "-month")[0], filters

    def get(self, request, *args, **kwargs):
        problems, filters = self.filtered()
        if request.GET.get("format") == "xlsx":
            header = [
                "月份",
                "产业",
                "提出单位",
                "问题",
                "类型",
                "涉及企业或项目",
                "状态",
                "协调会",
            ]
            rows = [header] + [
                [
                    str(p.update.period),
                    p.update.industry.name,
                    p.update.unit.name,
                    p.description,
                    p.get_type_display(),
                    p.concerned,
                    p.get_status_display(),
                    str(p.meeting) if p.meeting else "",
                ]
                for p in problems.iterator(chunk_size=500)
            ]
            return sheets_response(f"问题清单{services.today():%Y%m%d}", [("问题", rows)])
        found = listing(request, problems, PROBLEM_ORDERS, "-month")
        page = found.page
        visible = industries_for(request.user, Action.VIEW)
        return self.render_to_response(
            self.get_context_data(
                page=page,
                problems=page,
                statuses=ProblemStatus.choices,
                types=ProblemType.choices,
                ages=[
                    ("recent", _("this month")),
                    ("months", _("1–3 months ago")),
                    ("older", _("over 3 months ago")),
                ],
                industries=visible.order_by("position"),
                units=Unit.objects.filter(
                    pk__in=MonthlyUpdate.objects.filter(industry__in=visible).values("unit")
                ).order_by("position"),
                query=found.query,
                listing=found,
                status=filters["status"],
                filters=filters,
                can_escalate=can_review(request.user),
            )
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
                    place=data["place"],
                )
                messages.success(
                    request,
                    _("Meeting saved: the chair's office and the units invited have been told."),
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
        today, calendar = services.today(), WorkCalendar.current()
        actions = list(meeting.actions.select_related("unit", "problem"))
        return super().get_context_data(
            meeting=meeting,
            agenda=meeting.agenda.select_related("update__unit", "update__period"),
            units=meeting.attending_units.all(),
            actions=[(a, selectors.action_light(a, today, calendar)) for a in actions],
            can_record=can_review(self.request.user),
            form=kwargs.pop("form", None) or ActionForm(meeting=meeting),
            minutes_form=kwargs.pop("minutes_form", None)
            or MinutesForm(initial={"minutes": meeting.minutes}),
            decisions=kwargs.pop("decisions", None)
            or DecisionFormSet(prefix="decisions", meeting=meeting),
            **kwargs,
        )

    def post(self, request, pk):
        meeting = access_meeting(user=request.user, pk=pk, write=True)
        if request.POST.get("step") == "minutes":
            return self.record_minutes(request, meeting)
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
                    co_units=list(data["co_units"]),
                )
                messages.success(
                    request, _("Action item recorded; the responsible unit has been notified.")
                )
                return redirect("reporting:meeting", pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def record_minutes(self, request, meeting):
        """纪要 with its decisions, each an item, in one step (all or none)."""
        minutes = MinutesForm(request.POST)
        decisions = DecisionFormSet(request.POST, prefix="decisions", meeting=meeting)
        if minutes.is_valid() and decisions.is_valid():
            rows = [
                form.cleaned_data
                for form in decisions
                if form.cleaned_data and form.cleaned_data.get("decision")
            ]
            try:
                items = coordination.meeting_minutes_record(
                    meeting=meeting,
                    minutes=minutes.cleaned_data["minutes"],
                    decisions=rows,
                    user=request.user,
                )
                messages.success(
                    request,
                    _("Minutes recorded with %(n)s decisions as items; their units have been told.")
                    % {"n": len(items)},
                )
                return redirect("reporting:meeting", meeting.pk)
            except ValidationError as exc:
                minutes.add_error(None, exc)
        return self.render_to_response(
            self.get_context_data(minutes_form=minutes, decisions=decisions), status=400
        )


class MeetingListView(TemplateView):
    """Coordination meetings of the industries the user takes part in: a month's calendar and
    list, by lead official; scheduled ones (no minutes yet) marked."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/supervision/meeting_list.html"

    def get_context_data(self, **kwargs):
        user, query = self.request.user, self.request.GET
        today = services.today()
        try:
            year, month = (int(x) for x in query.get("month", "").split("-"))
            first = datetime.date(year, month, 1)
        except (ValueError, OverflowError):
            first = today.replace(day=1)
        if not 2000 <= first.year <= 2100:
            first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1)
        found = Meeting.objects.filter(industry__in=industries_for(user, Action.VIEW))
        official = query.get("official", "")
        if official:
            found = found.filter(chair__code=official)
        month = list(
            found.filter(date__gte=first, date__lt=last)
            .select_related("industry", "chair")
            .order_by("date", "pk")
        )
        by_day = {}
        for m in month:
            by_day.setdefault(m.date, []).append(m)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        return super().get_context_data(
            month=first,
            previous=(first - datetime.timedelta(days=1)).strftime("%Y-%m"),
            next=last.strftime("%Y-%m"),
            weeks=[[(d, d.month == first.month, by_day.get(d, [])) for d in w] for w in weeks],
            meetings=month,
            upcoming=list(
                found.filter(date__gte=today, minutes_recorded_at__isnull=True)
                .select_related("industry", "chair")
                .order_by("date")[:20]
            ),
            officials=Official.objects.order_by("position"),
            official=official,
            today=today,
            can_schedule=can_review(user),
            industries=Industry.objects.order_by("position"),
            **kwargs,
        )


class MeetingMinutesPdfView(View):
    """The minutes (纪要) as a PDF in the 公文 layout of the reports."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        from django.template.loader import render_to_string

        from portal.pdf import html_pdf

        meeting = access_meeting(user=request.user, pk=pk)
        if not meeting.minutes_recorded_at:
            raise Http404("No minutes yet.")
        html = render_to_string(
            "reporting/supervision/minutes_pdf.html",
            {
                "meeting": meeting,
                "units": list(meeting.attending_units.order_by("position")),
                "agenda": list(meeting.agenda.select_related("update__unit")),
                "actions": list(
                    meeting.actions.select_related("unit").prefetch_related("co_units")
                ),
            },
        )
        response = HttpResponse(html_pdf(html), content_type="application/pdf")
        name = f"{meeting.date:%Y%m%d}{meeting.industry.name}协调会纪要.pdf"
        response["Content-Disposition"] = "inline; filename*=UTF-8''" + quote(name)
        return response


STEPS = [
    (ActionStatus.ASSIGNED, pgettext_lazy("item step", "Assigned")),
    (ActionStatus.IN_PROGRESS, pgettext_lazy("item step", "Acknowledged, in progress")),
    (ActionStatus.REPORTED, pgettext_lazy("item step", "Reported done")),
    (ActionStatus.CLOSED, pgettext_lazy("item step", "Reviewed and closed")),
]


def _steps(action):
    """The item's way 交办 → 签收/办理 → 反馈 → 复核/办结, with where it stands."""
    states = [state for state, _label in STEPS]
    at = states.index(action.status) if action.status in states else -1
    return [
        {"label": label, "done": i < at, "current": i == at} for i, (_s, label) in enumerate(STEPS)
    ]


class ActionDetailView(TemplateView):
    """One item: where it stands, its whole history with files, and the forms of the step each
    party may take now."""

    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/action_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        action = access_action(user=user, pk=self.kwargs["pk"])
        part = action.viewer_part
        reviewer = can_review(user)
        events = list(action.events.select_related("actor__unit").prefetch_related("files"))
        return super().get_context_data(
            action=action,
            co_units=list(action.co_units.order_by("position")),
            problems=list(
                Problem.objects.filter(Q(actions=action) | Q(action=action))
                .distinct()
                .select_related("update__period", "update__unit")
            ),
            events=events,
            chases=list(action.chases.select_related("sent_by")),
            steps=_steps(action),
            light=selectors.action_light(action, services.today(), WorkCalendar.current()),
            part=part,
            can_respond=part == "host" and action.is_open,
            can_contribute=part == "co"
            and action.status in (ActionStatus.ASSIGNED, ActionStatus.IN_PROGRESS),
            can_review=reviewer and action.is_open,
            merge_targets=list(
                ActionItem.objects.filter(
                    industry=action.industry, status__in=ActionStatus.open_values()
                )
                .exclude(pk=action.pk)
                .order_by("deadline")[:50]
            )
            if reviewer and action.is_open
            else [],
            **kwargs,
        )

    ACTS = {
        "acknowledge": "respond",
        "progress": "respond",
        "report": "respond",
        "extend": "respond",
        "contribute": "contribute",
        "accept": "review",
        "return": "review",
        "grant": "review",
        "refuse": "review",
        "cancel": "review",
        "merge": "review",
        "chase": "review",
    }
    DONE = {
        "acknowledge": pgettext_lazy("item step", "Acknowledged (签收): the item is in progress."),
        "progress": _lazy("Progress recorded."),
        "report": _lazy("Reported done: the DRC will review it."),
        "extend": _lazy("Extension requested: the DRC has been told."),
        "contribute": _lazy("Your input has been sent to the host unit."),
        "accept": _lazy("Reviewed and closed (办结)."),
        "return": _lazy("Sent back to the host unit with your reason."),
        "grant": _lazy("Extension granted."),
        "refuse": _lazy("Extension refused."),
        "cancel": _lazy("Item cancelled."),
        "merge": _lazy("Item merged."),
        "chase": _lazy("Chased: the host unit and co-units have been told."),
    }

    def post(self, request, pk):
        step = request.POST.get("step", "")
        if step not in self.ACTS:
            messages.error(request, _("Unknown action."))
            return redirect("reporting:action", pk)
        action = access_action(user=request.user, pk=pk, act=self.ACTS[step])
        user, text = request.user, request.POST.get("text", "")
        files = request.FILES.getlist("files")
        try:
            if step == "acknowledge":
                coordination.action_acknowledge(action=action, user=user)
            elif step == "progress":
                coordination.action_progress(action=action, user=user, text=text, files=files)
            elif step == "report":
                coordination.action_report(action=action, user=user, evidence=text, files=files)
            elif step == "extend":
                until = forms.DateField().clean(request.POST.get("until"))
                coordination.action_request_extension(
                    action=action, user=user, until=until, reason=text
                )
            elif step == "contribute":
                coordination.action_contribute(action=action, user=user, text=text, files=files)
            elif step in ("accept", "return"):
                coordination.action_review(
                    action=action, user=user, accept=step == "accept", reason=text
                )
            elif step in ("grant", "refuse"):
                coordination.action_decide_extension(
                    action=action, user=user, grant=step == "grant", reason=text
                )
            elif step == "cancel":
                coordination.action_cancel(action=action, user=user, reason=text)
            elif step == "chase":
                chasing.chase_by_hand(action=action, user=user, text=text)
            elif step == "merge":
                into = access_action(
                    user=user, pk=forms.IntegerField().clean(request.POST.get("into")), act="review"
                )
                coordination.action_merge(action=action, into=into, user=user, reason=text)
            messages.success(request, self.DONE[step])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:action", pk)


class ActionFileView(View):
    """A file of an item, for whoever may view the item."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        item = access_action_file(user=request.user, pk=pk)
        response = file_download(item.file, filename=item.name, content_type=item.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ProblemDetailView(TemplateView):
    """One problem, the items that answer it, and the DRC's ways to handle it without a
    meeting: assign it as an item, link it to an existing item, or resolve it with a note."""

    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/problem_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        problem = access_problem(user=user, pk=self.kwargs["pk"], write=False)
        today, calendar = services.today(), WorkCalendar.current()
        items = (
            ActionItem.objects.filter(Q(problem=problem) | Q(linked_problems=problem))
            .distinct()
            .select_related("unit")
        )
        reviewer = can_review(user)
        open_here = reviewer and problem.status != ProblemStatus.RESOLVED
        return super().get_context_data(
            problem=problem,
            items=[(a, selectors.action_light(a, today, calendar)) for a in items],
            can_assign=open_here and problem.status == ProblemStatus.OPEN,
            can_handle=open_here,
            assign_form=kwargs.pop("assign_form", None)
            or AssignForm(initial={"decision": problem.description}),
            link_targets=list(
                ActionItem.objects.filter(
                    industry=problem.update.industry, status__in=ActionStatus.open_values()
                )
                .select_related("unit")
                .order_by("deadline")[:50]
            )
            if open_here
            else [],
            **kwargs,
        )

    def post(self, request, pk):
        problem = access_problem(user=request.user, pk=pk)
        step = request.POST.get("step", "")
        try:
            if step == "assign":
                form = AssignForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(assign_form=form), status=400
                    )
                data = form.cleaned_data
                action = coordination.action_assign(
                    industry=problem.update.industry,
                    decision=data["decision"],
                    unit=data["unit"],
                    co_units=list(data["co_units"]),
                    deadline=data["deadline"],
                    user=request.user,
                    problem=problem,
                )
                messages.success(request, _("Assigned: the host unit and co-units have been told."))
                return redirect("reporting:action", action.pk)
            if step == "link":
                into = access_action(
                    user=request.user,
                    pk=forms.IntegerField().clean(request.POST.get("action")),
                    act="review",
                )
                coordination.problem_link(problem=problem, action=into, user=request.user)
                messages.success(request, _("Linked: closing that item resolves this problem."))
            elif step == "resolve":
                coordination.problem_resolve(
                    problem=problem, user=request.user, note=request.POST.get("text", "")
                )
                messages.success(request, _("Marked resolved."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:problem", pk)


class SupervisionBoardView(TemplateView):
    """督办看板: every item for the DRC, by state, host unit, industry and lead official, with
    overdue and chased counts and each unit's on-time closure rate; filters in the URL; the
    filtered items (and the per-unit table) export to xlsx."""

    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/board.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_review(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        today = services.today()
        filters = board.Filters.from_query(request.GET)
        found = board.items(filters, today)
        if request.GET.get("format") == "xlsx":
            return sheets_response(f"督办事项{today:%Y%m%d}", _board_sheets(found, today))
        page = Paginator(board.page_rows(found, today), 50).get_page(request.GET.get("page"))
        calendar = WorkCalendar.current()
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                filters=filters,
                totals=board.totals(found, today),
                by_unit=board.by("unit", found, today),
                by_industry=board.by("industry", found, today),
                by_official=board.by("official", found, today),
                page=page,
                rows=[(a, selectors.action_light(a, today, calendar)) for a in page],
                query=query.urlencode(),
                states=board.STATE_LABELS,
                industries=Industry.objects.order_by("position"),
                units=Unit.objects.filter(action_items__isnull=False)
                .distinct()
                .order_by("position"),
                officials=Official.objects.order_by("position"),
                today=today,
            )
        )


def _board_sheets(found, today):
    header = [
        "编号",
        "事项",
        "来源",
        "产业",
        "主办单位",
        "协办单位",
        "交办时间",
        "期限",
        "状态",
        "是否逾期",
        "催办次数",
        "反馈时间",
        "办结时间",
    ]
    rows = [header]
    for a in board.page_rows(found, today).prefetch_related("co_units").iterator(chunk_size=500):
        rows.append(
            [
                a.pk,
                a.decision,
                a.get_source_display(),
                a.industry.name,
                a.unit.name,
                "、".join(u.name for u in a.co_units.all()),
                a.assigned_at,
                a.deadline,
                a.get_status_display(),
                "是" if a.overdue else "",
                a.chases_sent,
                a.reported_at,
                a.closed_at,
            ]
        )
    units = [
        [
            "主办单位",
            "督办事项",
            "未办结",
            "逾期",
            "已反馈待复核",
            "已催办",
            "已办结",
            "按期办结",
            "按期办结率(%)",
        ]
    ]
    for r in board.by("unit", found, today):
        units.append(
            [
                r["name"],
                r["total"],
                r["open"],
                r["overdue"],
                r["reported"],
                r["chased"],
                r["closed"],
                r["closed_on_time"],
                r["on_time_rate"],
            ]
        )
    return [("督办事项", rows), ("各单位办结情况", units)]


class InstructionCreateView(View):
    """A leader's (or the DRC's) 批示 on a problem, an update, an item or a final report."""

    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request):
        require(can_instruct(request.user))
        kind = request.POST.get("target", "")
        try:
            pk = int(request.POST.get("pk", ""))
        except ValueError:
            raise Http404 from None
        target = instruction_target(user=request.user, kind=kind, pk=pk)
        back = back_to(request, request.POST.get("next", ""), reverse("reporting:instructions"))
        try:
            instructions.instruction_write(
                user=request.user, target=target, text=request.POST.get("text", "")
            )
            messages.success(
                request, _("Instruction recorded; the units concerned and the DRC have been told.")
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(back)


class InstructionListView(TemplateView):
    """A leader's own instructions and what became of them; the DRC sees everyone's."""

    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/instruction_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        require(can_instruct(user))
        found = Instruction.objects.select_related(
            "author__official",
            "industry",
            "problem",
            "update__period",
            "update__industry",
            "action",
            "report",
        ).prefetch_related("items")
        if not can_review(user):
            found = found.filter(author=user)
        page = Paginator(found, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            rows=[(i, instructions.target_label(i)) for i in page],
            everyone=can_review(user),
            **kwargs,
        )


class InstructionDetailView(TemplateView):
    """One instruction: what it was written on, the items made of it; the DRC makes it one."""

    access_policy = Policy.OBJECT
    template_name = "reporting/supervision/instruction_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        instruction = access_instruction(user=user, pk=self.kwargs["pk"])
        today, calendar = services.today(), WorkCalendar.current()
        return super().get_context_data(
            instruction=instruction,
            target_label=instructions.target_label(instruction),
            items=[
                (a, selectors.action_light(a, today, calendar))
                for a in instruction.items.select_related("unit")
            ],
            can_assign=can_review(user),
            form=kwargs.pop("form", None)
            or InstructionAssignForm(
                initial={"industry": instruction.industry, "decision": instruction.text}
            ),
            **kwargs,
        )

    def post(self, request, pk):
        instruction = access_instruction(user=request.user, pk=pk, write=True)
        form = InstructionAssignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = instructions.instruction_assign(
                    instruction=instruction,
                    user=request.user,
                    industry=data["industry"],
                    decision=data["decision"],
                    unit=data["unit"],
                    co_units=list(data["co_units"]),
                    deadline=data["deadline"],
                )
                messages.success(request, _("Assigned: the host unit and co-units have been told."))
                return redirect("reporting:action", action.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)
