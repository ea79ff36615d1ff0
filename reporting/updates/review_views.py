"""The DRC's review of monthly updates: one update's review, the review queue, and a month's
batch review."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.access import can_review
from accounts.policies import Policy
from portal.responses import sheets_response
from portal.viewhelpers import error_text
from reporting.choices import (
    ELEMENT_FIELDS,
    DueStatus,
    UpdateStatus,
)
from reporting.innovation.selectors import update_month as innovation_month
from reporting.land import selectors as land
from reporting.models import MonthlyUpdate, ReportingPeriod
from reporting.periods import selectors as periods_selectors
from reporting.periods import services as periods_services
from reporting.updates import selectors, services
from reporting.updates.access import UpdateAction, access_month_updates
from reporting.updates.forms import (
    BulkReviewForm,
    ReasonForm,
    ReopenForm,
    ReturnForm,
    UpdateForm,
)
from reporting.updates.snapshots import diff_sections, update_snapshot
from reporting.updates.views import UpdateAccessMixin, update_sections


def _require_review(user):
    if not can_review(user):
        raise PermissionDenied


class UpdateReviewView(UpdateAccessMixin, TemplateView):
    """The DRC's review: the update, what changed since it was returned, accept or return."""

    access_policy = Policy.OBJECT
    template_name = "reporting/updates/update_review.html"
    update_action = UpdateAction.REVIEW

    def get_context_data(self, **kwargs):
        update = self.update
        returned = selectors.last_return(update)
        diff = None
        if returned and update.status != UpdateStatus.RETURNED:
            diff = diff_sections(returned.snapshot, update_snapshot(update))
        return super().get_context_data(
            update=update,
            sections=update_sections(update),
            returned=returned,
            land_items=land.land_items_for_update(update),
            innovation=innovation_month(update),
            diff=diff,
            return_form=kwargs.pop("return_form", None) or ReturnForm(),
            unlock_form=ReasonForm(),
            reopen_form=ReopenForm(),
            locked=services.is_locked(update),
            status=selectors.due_status(update, update.period, periods_services.today()),
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
    """The DRC's work list: by default everything waiting for review across months, oldest
    first, resubmissions marked with what changed; with ?period= one month at a glance. Either
    way accept (or return) many at once."""

    access_policy = Policy.OBJECT
    template_name = "reporting/updates/review_queue.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_review(request.user)
        return super().dispatch(request, *args, **kwargs)

    def period(self):
        """The month asked for, or None for the work list across months."""
        slug = self.request.GET.get("period") or self.request.POST.get("period")
        return periods_selectors.period_by_slug(slug) if slug else None

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "xlsx":
            return _queue_workbook(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        period = self.period()
        common = {"periods": ReportingPeriod.objects.all()[:24], "period": period}
        if period is None:
            return super().get_context_data(waiting=selectors.review_waiting(), **common, **kwargs)
        status = self.request.GET.get("status") or None
        rows = selectors.review_queue(period)
        counts = Counter(row["status"] for row in rows)
        return super().get_context_data(
            rows=[row for row in rows if not status or row["status"] == status],
            statuses=[(value, label, counts.get(value, 0)) for value, label in DueStatus.choices],
            status=status,
            total=len(rows),
            **common,
            **kwargs,
        )

    def post(self, request):
        period = self.period()
        waiting = MonthlyUpdate.objects.filter(status=UpdateStatus.SUBMITTED)
        if period is not None:
            waiting = waiting.filter(period=period)
        back = reverse("reporting:review_queue") + (f"?period={period.slug}" if period else "")
        form = BulkReviewForm(request.POST, choices=list(waiting.values_list("pk", "pk")))
        if not form.is_valid():
            messages.error(
                request,
                " ".join(e for errors in form.errors.values() for e in errors)
                or _("Choose updates first."),
            )
            return redirect(back)
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
        return redirect(back)


def _queue_workbook(context):
    """The rows the queue shows, as a workbook (its filters applied)."""
    period = context["period"]
    if period is None:
        header = ["月份", "产业", "牵头单位", "提交时间", "重新提交", "修改内容"]
        rows = [
            [
                str(row["update"].period),
                row["update"].industry.name,
                row["update"].unit.name,
                localtime(row["update"].submitted_at).strftime("%Y-%m-%d %H:%M"),
                "是" if row["returned"] else "否",
                "、".join(row["changed"]),
            ]
            for row in context["waiting"]
        ]
        return sheets_response("待审核月度进展", [("待审核", [header, *rows])])
    header = ["产业", "牵头单位", "状态", "提交时间"]
    rows = [
        [
            row["industry"].name,
            row["unit"].name,
            str(row["status"].label),
            localtime(row["update"].submitted_at).strftime("%Y-%m-%d %H:%M")
            if row["update"] and row["update"].submitted_at
            else "",
        ]
        for row in context["rows"]
    ]
    return sheets_response(f"月度进展审核{period.slug}", [(str(period), [header, *rows])])


class BatchEditView(TemplateView):
    """One page for all the updates a unit files in a month (市科技局: the six future
    industries together). Each saves through the same service, with its own version."""

    access_policy = Policy.OBJECT
    template_name = "reporting/updates/batch_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.period_obj = periods_selectors.period_by_slug(kwargs["period"])
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
        jumps = kwargs.pop("jumps", {})
        return super().get_context_data(
            period=self.period_obj,
            blocks=[
                {
                    "update": u,
                    "form": f,
                    "editable": services.is_editable(u),
                    "element_fields": [f[name] for name in ELEMENT_FIELDS.values()],
                    "jumps": jumps.get(u.pk),
                    "figure_fields": [f["projects_signed"], f["signed_amount"]],
                }
                for u, f in pairs
            ],
            **kwargs,
        )

    def post(self, request, period):
        pairs = self.forms(request.POST)
        saved, problems, jumps = 0, [], {}
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
                        confirmations=form.confirmations(),
                    )
                    saved += 1
                if "submit" in request.POST:
                    services.update_submit(
                        update=current,
                        user=request.user,
                        expected_version=current.version,
                        confirmations=form.confirmations(),
                    )
            except services.ConcurrentEditError:
                problems.append(
                    f"{update.industry.name}：{_('a colleague saved it meanwhile; your text was kept in its history')}"
                )
            except ValidationError as exc:
                problems.append(f"{update.industry.name}：{error_text(exc)}")
                if isinstance(exc, services.FigureJumpError):
                    jumps[update.pk] = exc
        for problem in problems:
            messages.error(request, problem)
        if saved or not problems:
            messages.success(request, _("%(count)s updates saved.") % {"count": saved})
        if problems:
            return self.render_to_response(
                self.get_context_data(pairs=pairs, jumps=jumps), status=400
            )
        return redirect("reporting:batch", period)
