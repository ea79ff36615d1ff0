"""Pages of the yearly work plans: what a unit owes, the plan form, the DRC's review, and the
monthly page where a unit records progress against its plan items."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import Action, access_industry, can_review
from accounts.policies import Policy
from portal.listing import listing
from portal.responses import sheets_response
from portal.viewhelpers import error_text, year_param
from reporting.choices import UpdateStatus
from reporting.models import WorkPlan
from reporting.periods import selectors, services
from reporting.plans import selectors as plans_selectors
from reporting.plans import services as plans
from reporting.plans.access import PlanAction, access_plan, can_plan
from reporting.plans.forms import PlanForm, PlanItemFormSet, PlanReviewForm


def _year(value, today) -> int:
    return year_param(value, default=plans_selectors.default_plan_year(today), today=today)


# A unit's own plan (no industry) comes before its industries' plans, on every database.
_INDUSTRY = F("industry__position").asc(nulls_first=True)
PLAN_ORDERS = {
    "unit": ("unit__position", _INDUSTRY, "pk"),
    "industry": (_INDUSTRY, "unit__position", "pk"),
    "status": ("status", "unit__position", _INDUSTRY, "pk"),
    "submitted": (F("submitted_at").asc(nulls_first=True), "unit__position", "pk"),
}


class PlanListView(TemplateView):
    """The plans a unit owes for a year; the plans the user may read (for the DRC every plan of
    the year), filtered by status, ordered, paged by fifty; ?format=xlsx exports them."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/plans/plan_list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "xlsx":
            return _plans_workbook(context["rows"], context["year"])
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = services.today()
        year = _year(self.request.GET.get("year"), today)
        deadline = plans_selectors.plan_deadline(year)  # read only: browsing a year writes nothing
        owed = plans_selectors.plans_owed(user.unit, year) if user.unit_id else []
        is_reviewer = can_review(user)
        # a unit that owes plans sees its own above; the others' list is the DRC's
        shown = not owed or is_reviewer
        rows = plans_selectors.plans_visible(user, year) if shown else WorkPlan.objects.none()
        status = self.request.GET.get("status", "")
        if status in UpdateStatus.values:
            rows = rows.filter(status=status)
        found = listing(self.request, rows, PLAN_ORDERS, "unit")
        return super().get_context_data(
            year=year,
            years=range(today.year + 1, today.year - 4, -1),
            deadline=deadline,
            owed=owed,
            overdue=today > deadline,
            plans=found.page if shown else [],
            listing=found,
            rows=found.rows,
            statuses=UpdateStatus.choices,
            status=status,
            is_reviewer=is_reviewer,
            **kwargs,
        )


def _plans_workbook(rows, year):
    header = ["年度", "单位", "产业", "状态", "提交时间"]
    body = [
        [
            year,
            plan.unit.name,
            plan.industry.name if plan.industry else "（本单位计划）",
            plan.get_status_display(),
            localtime(plan.submitted_at).strftime("%Y-%m-%d %H:%M") if plan.submitted_at else "",
        ]
        for plan in rows
    ]
    return sheets_response(f"工作计划{year}", [("工作计划", [header, *body])])


class PlanStartView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        if not user.unit_id:
            raise PermissionDenied
        code = request.POST.get("industry", "")
        industry = access_industry(user=user, code=code, action=Action.FILE) if code else None
        year = _year(request.POST.get("year"), services.today())
        try:
            plan = plans.plan_start(unit=user.unit, industry=industry, year=year, user=user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(f"{reverse('reporting:plans')}?year={year}")
        return redirect("reporting:plan_edit", pk=plan.pk)


class PlanDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = plans_selectors.plan_for_page(access_plan(user=user, pk=self.kwargs["pk"]))
        return super().get_context_data(
            plan=plan,
            can_edit=can_plan(user, PlanAction.EDIT, plan) and plan.status in plans.EDITABLE,
            can_review=can_review(user) and plan.status == UpdateStatus.SUBMITTED,
            review_form=PlanReviewForm(),
            **kwargs,
        )


class PlanEditView(TemplateView):
    """The plan's goals and items. "Save" keeps a draft; "Submit" saves and sends it to the DRC."""

    access_policy = Policy.OBJECT
    template_name = "reporting/plans/plan_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = access_plan(user=request.user, pk=kwargs["pk"], action=PlanAction.EDIT)
        self.units = plans_selectors.responsible_choices(self.plan.unit, self.plan.industry)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        plan = plans_selectors.plan_for_page(self.plan)
        if plan.status not in plans.EDITABLE:
            return redirect("reporting:plan", pk=plan.pk)
        initial = [
            {
                "element": item.element,
                "task": item.task,
                "target_value": item.target_value,
                "target_unit": item.target_unit,
                "responsible": item.responsible,
                "due_month": item.due_month,
            }
            for item in plan.items.all()
        ]
        return self.render_to_response(
            self.get_context_data(
                form=PlanForm(instance=plan, initial={"version": plan.version}),
                items=PlanItemFormSet(
                    initial=initial or [{"responsible": plan.unit}],
                    prefix="items",
                    form_kwargs={"units": self.units},
                ),
            )
        )

    def post(self, request, *args, **kwargs):
        plan = self.plan
        form = PlanForm(request.POST, instance=plan)
        items = PlanItemFormSet(request.POST, prefix="items", form_kwargs={"units": self.units})
        if not (form.is_valid() and items.is_valid()):
            return self._again(form, items, _("Please correct the marked fields."), 400)
        contents = [
            f.content()
            for f in items.forms
            if f.has_changed() and not f.cleaned_data.get("DELETE") and f.cleaned_data
        ]
        version = form.cleaned_data["version"]
        saved = None
        try:
            saved = plans.plan_save(
                plan=plan,
                user=request.user,
                expected_version=version,
                summary=form.cleaned_data["summary"],
                items=contents,
            )
            if "submit" in request.POST:
                plans.plan_submit(plan=saved, user=request.user, expected_version=saved.version)
                messages.success(request, _("The plan was submitted to the DRC."))
                return redirect("reporting:plan", pk=plan.pk)
        except plans.ConcurrentPlanEdit:
            return self._again(
                form,
                items,
                _(
                    "A colleague saved this plan after you opened it. Nothing was overwritten: "
                    "your text is still below. Copy what you need, reload the page and save again."
                ),
                409,
            )
        except ValidationError as exc:
            error = error_text(exc)
            if saved is not None:
                # The draft was saved, the submission refused: the page now carries the saved
                # version, so the next save is not taken for a colleague's.
                data = request.POST.copy()
                data["version"] = saved.version
                form = PlanForm(data, instance=saved)
                form.is_valid()
                error = _("The draft was saved but not submitted: %(reason)s") % {"reason": error}
            return self._again(form, items, error, 400)
        messages.success(request, _("The draft was saved."))
        return redirect("reporting:plan_edit", pk=plan.pk)

    def _again(self, form, items, error, status):
        return self.render_to_response(
            self.get_context_data(form=form, items=items, error=error), status=status
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanReviewView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        plan = access_plan(user=request.user, pk=pk, action=PlanAction.REVIEW)
        form = PlanReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose to accept or to return the plan."))
            if form.cleaned_data["decision"] == "accept":
                plans.plan_accept(plan=plan, user=request.user)
                messages.success(request, _("The plan was accepted."))
            else:
                plans.plan_return(plan=plan, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The plan was returned to the unit."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:plan", pk=plan.pk)


class PlanProgressView(TemplateView):
    """A unit's monthly progress on its plan items: for a district, its monthly update; for a
    lead unit, the plan part of its industries' updates."""

    access_policy = Policy.OBJECT
    template_name = "reporting/plans/plan_progress.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.unit_id:
            raise PermissionDenied
        self.unit = request.user.unit
        self.period = selectors.period_by_slug(kwargs["period"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = plans_selectors.progress_rows(self.unit, self.period.year, self.period.month)
        typed = kwargs.pop("typed", {})
        kwargs.pop("period", None)  # the URL's slug; the page shows the period itself
        for row in rows:
            row.typed = typed.get(row.item.pk)
        return super().get_context_data(
            unit=self.unit,
            period=self.period,
            rows=rows,
            is_open=plans_selectors.progress_open(self.period, services.today()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        entries, typed, errors = [], {}, []
        for row in plans_selectors.progress_rows(self.unit, self.period.year, self.period.month):
            pk = row.item.pk
            percent = request.POST.get(f"percent-{pk}", "").strip()
            text = request.POST.get(f"text-{pk}", "")
            value = request.POST.get(f"value-{pk}", "").strip()
            version = request.POST.get(f"version-{pk}", "0")
            # The version the user read goes back with the page: after a refusal, saving again
            # must not silently replace the colleague's entry shown beside it.
            typed[pk] = {"percent": percent, "text": text, "value": value, "version": version}
            if not percent and not text.strip() and not value:
                continue  # an untouched row
            try:
                number = int(percent)
                if not 0 <= number <= 100:
                    raise ValueError
                amount = Decimal(value.replace(",", "")) if value else None
                if amount is not None and not amount.is_finite():
                    raise ValueError
                seen = int(version or 0)
            except (ValueError, InvalidOperation):
                message = (
                    _(
                        "“%(task)s”: give the share done as a whole number from 0 to 100 and the "
                        "value reached as a number."
                    )
                    if value
                    else _("“%(task)s”: give the share done as a whole number from 0 to 100.")
                )
                errors.append(message % {"task": row.item.task[:30]})
                continue
            entries.append(
                plans.ProgressEntry(
                    item_id=pk,
                    percent=number,
                    text=text,
                    value=amount,
                    version=seen,
                )
            )
        if errors:
            return self._again(typed, " ".join(errors), 400)
        try:
            result = plans.progress_record(
                unit=self.unit, period=self.period, user=request.user, entries=entries
            )
        except ValidationError as exc:
            return self._again(typed, error_text(exc), 400)
        if result.conflicts:
            return self._again(
                typed,
                _(
                    "A colleague recorded progress on some of these items after you opened the "
                    "page. Nothing was saved; your entries are kept below. Reload to see theirs."
                ),
                409,
            )
        messages.success(
            request,
            _("Progress saved for %(count)s items.") % {"count": result.saved}
            if result.saved
            else _("Nothing had changed."),
        )
        return redirect("reporting:plan_progress", period=self.period.slug)

    def _again(self, typed, error, status):
        return self.render_to_response(
            self.get_context_data(typed=typed, error=error), status=status
        )
