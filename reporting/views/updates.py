"""Pages for monthly updates. Views are thin: access through accounts.access, writes through
reporting.services, and a service's ValidationError becomes a message or a form error."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import (
    UpdateAction,
    access_attachment,
    access_industry,
    access_month_updates,
    access_update,
    can_review,
    can_update,
)
from accounts.choices import Action
from accounts.policies import Policy
from portal.responses import file_download
from reporting import coordination, land, plans, selectors, services
from reporting.choices import (
    ELEMENT_FIELDS,
    ActionStatus,
    DueStatus,
    ProblemStatus,
    Section,
    UpdateStatus,
)
from reporting.forms import (
    BulkReviewForm,
    ContributionForm,
    KeyProjectFormSet,
    ProblemFormSet,
    ReasonForm,
    ReopenForm,
    ReturnForm,
    UpdateForm,
)
from reporting.models import MonthlyUpdate, ReportingPeriod
from reporting.snapshots import diff_sections, section_texts, update_snapshot
from reporting.views import coordination as coordination_views
from reporting.views import error_text


def _require_review(user):
    if not can_review(user):
        raise PermissionDenied


class DueView(TemplateView):
    """My work: what the user's unit owes, where it may add inputs, and for the DRC the queue."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/due.html"

    def get_context_data(self, **kwargs):
        today = services.today()
        services.periods_ensure(today)
        user = self.request.user
        items = selectors.due_items(user, today)
        per_period = Counter(item.period for item in items)
        batch_periods = sorted(
            (period for period, count in per_period.items() if count > 1),
            key=lambda p: (p.year, p.month),
            reverse=True,
        )
        plan_year = plans.default_plan_year(today)
        is_reviewer = can_review(user)
        return super().get_context_data(
            items=items,
            contributions=selectors.contribution_items(user, today),
            actions=coordination_views.unit_actions(user, today),
            batch_periods=batch_periods,
            plan_year=plan_year,
            plan_dues=plans.plans_owed(user.unit, plan_year) if user.unit_id else [],
            progress_periods=plans.progress_periods(user.unit, today) if user.unit_id else [],
            is_reviewer=is_reviewer,
            review_count=MonthlyUpdate.objects.filter(status=UpdateStatus.SUBMITTED).count()
            if is_reviewer
            else 0,
            today=today,
            **kwargs,
        )


class UpdateStartView(View):
    """Open a month's update (POST), blank or from last month's text."""

    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request):
        industry = access_industry(
            user=request.user, code=request.POST.get("industry", ""), action=Action.FILE
        )
        period = selectors.period_by_slug(request.POST.get("period", ""))
        try:
            update = services.update_start(
                industry=industry,
                unit=request.user.unit,
                period=period,
                user=request.user,
                carry_over=request.POST.get("carry_over") == "1",
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("reporting:due")
        return redirect("reporting:edit", update.pk)


class UpdateDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/update_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        update = access_update(user=user, pk=self.kwargs["pk"])
        may_edit = can_update(user, UpdateAction.EDIT, update)
        return super().get_context_data(
            update=update,
            sections=_sections(update),
            returned=selectors.last_return(update)
            if update.status == UpdateStatus.RETURNED
            else None,
            can_edit=may_edit and services.is_editable(update),
            can_withdraw=may_edit and update.status == UpdateStatus.SUBMITTED,
            can_contribute=can_update(user, UpdateAction.CONTRIBUTE, update)
            and update.status != UpdateStatus.ACCEPTED,
            contribution_form=kwargs.pop("contribution_form", None) or ContributionForm(),
            is_reviewer=can_review(user),
            status=selectors.due_status(update, update.period, services.today()),
            land_items=land.land_items_for_update(update),
            **_plan_context(user, update),
            **kwargs,
        )


def _plan_context(user, update: MonthlyUpdate) -> dict:
    """The items of the unit's accepted plan for the update's industry, with their progress."""
    period = update.period
    return {
        "plan_rows": plans.progress_rows(update.unit, period.year, period.month, update.industry),
        "can_record_plan_progress": user.unit_id == update.unit_id
        and plans.progress_open(period, services.today()),
    }


def _all_sections(update: MonthlyUpdate) -> list[tuple]:
    """Every section as text (key projects, problems and figures included), for comparing."""
    labels = dict(Section.choices)
    return [
        (labels[key], text, key) for key, text in section_texts(update_snapshot(update)).items()
    ]


class UpdateAccessMixin:
    """Loads `self.update` through the access layer for `update_action` before any handler."""

    update_action: UpdateAction

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.update = access_update(
                user=request.user, pk=kwargs["pk"], action=self.update_action
            )
        return super().dispatch(request, *args, **kwargs)


def _sections(update: MonthlyUpdate) -> list[tuple]:
    return [
        (section.label, getattr(update, field), section.value)
        for section, field in ELEMENT_FIELDS.items()
    ]


class UpdateEditView(UpdateAccessMixin, TemplateView):
    """The lead unit's form: save a draft (or autosave), add attachments, submit."""

    access_policy = Policy.OBJECT
    template_name = "reporting/update_form.html"
    update_action = UpdateAction.EDIT

    def forms(self, data=None, files=None):
        """The form and formsets; on POST without `initial`, so a row the page still calls
        new (after an autosave) is compared with nothing, and kept."""
        update = self.update
        projects_initial = (
            None
            if data is not None
            else [
                {
                    "name": p.name,
                    "stage": p.stage,
                    "investment": p.investment,
                    "progress": p.progress,
                }
                for p in update.key_projects.all()
            ]
        )
        problems_initial = (
            None
            if data is not None
            else [
                {
                    "description": p.description,
                    "type": p.type,
                    "concerned": p.concerned,
                    "needs_meeting": p.needs_meeting,
                }
                for p in update.problems.all()
                # Escalated problems belong to the coordination loop: shown apart, not offered
                # again as rows (saving would add them a second time).
                if p.status == ProblemStatus.OPEN
            ]
        )
        return (
            UpdateForm(data, files, instance=update, initial={"version": update.version}),
            KeyProjectFormSet(data, prefix="projects", initial=projects_initial),
            ProblemFormSet(data, prefix="problems", initial=problems_initial),
        )

    def get(self, request, *args, **kwargs):
        if not services.is_editable(self.update):
            messages.info(request, services._not_editable_message(self.update))
            return redirect("reporting:update", self.update.pk)
        form, projects, problems = self.forms()
        return self.render_to_response(self.context(form, projects, problems))

    def context(self, form, projects, problems, **extra):
        update = self.update
        return self.get_context_data(
            update=update,
            form=form,
            projects=projects,
            problems=problems,
            element_fields=[form[field] for field in ELEMENT_FIELDS.values()],
            escalated=[p for p in update.problems.all() if p.status != ProblemStatus.OPEN],
            land_items=land.land_items_for_update(update),
            actions=[
                (a, light)
                for a, light in coordination_views.unit_actions(self.request.user, services.today())
                if a.status != ActionStatus.CLOSED
            ],
            returned=selectors.last_return(update)
            if update.status == UpdateStatus.RETURNED
            else None,
            **_plan_context(self.request.user, update),
            **extra,
        )

    def report_action_progress(self, request):
        """Progress on the unit's action items, written in its monthly update."""
        for action, _light in coordination_views.unit_actions(request.user, services.today()):
            text = request.POST.get(f"action_progress_{action.pk}", "").strip()
            if text and action.status != ActionStatus.CLOSED:
                coordination.action_progress(
                    action=action, user=request.user, text=f"（{self.update.period}月度进展）{text}"
                )

    def post(self, request, *args, **kwargs):
        form, projects, problems = self.forms(request.POST, request.FILES)
        if not (form.is_valid() and projects.is_valid() and problems.is_valid()):
            messages.error(
                request,
                _("Not saved: please correct the marked fields. Your text is still in the form."),
            )
            return self.render_to_response(self.context(form, projects, problems), status=400)
        user = request.user
        try:
            update = services.update_save(
                update=self.update,
                content=form.content(projects.rows(), problems.rows()),
                expected_version=form.cleaned_data["version"],
                user=user,
            )
            if form.cleaned_data.get("attachment"):
                services.attachment_add(
                    update=update, user=user, upload=form.cleaned_data["attachment"]
                )
                update = selectors.update_for_page(update.pk)
            self.report_action_progress(request)
            if "submit" in request.POST:
                update = services.update_submit(
                    update=update, user=user, expected_version=update.version
                )
        except services.ConcurrentEditError:
            current = selectors.update_for_page(self.update.pk)
            messages.error(
                request,
                _(
                    "Not saved: a colleague saved this update while you were editing. Your text is still in the form below and was also kept in the history; compare it with theirs, then save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = current.version
            return self.render_to_response(
                self.context(
                    form,
                    projects,
                    problems,
                    conflict=current,
                    conflict_sections=_all_sections(current),
                ),
                status=409,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            self.update = selectors.update_for_page(self.update.pk)
            form, projects, problems = self.forms(request.POST.copy(), None)
            form.data["version"] = self.update.version
            form.is_valid(), projects.is_valid(), problems.is_valid()
            return self.render_to_response(self.context(form, projects, problems), status=400)
        if update.status == UpdateStatus.SUBMITTED:
            messages.success(request, _("Submitted. The DRC has been notified."))
            return redirect("reporting:update", update.pk)
        messages.success(
            request,
            _("Draft saved at %(time)s.")
            % {"time": formats.time_format(timezone.localtime(), "H:i")},
        )
        return redirect("reporting:edit", update.pk)


class UpdateAutosaveView(View):
    """Saves the text without leaving the page (called by static/js/update_form.js)."""

    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        update = access_update(user=request.user, pk=pk, action=UpdateAction.EDIT)
        form = UpdateForm(request.POST, instance=update)
        form.fields["attachment"].required = False
        projects = KeyProjectFormSet(request.POST, prefix="projects")
        problems = ProblemFormSet(request.POST, prefix="problems")
        if not (form.is_valid() and projects.is_valid() and problems.is_valid()):
            return JsonResponse(
                {"ok": False, "message": _("Autosave waits: some fields are not valid yet.")},
                status=400,
            )
        try:
            saved = services.update_save(
                update=update,
                content=form.content(projects.rows(), problems.rows()),
                expected_version=form.cleaned_data["version"],
                user=request.user,
                autosave=True,
            )
        except services.ConcurrentEditError as exc:
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "version": exc.current_version,
                    "message": _(
                        "A colleague saved this update meanwhile. Autosave stopped; your text is kept. Save by hand to compare."
                    ),
                },
                status=409,
            )
        except ValidationError as exc:
            return JsonResponse({"ok": False, "message": error_text(exc)}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "version": saved.version,
                "saved_at": formats.time_format(timezone.localtime(), "H:i"),
            }
        )


class UpdateWithdrawView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        update = access_update(user=request.user, pk=pk, action=UpdateAction.EDIT)
        try:
            services.update_withdraw(update=update, user=request.user)
            messages.success(request, _("Withdrawn: the update is a draft again."))
            return redirect("reporting:edit", pk)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("reporting:update", pk)


class ContributionCreateView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        update = access_update(user=request.user, pk=pk, action=UpdateAction.CONTRIBUTE)
        form = ContributionForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_add(
                    update=update, user=request.user, text=form.cleaned_data["text"]
                )
                messages.success(
                    request, _("Your input was added; the lead unit sees it while writing.")
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        else:
            messages.error(request, _("Write your input first."))
        return redirect("reporting:update", pk)


class UpdateHistoryView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/update_history.html"

    def get_context_data(self, **kwargs):
        update = access_update(user=self.request.user, pk=self.kwargs["pk"])
        events = list(selectors.history(update))
        rows = []
        for newer, older in zip(events, [*events[1:], None], strict=True):
            changes = (
                [d for d in diff_sections(older.snapshot, newer.snapshot) if d["changed"]]
                if older
                else []
            )
            rows.append({"event": newer, "changes": changes})
        return super().get_context_data(update=update, rows=rows, **kwargs)


class UpdateReviewView(UpdateAccessMixin, TemplateView):
    """The DRC's review: the update, what changed since it was returned, accept or return."""

    access_policy = Policy.OBJECT
    template_name = "reporting/update_review.html"
    update_action = UpdateAction.REVIEW

    def get_context_data(self, **kwargs):
        update = self.update
        returned = selectors.last_return(update)
        diff = None
        if returned and update.status != UpdateStatus.RETURNED:
            diff = diff_sections(returned.snapshot, update_snapshot(update))
        return super().get_context_data(
            update=update,
            sections=_sections(update),
            returned=returned,
            land_items=land.land_items_for_update(update),
            diff=diff,
            return_form=kwargs.pop("return_form", None) or ReturnForm(),
            unlock_form=ReasonForm(),
            reopen_form=ReopenForm(),
            locked=services.is_locked(update),
            status=selectors.due_status(update, update.period, services.today()),
            **kwargs,
        )

    def post(self, request, pk):
        action = request.POST.get("action")
        user = request.user
        try:
            if action == "accept":
                services.update_accept(update=self.update, user=user)
                messages.success(request, _("Accepted and locked."))
            elif action == "return":
                form = ReturnForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(return_form=form), status=400
                    )
                services.update_return(
                    update=self.update,
                    user=user,
                    reason=form.cleaned_data["reason"],
                    section_reasons=form.section_reasons(),
                )
                messages.success(request, _("Returned to the lead unit with your reasons."))
            elif action in ("unlock", "reopen"):
                form = (ReasonForm if action == "unlock" else ReopenForm)(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give a reason (and for reopening, a date)."))
                    return redirect("reporting:review", pk)
                if action == "unlock":
                    services.update_unlock(
                        update=self.update, user=user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Unlocked; the lead unit can edit and resubmit."))
                else:
                    services.update_reopen(
                        update=self.update,
                        user=user,
                        reason=form.cleaned_data["reason"],
                        until=form.cleaned_data["until"],
                    )
                    messages.success(request, _("Reopened for the lead unit."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:review", pk)


class ReviewQueueView(TemplateView):
    """The DRC's month at a glance, with accept / return for many at once."""

    access_policy = Policy.OBJECT
    template_name = "reporting/review_queue.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_review(request.user)
        return super().dispatch(request, *args, **kwargs)

    def period(self):
        slug = self.request.GET.get("period") or self.request.POST.get("period")
        if slug:
            return selectors.period_by_slug(slug)
        services.periods_ensure(services.today())
        return selectors.default_review_period(services.today())

    def get_context_data(self, **kwargs):
        period = self.period()
        status = self.request.GET.get("status") or None
        rows = selectors.review_queue(period)
        counts = Counter(row["status"] for row in rows)
        return super().get_context_data(
            period=period,
            rows=[row for row in rows if not status or row["status"] == status],
            periods=ReportingPeriod.objects.all()[:24],
            statuses=[(value, label, counts.get(value, 0)) for value, label in DueStatus.choices],
            status=status,
            total=len(rows),
            **kwargs,
        )

    def post(self, request):
        period = self.period()
        choices = [
            (u.pk, u.pk)
            for u in MonthlyUpdate.objects.filter(period=period, status=UpdateStatus.SUBMITTED)
        ]
        form = BulkReviewForm(request.POST, choices=choices)
        if not form.is_valid():
            messages.error(
                request,
                " ".join(e for errors in form.errors.values() for e in errors)
                or _("Choose updates first."),
            )
            return redirect(f"{reverse('reporting:review_queue')}?period={period.slug}")
        updates = MonthlyUpdate.objects.filter(pk__in=form.cleaned_data["updates"]).select_related(
            "period"
        )
        result = services.updates_review(
            updates=updates,
            user=request.user,
            accept=form.cleaned_data["action"] == "accept",
            reason=form.cleaned_data["reason"],
        )
        if result.done:
            messages.success(request, _("%(count)s updates handled.") % {"count": len(result.done)})
        for update, reason in result.skipped:
            messages.warning(request, f"{update}：{reason}")
        return redirect(f"{reverse('reporting:review_queue')}?period={period.slug}")


class BatchEditView(TemplateView):
    """One page for all the updates a unit files in a month (市科技局: the six future
    industries together). Each saves through the same service, with its own version."""

    access_policy = Policy.OBJECT
    template_name = "reporting/batch_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.period_obj = selectors.period_by_slug(kwargs["period"])
            self.updates = access_month_updates(user=request.user, period=self.period_obj)
            if not self.updates:
                raise Http404("Nothing to fill for this month.")
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        return [
            (
                update,
                UpdateForm(
                    data,
                    instance=update,
                    prefix=f"u{update.pk}",
                    initial={"version": update.version},
                ),
            )
            for update in self.updates
        ]

    def get_context_data(self, **kwargs):
        kwargs.pop("period", None)  # the URL's slug; the period object is self.period_obj
        pairs = kwargs.pop("pairs", None) or self.forms()
        return super().get_context_data(
            period=self.period_obj,
            blocks=[
                {
                    "update": u,
                    "form": f,
                    "editable": services.is_editable(u),
                    "element_fields": [f[name] for name in ELEMENT_FIELDS.values()],
                }
                for u, f in pairs
            ],
            **kwargs,
        )

    def post(self, request, period):
        pairs = self.forms(request.POST)
        saved, problems = 0, []
        for update, form in pairs:
            if not services.is_editable(update) or (
                not form.has_changed() and "submit" not in request.POST
            ):
                continue
            if not form.is_valid():
                problems.append(f"{update.industry.name}：{_('please correct the marked fields')}")
                continue
            try:
                # No surrounding transaction: a refused save keeps the refused text in the
                # history, and a save stands even when the submission after it is refused.
                current = update
                if form.has_changed():
                    current = services.update_save(
                        update=update,
                        content=form.content(),
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                    )
                    saved += 1
                if "submit" in request.POST:
                    services.update_submit(
                        update=current, user=request.user, expected_version=current.version
                    )
            except services.ConcurrentEditError:
                problems.append(
                    f"{update.industry.name}：{_('a colleague saved it meanwhile; your text was kept in its history')}"
                )
            except ValidationError as exc:
                problems.append(f"{update.industry.name}：{error_text(exc)}")
        for problem in problems:
            messages.error(request, problem)
        if saved or not problems:
            messages.success(request, _("%(count)s updates saved.") % {"count": saved})
        if problems:
            return self.render_to_response(self.get_context_data(pairs=pairs), status=400)
        return redirect("reporting:batch", period)


class AttachmentDownloadView(View):
    access_policy = Policy.OBJECT

    def get(self, request, pk):
        attachment = access_attachment(user=request.user, pk=pk)
        response = file_download(
            attachment.file, filename=attachment.name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentRemoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = access_attachment(user=request.user, pk=pk)
        access_update(user=request.user, pk=attachment.update_id, action=UpdateAction.EDIT)
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
            messages.success(request, _("Attachment removed."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:edit", attachment.update_id)
