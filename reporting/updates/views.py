"""Pages for filing monthly updates (the DRC's review is in review_views). Views are thin:
access through reporting.updates.access, writes through reporting.updates.services, and a
service's ValidationError becomes a message or a form error."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_industry, can_review
from accounts.choices import Action
from accounts.policies import Policy
from portal.responses import file_download
from portal.viewhelpers import error_text
from reporting.choices import (
    ELEMENT_FIELDS,
    ProblemStatus,
    Section,
    UpdateStatus,
)
from reporting.innovation.selectors import update_month as innovation_month
from reporting.land import selectors as land
from reporting.models import MonthlyUpdate
from reporting.periods import selectors as periods_selectors
from reporting.periods import services as periods_services
from reporting.plans import selectors as plans
from reporting.supervision import selectors as supervision
from reporting.supervision import services as supervision_services
from reporting.updates import selectors, services
from reporting.updates.access import UpdateAction, access_attachment, access_update, can_update
from reporting.updates.forms import (
    ContributionForm,
    KeyProjectFormSet,
    ProblemFormSet,
    UpdateForm,
)
from reporting.updates.mywork import my_work
from reporting.updates.snapshots import diff_sections, section_texts, update_snapshot


class DueView(TemplateView):
    """My work: what the user's unit owes, where it may add inputs, and for the DRC the queue."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/updates/due.html"

    def get_context_data(self, **kwargs):
        today = periods_services.today()
        periods_services.periods_ensure(today)
        user = self.request.user
        is_reviewer = can_review(user)
        return super().get_context_data(
            **my_work(user, today),
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
        period = periods_selectors.period_by_slug(request.POST.get("period", ""))
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
    template_name = "reporting/updates/update_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        update = access_update(user=user, pk=self.kwargs["pk"])
        may_edit = can_update(user, UpdateAction.EDIT, update)
        return super().get_context_data(
            update=update,
            sections=update_sections(update),
            returned=selectors.last_return(update)
            if update.status == UpdateStatus.RETURNED
            else None,
            can_edit=may_edit and services.is_editable(update),
            can_withdraw=may_edit and update.status == UpdateStatus.SUBMITTED,
            can_contribute=can_update(user, UpdateAction.CONTRIBUTE, update)
            and update.status != UpdateStatus.ACCEPTED,
            contribution_form=kwargs.pop("contribution_form", None) or ContributionForm(),
            is_reviewer=can_review(user),
            status=selectors.due_status(update, update.period, periods_services.today()),
            land_items=land.land_items_for_update(update),
            innovation=innovation_month(update),
            **_plan_context(user, update),
            **kwargs,
        )


def _plan_context(user, update: MonthlyUpdate) -> dict:
    """The items of the unit's accepted plan for the update's industry, with their progress."""
    period = update.period
    return {
        "plan_rows": plans.progress_rows(update.unit, period.year, period.month, update.industry),
        "can_record_plan_progress": user.unit_id == update.unit_id
        and plans.progress_open(period, periods_services.today()),
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


def update_sections(update: MonthlyUpdate) -> list[tuple]:
    return [
        (section.label, getattr(update, field), section.value)
        for section, field in ELEMENT_FIELDS.items()
    ]


class UpdateEditView(UpdateAccessMixin, TemplateView):
    """The lead unit's form: save a draft (or autosave), add attachments, submit."""

    access_policy = Policy.OBJECT
    template_name = "reporting/updates/update_form.html"
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
                    "project": p.project_id,
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
                if p.status == ProblemStatus.OPEN and not p.instructed
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
            figure_fields=[form[field] for field in services.FIGURE_FIELDS],
            escalated=[
                p for p in update.problems.all() if p.status != ProblemStatus.OPEN or p.instructed
            ],
            land_items=land.land_items_for_update(update),
            innovation=innovation_month(update),
            actions=supervision.hosted_in_progress(self.request.user, periods_services.today()),
            returned=selectors.last_return(update)
            if update.status == UpdateStatus.RETURNED
            else None,
            **_plan_context(self.request.user, update),
            **extra,
        )

    def report_action_progress(self, request):
        """Progress on the unit's action items, written in its monthly update."""
        for action, _light in supervision.hosted_in_progress(
            request.user, periods_services.today()
        ):
            text = request.POST.get(f"action_progress_{action.pk}", "").strip()
            if text:
                supervision_services.action_progress(
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
                confirmations=form.confirmations(),
            )
            if form.cleaned_data.get("attachment"):
                services.attachment_add(
                    update=update, user=user, upload=form.cleaned_data["attachment"]
                )
                update = selectors.update_for_page(update.pk)
            self.report_action_progress(request)
            if "submit" in request.POST:
                update = services.update_submit(
                    update=update,
                    user=user,
                    expected_version=update.version,
                    confirmations=form.confirmations(),
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
            return self.render_to_response(
                self.context(
                    form,
                    projects,
                    problems,
                    figure_jumps=getattr(exc, "jumps", []),
                    figure_ticked=getattr(exc, "ticked", []),
                ),
                status=400,
            )
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
        update = access_update(user=request.user, pk=pk, action=UpdateAction.EDIT, for_page=False)
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
                confirmations=form.confirmations(),
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
        except services.FigureJumpError as exc:
            # The boxes to confirm with are on the page only once the user saves by hand.
            message = _(
                "Autosave waits: a figure is more than ten times last month's. Save by hand to check and confirm it."
            )
            warnings = "；".join(jump.warning for jump in exc.jumps)
            return JsonResponse({"ok": False, "message": f"{message}{warnings}"}, status=400)
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
    template_name = "reporting/updates/update_history.html"

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
